"""Search in the database (overleg.domain.search, /zoeken, the topic list's search).

- need to know: a participant finds what they read and nothing else (casus, besloten items,
  guests, another body, concept minutes), each "not found" beside a positive control for
  someone entitled, and neither a title nor a snippet leaks;
- ranking (matched words per row on SQLite, ts_rank on PostgreSQL; no corpus statistics), pages, the query count;
- hostile input (FTS5 and tsquery syntax, quotes, NUL, 10,000 characters): a Dutch message
  and a 400, or a literal search, never a 500;
- the indexes follow every insert, update and delete, and the migration makes the same
  objects as ``db.create_all``.

Run on SQLite and once on PostgreSQL (tests/support/with-postgres.sh).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, text

from overleg.domain import decisions as ddec
from overleg.domain import minutes as dmin
from overleg.domain import search as ds
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AuditEvent, Decision, Topic
from tests.conftest import TEST_PASSWORD, login
from tests.factories import make_meeting, meeting_type
from tests.leak_fixture import build_world, canary
from tests.minutes_support import item_of

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, person):
    c = app.test_client()
    assert login(c, person.email, TEST_PASSWORD).status_code == 302
    return c


def _search(client, q: str, **args) -> tuple[int, str]:
    resp = client.get("/zoeken", query_string={"q": q, **args})
    body = resp.get_data(as_text=True)
    # the page repeats the question (the field, the title, its own links): not a finding
    for echo in (f'value="{q}"', f"Zoeken: {q}", f"q={q}"):
        body = body.replace(echo, "")
    return resp.status_code, body


def _alerts(body: str) -> list[str]:
    return re.findall(r'role="alert"><p class="utrecht-paragraph">([^<]*)</p>', body)


# --- need to know ---------------------------------------------------------------------------


@pytest.fixture
def world(app):
    w = build_world()
    db.session.commit()
    return w


# (persona, canary searched, found?) over the leak fixture: topic titles and descriptions,
# decisions and notes of every kind of item.
CASES = [
    # an open casus item: the participant reads it; the guest invited for another item not
    ("participant", canary("cas", "tit"), True),
    ("participant", canary("cas", "dsc"), True),
    ("participant", canary("cas", "dec"), True),
    ("participant", canary("cas", "nts"), True),
    ("named_guest", canary("cas", "tit"), False),
    ("named_guest", canary("cas", "dec"), False),
    ("named_guest", canary("cas", "nts"), False),
    ("plain_guest", canary("cas", "nts"), False),
    # a besloten casus: only who is named on it (positive control: "besloten")
    ("participant", canary("bes", "tit"), False),
    ("participant", canary("bes", "dec"), False),
    ("participant", canary("bes", "nts"), False),
    ("besloten", canary("bes", "tit"), True),
    ("besloten", canary("bes", "dec"), True),
    ("besloten", canary("bes", "nts"), True),
    # the besloten item on the open casus: not through that casus
    ("participant", canary("bcs", "nts"), False),
    ("besloten", canary("bcs", "nts"), True),
    # the named guest reads her own item
    ("named_guest", canary("gst", "tit"), True),
    ("named_guest", canary("gst", "nts"), True),
    # another body's casus
    ("participant", canary("dri", "tit"), False),
    ("participant", canary("dri", "dec"), False),
    ("other_body", canary("dri", "tit"), True),
    ("other_body", canary("dri", "dec"), True),
    ("other_body", canary("opn", "nts"), False),
    # an agenda still being prepared entitles no one but staff
    ("participant", canary("unp", "tit"), False),
    ("secretaris", canary("unp", "tit"), True),
    # the owner of an action on an item she is not entitled to
    ("owner", canary("cas", "dec"), False),
    ("owner", canary("cas", "tit"), False),
]


def test_search_finds_what_the_person_reads_and_nothing_else(app, world):
    from tests.leak_fixture import found
    from tests.test_leak_matrix import ALLOWED

    clients = {}
    problems = []
    for persona, needle, expected in CASES:
        if persona not in clients:
            clients[persona] = _client(app, world.people[persona])
        status, body = _search(clients[persona], needle)
        assert status == 200
        if (needle in body) != expected:
            problems.append((persona, needle, expected))
        # whatever is found shows only what the person reads (the leak matrix's table)
        if not found(body) <= ALLOWED[persona]:
            problems.append((persona, needle, found(body) - ALLOWED[persona]))
    assert not problems


def test_reference_found_without_title_or_snippet(app, world):
    """The named guest sees the casus topic of another item by its reference: searching the
    reference finds it, with neither its title nor any text."""
    cas = world.topics["cas"]
    status, body = _search(_client(app, world.people["named_guest"]), cas.reference)
    assert status == 200
    assert f">{cas.reference}</a>" in body  # the reference alone, as the link text
    assert canary("cas", "tit") not in body and canary("cas", "dsc") not in body
    assert "<mark>" not in body
    # positive control: the participant gets the title and the hit marked in the snippet
    status, body = _search(_client(app, world.people["participant"]), cas.reference)
    assert status == 200 and canary("cas", "tit") in body
    status, body = _search(_client(app, world.people["participant"]), canary("cas", "dsc"))
    assert f"<mark>{canary('cas', 'dsc')}</mark>" in body


def test_decision_code_shows_the_code_not_the_text(app, world):
    """A plain guest finds a casus decision of her meeting by its code, not its text."""
    decision = db.session.scalar(select(Decision).where(Decision.text == canary("cas", "dec")))
    guest = _client(app, world.people["plain_guest"])
    status, body = _search(guest, decision.code, soort="besluiten")
    assert status == 200 and decision.code in body
    assert canary("cas", "dec") not in body
    assert "Inhoud alleen zichtbaar voor wie bij deze casus betrokken is." in body
    status, body = _search(_client(app, world.people["participant"]), decision.code)
    assert canary("cas", "dec") in body  # positive control


def test_concept_minutes_are_found_by_staff_only(app, world, people):
    nxt = world.meetings["next"]
    item = item_of(nxt, "mededelingen")
    dmin.ensure_minutes(nxt, world.people["secretaris"])
    item.notes = "Conceptnotitie zzconceptzz over de wijkschouw."
    ddec.add_decision(nxt, item, "Conceptbesluit zzconceptbesluitzz.")
    db.session.commit()
    for needle in ("zzconceptzz", "zzconceptbesluitzz"):
        status, body = _search(_client(app, world.people["participant"]), needle)
        assert status == 200 and needle not in body
        status, body = _search(_client(app, world.people["secretaris"]), needle)
        assert status == 200 and needle in body


def test_search_writes_casus_viewed_with_references(app, world):
    before = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
    status, _ = _search(_client(app, world.people["participant"]), "zzcas")
    assert status == 200
    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > before, AuditEvent.event == "casus_viewed")
        )
    )
    assert [(e.object_type, e.object_ref) for e in events] == [
        ("search", world.topics["cas"].reference)
    ]
    # nothing shown in full, no event
    before = events[0].id
    _search(_client(app, world.people["named_guest"]), "zzcas")
    assert not db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.id > before, AuditEvent.event == "casus_viewed")
    )


def test_anonymous_is_sent_to_the_login(client):
    resp = client.get("/zoeken?q=overlast")
    assert resp.status_code == 302 and "/inloggen" in resp.headers["Location"]


# --- ranking and pages ----------------------------------------------------------------------


def _topic(title: str, description: str = "") -> Topic:
    return create_topic(
        title=title,
        description=description,
        meeting_type=meeting_type("tvo"),
        confidentiality="intern",
        year=2026,
    )


def test_ranking_title_before_description_and_more_before_less(app, people):
    sec = people["secretaris"]
    only_description = _topic("Woonwijk Noord", "Eenmalig een melding van hennepteelt.")
    in_title = _topic("Hennepteelt in de Kerkstraat", "Een pand aan de Kerkstraat.")
    twice = _topic("Hennepteelt en hennepteelt", "Hennepteelt, opnieuw hennepteelt.")
    _topic("Fietsendiefstal", "Niets hiervan.")
    db.session.commit()
    hits = ds.topics(sec, ds.parse("hennepteelt")).hits
    assert [h.obj.id for h in hits] == [twice.id, in_title.id, only_description.id]
    assert all(h.full for h in hits)
    # the same order on the page
    status, body = _search(_client(app, sec), "hennepteelt", soort="onderwerpen")
    assert status == 200
    order = [body.index(t.reference + " ") for t in (twice, in_title, only_description)]
    assert order == sorted(order)


def test_equally_good_hits_come_newest_first(app, people):
    """Ten years of "Overlast ..." topics rank alike: the newest comes first, not 2016's."""
    sec = people["secretaris"]
    older = _topic("Overlast jongeren", "Bij het winkelcentrum.")
    newer = _topic("Overlast jongeren", "Bij het winkelcentrum.")
    db.session.commit()
    hits = ds.topics(sec, ds.parse("overlast")).hits
    assert [h.obj.id for h in hits] == [newer.id, older.id]
    status, body = _search(_client(app, sec), "overlast", soort="onderwerpen")
    assert status == 200
    assert body.index(newer.reference + " ") < body.index(older.reference + " ")


def test_pages_cover_every_hit_once(app, people, count_queries):
    sec = people["secretaris"]
    made = [_topic(f"Wijkschouw {n}", "Een wijkschouw in de buurt.") for n in range(45)]
    db.session.commit()
    query = ds.parse("wijkschouw")
    seen: list[int] = []
    for page in (1, 2, 3):
        r = ds.topics(sec, query, page=page, size=20)
        seen += [h.obj.id for h in r.hits]
        assert r.has_next == (page < 3) and r.has_previous == (page > 1)
    assert sorted(seen) == sorted(t.id for t in made) and len(seen) == len(set(seen))
    client = _client(app, sec)
    status, body = _search(client, "wijkschouw", soort="onderwerpen", pagina="3")
    assert status == 200 and body.count('class="search-result"') == 5
    assert ">Vorige<" in body and ">Volgende<" not in body
    # past the last page: says so and leads back, instead of "Geen onderwerpen gevonden"
    status, body = _search(client, "wijkschouw", soort="onderwerpen", pagina="4")
    assert status == 200 and "Op pagina 4 staan geen onderwerpen meer." in body
    assert "Geen onderwerpen gevonden" not in body and "Terug naar de eerste pagina" in body
    # the number of queries does not depend on the page or the number of hits
    with count_queries() as first:
        client.get("/zoeken?q=wijkschouw")
    with count_queries() as last:
        client.get("/zoeken?q=wijkschouw&soort=onderwerpen&pagina=3")
    with count_queries() as none:
        client.get("/zoeken?q=zzgeenzz")
    assert first.count <= none.count + 6 and last.count <= first.count


@pytest.mark.parametrize("pagina", ["0", "abc", "51", "-1", "9" * 30, "1.5"])
def test_a_page_that_does_not_exist_is_refused_in_dutch(app, people, pagina):
    status, body = _search(
        _client(app, people["secretaris"]), "wijk", soort="besluiten", pagina=pagina
    )
    assert status == 400
    assert _alerts(body) == ["Kies een resultatenpagina van 1 tot en met 50."]


def test_query_count_does_not_grow_with_the_data(app, world, count_queries):
    client = _client(app, world.people["participant"])

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/zoeken?q=zz").status_code == 200
        return counter.count

    db.session.expire_all()
    few = measure()
    held = world.meetings["held"]
    for n in range(30):
        _topic(f"zzextra{n}", "zz")
        # on a topic's item, as the world's decisions: the page's eager loads stay the same
        ddec.add_decision(held, world.items["opn"], f"zzextra besluit {n}")
    db.session.commit()
    db.session.expire_all()  # as after the first measure's login: the reader is loaded again
    assert measure() == few


# --- hostile input --------------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    '"""',
    "AND(",
    "*",
    "a*",
    "OR",
    "NOT",
    "a NOT",
    "NEAR(a b, 2)",
    "title:geheim",
    "{title description}: a",
    "^a",
    "a + b",
    "(",
    ")",
    "'",
    "a'b",
    "\\",
    "a & b | !c",
    "a:*",
    "<->",
    "'); DROP TABLE topic;--",
    "-",
    "--a",
    "- -",
    "OF OF",
    "a OF",
    "ÄÖÜ ß ﬁ",
    "😀",
    "x" * 10_000,
    "a " * 100,
    "\x00",
    "a\r\nb",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_input_never_gives_a_500(app, people, q):
    client = _client(app, people["deelnemer"])
    for url in ("/zoeken", "/onderwerpen"):
        resp = client.get(url, query_string={"q": q})
        assert resp.status_code in (200, 400), (url, q, resp.status_code)
        if resp.status_code == 400 and url == "/zoeken" and "\x00" not in q:
            assert _alerts(resp.get_data(as_text=True)), q  # a Dutch message, not a bare 400
    for kind in ds.KINDS.values():
        try:
            kind(people["secretaris"], ds.parse(q))
        except ds.SearchError as exc:
            assert str(exc)  # Dutch, for the page


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('"', "Typ een of meer woorden om op te zoeken."),
        ("*", "Typ een of meer woorden om op te zoeken."),
        ("-overlast", "Zoek op ten minste één woord zonder minteken ervoor."),
        ("x" * 201, "Gebruik hoogstens 200 tekens om te zoeken."),
        (" ".join(f"w{i}" for i in range(13)), "Gebruik hoogstens 12 zoektermen."),
    ],
)
def test_refused_searches_say_why_in_dutch(app, people, q, message):
    status, body = _search(_client(app, people["deelnemer"]), q)
    assert status == 400 and _alerts(body) == [message]


def test_operators_are_literal_words_and_syntax_is_ours(app, people):
    sec = people["secretaris"]
    near = _topic("Overleg NEAR de haven", "Een AND-constructie met sterretjes *.")
    jeugd = _topic("Jeugdgroep bij het station", "Overlast en drugs.")
    rust = _topic("Jeugdgroep in het park", "Rustig, geen overlast.")
    db.session.commit()

    def ids(q):
        return {h.obj.id for h in ds.topics(sec, ds.parse(q)).hits}

    assert ids("NEAR") == {near.id} and ids("AND(") == {near.id}
    assert ids("jeugd") == {jeugd.id, rust.id}  # a prefix
    assert ids("jeugd -drugs") == {rust.id}
    assert ids('"bij het station"') == {jeugd.id}
    assert ids("haven OF park") == {near.id, rust.id}
    assert ids("Jeugdgroep station") == {jeugd.id}


def test_the_query_strings_quote_every_word():
    q = ds.parse('overlast "jeugd groep" -drugs OF TVO-2019')
    assert ds.fts5_match(q) == '(("overlast"* AND "jeugd groep") NOT "drugs"*) OR ("tvo 2019"*)'
    assert ds.pg_tsquery(q) == (
        "(('overlast':*) & ('jeugd' <-> 'groep') & !('drugs':*)) | (('tvo' <-> '2019':*))"
    )
    assert ds.parse("TVO-2019-014").reference == "TVO-2019-014"
    assert ds.parse("overlast").reference is None


# --- the indexes follow the rows ------------------------------------------------------------


def test_index_follows_insert_update_and_delete(people):
    sec = people["secretaris"]
    topic = _topic("Graffiti aan de brug")
    db.session.commit()

    def found(q):
        return [h.obj.id for h in ds.topics(sec, ds.parse(q)).hits]

    assert found("graffiti") == [topic.id]
    topic.title = "Zwerfvuil aan de brug"
    db.session.commit()
    assert found("graffiti") == [] and found("zwerfvuil") == [topic.id]
    meeting = make_meeting("tvo", day=date(2026, 6, 2))
    item = item_of(meeting, "mededelingen")
    decision = ddec.add_decision(meeting, item, "Het overleg besluit tot cameratoezicht.")
    item.notes = "Cameratoezicht besproken."
    db.session.commit()
    assert [h.obj.id for h in ds.decisions(sec, ds.parse("cameratoezicht")).hits] == [decision.id]
    assert [h.obj.id for h in ds.minutes(sec, ds.parse("cameratoezicht")).hits] == [item.id]
    db.session.delete(decision)
    item.notes = None
    db.session.commit()
    assert ds.decisions(sec, ds.parse("cameratoezicht")).hits == []
    assert ds.minutes(sec, ds.parse("cameratoezicht")).hits == []


def test_accents_and_case(people):
    """Both databases fold case; SQLite also folds accents (remove_diacritics), PostgreSQL
    stems Dutch words instead (README)."""
    sec = people["secretaris"]
    topic = _topic("Categorieën van ÜBERLAST-meldingen")
    db.session.commit()
    assert [h.obj.id for h in ds.topics(sec, ds.parse("CATEGORIEËN")).hits] == [topic.id]
    if db.engine.dialect.name == "sqlite":
        assert [h.obj.id for h in ds.topics(sec, ds.parse("categorieen")).hits] == [topic.id]
    else:
        woning = _topic("Woningen aan de dijk")
        db.session.commit()
        assert [h.obj.id for h in ds.topics(sec, ds.parse("woning")).hits] == [woning.id]


def search_objects(conn) -> dict[str, str]:
    """The search indexes in a database, by name: their DDL, whitespace folded."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE name LIKE 'search%' AND sql IS NOT NULL"
            )
        )
    else:
        rows = list(
            conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'ix_search%'")
            )
        )
        # the stored tsvector each GIN index holds, with its expression
        rows += conn.execute(
            text(
                "SELECT table_name || '.' || column_name, generation_expression "
                "FROM information_schema.columns WHERE column_name = 'search_vector'"
            )
        )
    return {name: re.sub(r"\s+", " ", sql or "") for name, sql in rows}


def test_test_schema_has_the_search_indexes(app):
    with db.engine.connect() as conn:
        objects = search_objects(conn)
    names = {"search_topic", "search_decision", "search_notes"}
    if db.engine.dialect.name == "sqlite":
        expected = names | {f"{n}_{t}" for n in names for t in ("ai", "ad", "au")}
        assert expected <= set(objects)
        assert "remove_diacritics 2" in objects["search_topic"]
    else:
        columns = {"topic.search_vector", "decision.search_vector", "agenda_item.search_vector"}
        assert set(objects) == {f"ix_{n}" for n in names} | columns
        assert all("gin (search_vector)" in objects[f"ix_{n}"] for n in names)
        assert all("'dutch'::regconfig" in objects[c] for c in columns)
        assert "setweight" in objects["topic.search_vector"]


def test_the_order_of_hits_tells_nothing_of_what_the_reader_cannot_read(app, people):
    """bm25 weighs a word by how many rows of the whole index hold it, unreadable ones too:
    with "zuiderpark OF kerkstraat" the order of two readable topics told whether casus the
    reader cannot read name the Zuiderpark. The rank is made from the row's own text only."""
    from overleg.domain.agenda import add_item
    from tests.conftest import make_person
    from tests.factories import publish

    member = make_person("lezer@search.example.org")
    meeting = make_meeting("tvo", day=date(2026, 3, 10), participants=[(member, "member")])
    first = _topic("Overlast Zuiderpark", "Een melding.")
    second = _topic("Overlast Kerkstraat", "Een melding.")
    for t in (first, second):
        add_item(meeting, title="", topic=t)
    publish(meeting, commit=False)
    db.session.commit()
    query = ds.parse("zuiderpark OF kerkstraat")
    before = [h.obj.id for h in ds.topics(member, query).hits]
    assert sorted(before) == sorted([first.id, second.id])  # both found (positive control)
    for n in range(8):  # casus the reader cannot read, all naming the Zuiderpark
        create_topic(
            title=f"Casus {n} Zuiderpark",
            description="Zuiderpark, opnieuw Zuiderpark.",
            meeting_type=meeting_type("tvo"),
            confidentiality="casus",
            year=2026,
        )
    db.session.commit()
    after = ds.topics(member, query).hits
    assert [h.obj.id for h in after] == before
    assert not any("Casus" in h.obj.title for h in after)
