"""Beheer: the audit log (Logboek) — filters, pages, CSV export, who may read it, and that
it never shows case text."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from overleg.domain.audit_log import EVENT_LABELS
from overleg.domain.keyset import CURSOR_MESSAGE
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AuditEvent
from tests.admin_support import alerts, page, table_column
from tests.conftest import assert_audit, make_person
from tests.factories import meeting_type

URL = "/beheer/logboek"


@pytest.fixture
def log(admin, people):
    """An empty log (the login of the beheerder removed), and a helper to write events."""
    db.session.execute(delete(AuditEvent))
    db.session.commit()

    def add(
        event="casus_viewed",
        at=datetime(2019, 3, 12, 9, 0, 5),
        person=None,
        object_type="topic",
        object_id=7,
        ref="TVO-2019-014",
        ip="10.1.2.3",
        commit=True,
    ):
        ev = AuditEvent(
            event=event,
            at=at,
            person_id=person.id if person else None,
            object_type=object_type,
            object_id=object_id,
            object_ref=ref,
            ip_address=ip,
        )
        db.session.add(ev)
        if commit:
            db.session.commit()
        return ev

    return add


def rows(resp) -> list[list[str]]:
    return [list(r) for r in zip(*(table_column(resp, i) for i in range(5)), strict=True)]


def test_log_shows_events_newest_first_in_dutch(admin, log, people):
    bea = people["beheerder"]
    log(at=datetime(2019, 3, 12, 9, 0, 5), person=people["secretaris"])
    log(
        event="minutes_exported",
        at=datetime(2019, 7, 1, 22, 30),
        person=bea,
        object_type="minutes",
        object_id=12,
        ref=None,
        ip=None,
    )
    log(
        event="iets_nieuws",
        at=datetime(2019, 1, 2, 8, 0),
        person=None,
        object_type=None,
        object_id=None,
        ref=None,
    )
    resp = admin.get(URL)
    assert resp.status_code == 200
    assert rows(resp) == [
        # 22:30 UTC in summer is 00:30 the next day in Amsterdam
        [
            "2 juli 2019, 00:30:00",
            "Bea Beheer",
            "Verslag geëxporteerd (PDF)",
            "Verslag nr. 12",
            "—",
        ],
        [
            "12 maart 2019, 10:00:05",
            "Sam Secretaris",
            "Casus ingezien",
            "Onderwerp TVO-2019-014",
            "10.1.2.3",
        ],
        ["2 januari 2019, 09:00:00", "onbekend", "iets_nieuws", "—", "10.1.2.3"],
    ]
    html = page(resp)
    assert "3 logregels" in html
    # every known event is offered in the filter with its Dutch label, unknown names as-is
    assert '<option value="casus_viewed">Casus ingezien</option>' in html
    assert '<option value="iets_nieuws">iets_nieuws</option>' in html
    assert "Vorige" not in html and "Volgende" not in html


def test_filters(admin, log, people):
    sam, bea = people["secretaris"], people["beheerder"]
    log(at=datetime(2019, 3, 11, 23, 30), person=sam, ref="TVO-2019-014")  # 12 March 00:30
    log(at=datetime(2019, 3, 12, 22, 59), person=bea, ref="OVO-2019-003")  # 12 March 23:59
    log(at=datetime(2019, 3, 12, 23, 0), person=sam, ref="TVO-2019-015")  # 13 March 00:00
    log(
        event="agenda_exported",
        at=datetime(2019, 3, 1, 9, 0),
        person=bea,
        object_type="meeting",
        object_id=4,
        ref=None,
    )

    def whats(query):
        resp = admin.get(URL + query)
        assert resp.status_code == 200, query
        return [(r[0], r[1], r[3]) for r in rows(resp)] if "<tbody" in page(resp) else []

    assert whats("?gebeurtenis=agenda_exported") == [
        ("1 maart 2019, 10:00:00", "Bea Beheer", "Overleg nr. 4")
    ]
    assert [w[2] for w in whats("?persoon=sam")] == [
        "Onderwerp TVO-2019-015",
        "Onderwerp TVO-2019-014",
    ]
    assert [w[2] for w in whats("?object=tvo-2019-014")] == ["Onderwerp TVO-2019-014"]
    assert [w[2] for w in whats("?object=TVO-2019")] == [
        "Onderwerp TVO-2019-015",
        "Onderwerp TVO-2019-014",
    ]
    # one Amsterdam day, from midnight to midnight
    assert [w[0] for w in whats("?van=2019-03-12&tot=2019-03-12")] == [
        "12 maart 2019, 23:59:00",
        "12 maart 2019, 00:30:00",
    ]
    assert [w[0] for w in whats("?van=13-03-2019")] == ["13 maart 2019, 00:00:00"]
    assert [w[2] for w in whats("?tot=2019-03-11")] == ["Overleg nr. 4"]
    assert whats("?persoon=sam&van=2019-03-12&tot=2019-03-12&gebeurtenis=casus_viewed") == [
        ("12 maart 2019, 00:30:00", "Sam Secretaris", "Onderwerp TVO-2019-014")
    ]
    resp = admin.get(URL + "?persoon=niemand")
    assert "Geen logregels met dit filter." in page(resp)
    # wildcards are taken literally
    assert whats("?object=%25") == [] and whats("?persoon=_") == []
    # the filter is kept in the form
    html = page(admin.get(URL + "?persoon=sam&object=TVO&van=2019-03-12"))
    assert 'name="persoon" value="sam"' in html and 'name="object" value="TVO"' in html
    assert 'name="van" value="2019-03-12"' in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("?van=2019-03-12&tot=2019-03-01", "De periode klopt niet: ‘tot en met’ ligt vóór ‘van’."),
        (
            "?van=12 maart",
            "De datum ‘van’ is geen geldige datum. Gebruik dd-mm-jjjj, bijvoorbeeld 12-03-2019.",
        ),
        (
            "?tot=2019-02-30",
            "De datum ‘tot en met’ is geen geldige datum. Gebruik dd-mm-jjjj, "
            "bijvoorbeeld 12-03-2019.",
        ),
        ("?tot=9999-12-31", "Kies voor ‘tot en met’ een datum tussen 2000 en 2999."),
        ("?van=0001-01-01", "Kies voor ‘van’ een datum tussen 2000 en 2999."),
        ("?gebeurtenis=<script>", "Kies een gebeurtenis uit de lijst."),
        ("?vanaf=abc", CURSOR_MESSAGE),
        ("?vanaf=WyJuIl0", CURSOR_MESSAGE),  # ["n"]: no key
        ("?vanaf=WyJuIiwiMjAxOS0wMS0wMVQxMjowMDowMCIsInRyZWUiXQ", CURSOR_MESSAGE),  # id "tree"
        ("?vanaf=" + "A" * 500, CURSOR_MESSAGE),
        ("?vanaf=%F0%9F%98%80", CURSOR_MESSAGE),
    ],
)
def test_bad_filter_input_is_refused_in_dutch(admin, log, query, message):
    log()
    resp = admin.get(URL + query)
    assert resp.status_code == 400
    assert alerts(resp) == [message]
    assert "<tbody" not in page(resp)
    assert "<script>" not in resp.get_data(as_text=True)
    export = admin.get(URL + "/export.csv" + query)
    if "vanaf" in query:  # the export ignores the page
        assert export.status_code == 200
    else:
        assert export.status_code == 400 and alerts(export) == [message]


def _link(html: str, label: str) -> str:
    """The href of the Volgende/Vorige link."""
    match = re.search(rf'href="([^"]+)">{label}<', html)
    assert match, f"no {label} link"
    return match.group(1).replace("&amp;", "&")


def test_pagination(admin, log, people):
    start = datetime(2019, 1, 1, 12, 0)
    for i in range(120):
        log(
            at=start + timedelta(minutes=i // 2),  # two events at every moment
            ref=f"TVO-2019-{i:03d}",
            person=people["secretaris"],
            commit=False,
        )
    db.session.commit()
    first = admin.get(URL)
    html = page(first)
    assert len(rows(first)) == 50 and rows(first)[0][3] == "Onderwerp TVO-2019-119"
    assert "50 logregels op deze pagina, het nieuwste eerst." in html
    assert ">Volgende<" in html and ">Vorige<" not in html
    assert "pagina=" not in html and "vanaf=" in _link(html, "Volgende")
    second = admin.get(_link(html, "Volgende"))
    assert second.status_code == 200
    assert rows(second)[0][3] == "Onderwerp TVO-2019-069"
    assert ">Vorige<" in page(second) and ">Volgende<" in page(second)
    last = admin.get(_link(page(second), "Volgende"))
    assert len(rows(last)) == 20 and rows(last)[-1][3] == "Onderwerp TVO-2019-000"
    assert ">Volgende<" not in page(last)
    # every event exactly once, and Vorige returns the same pages
    seen = [r[3] for resp in (first, second, last) for r in rows(resp)]
    assert seen == [f"Onderwerp TVO-2019-{i:03d}" for i in range(119, -1, -1)]
    back = admin.get(_link(page(last), "Vorige"))
    assert rows(back) == rows(second)
    assert rows(admin.get(_link(page(back), "Vorige"))) == rows(first)
    # the filter travels with the page links
    filtered = page(admin.get(URL + "?persoon=sam&gebeurtenis=casus_viewed"))
    assert "persoon=sam" in _link(filtered, "Volgende")
    # a cursor changed by hand: a Dutch message and 400, not a 500
    tampered = _link(html, "Volgende")[:-3] + "!!!"
    resp = admin.get(tampered)
    assert resp.status_code == 400 and alerts(resp) == [CURSOR_MESSAGE]


def test_queries_do_not_grow_with_the_rows(admin, log, people, count_queries):
    def measure():
        with count_queries() as counter:
            assert admin.get(URL).status_code == 200
        return counter.count

    for _ in range(3):
        log(person=people["secretaris"], commit=False)
    db.session.commit()
    few = measure()
    for i in range(60):
        other = make_person(f"p{i}@test.example.org", name=f"Persoon {i}", password=None)
        log(person=other, object_id=i, ref=f"OVO-2019-{i:03d}", commit=False)
    db.session.commit()
    assert measure() == few


def test_csv_export_of_the_filter(admin, log, people):
    sam = people["secretaris"]
    log(at=datetime(2019, 3, 12, 9, 0, 5), person=sam, ref="TVO-2019-014")
    log(event="agenda_exported", person=sam, object_type="meeting", object_id=4, ref=None)
    evil = make_person("evil@test.example.org", name='=HYPERLINK("http://x")', password=None)
    log(at=datetime(2019, 3, 12, 10, 0), person=evil, ref="TVO-2019-020")
    log(at=datetime(2019, 4, 1, 9, 0), person=sam, ref="TVO-2019-030")

    html = page(admin.get(URL + "?gebeurtenis=casus_viewed&tot=2019-03-31"))
    assert 'href="/beheer/logboek/export.csv?gebeurtenis=casus_viewed&tot=2019-03-31"' in html
    assert "Exporteren (CSV)" in html
    resp = admin.get("/beheer/logboek/export.csv?gebeurtenis=casus_viewed&tot=2019-03-31")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert re.match(
        r'attachment; filename="logboek-\d{8}-\d{4}\.csv"', resp.headers["Content-Disposition"]
    )
    assert resp.headers["Cache-Control"] == "no-store"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == [
        "Tijdstip",
        "Persoon",
        "Gebeurtenis",
        "Code",
        "Object",
        "Objecttype",
        "Object-id",
        "Referentie",
        "IP-adres",
        "Voor",
        "Na",
    ]
    assert lines[1:] == [
        [
            "2019-03-12 11:00:00",
            '\'=HYPERLINK("http://x")',
            "Casus ingezien",
            "casus_viewed",
            "Onderwerp TVO-2019-020",
            "Onderwerp",
            "7",
            "TVO-2019-020",
            "10.1.2.3",
            "",
            "",
        ],
        [
            "2019-03-12 10:00:05",
            "Sam Secretaris",
            "Casus ingezien",
            "casus_viewed",
            "Onderwerp TVO-2019-014",
            "Onderwerp",
            "7",
            "TVO-2019-014",
            "10.1.2.3",
            "",
            "",
        ],
    ]
    exported = assert_audit("audit_log_exported", person_id=people["beheerder"].id)
    assert len(exported) == 1
    # the export itself shows in the log
    assert rows(admin.get(URL + "?gebeurtenis=audit_log_exported"))[0][1:3] == [
        "Bea Beheer",
        "Logboek geëxporteerd (CSV)",
    ]


def test_large_export_is_complete(admin, log):
    for i in range(1203):
        log(ref=f"PO-2019-{i:04d}", commit=False)
    db.session.commit()
    text = admin.get("/beheer/logboek/export.csv").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    # header, 1203 events and the export's own event
    assert len(lines) == 1 + 1203 + 1
    assert sum("PO-2019-" in line for line in lines) == 1203


@pytest.mark.parametrize("role", ["secretaris", "deelnemer"])
def test_only_the_beheerder_reads_the_log(as_role, role):
    c = as_role(role)
    assert c.get(URL).status_code == 403
    assert c.get(URL + "/export.csv").status_code == 403
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event == "audit_log_exported")
        )
        == 0
    )


def test_anonymous_is_sent_to_login(client):
    resp = client.get(URL)
    assert resp.status_code == 302 and "/inloggen" in resp.headers["Location"]


def test_no_case_text_in_the_log(app, admin, seeded):
    """A casus viewed for real: the log names its reference, never its title or text."""
    from tests.conftest import login

    topic = create_topic(
        title="Woninginbraak familie Jansen Kerkstraat 12",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        description="Zoon van 16 betrokken bij inbraken",
        year=2019,
    )
    db.session.commit()
    sec = app.test_client()
    assert login(sec, "oov@example.org", "Veilig-Overleg-2019").status_code == 302
    viewed = sec.get(f"/onderwerpen/{topic.id}")
    assert viewed.status_code == 200 and "familie Jansen" in page(viewed)
    assert_audit("casus_viewed", object_ref=topic.reference)

    for text in (
        page(admin.get(URL)),
        page(admin.get(f"{URL}?object={topic.reference}")),
        admin.get(URL + "/export.csv").get_data(as_text=True),
    ):
        assert topic.reference in text
        for secret in ("Jansen", "Kerkstraat", "Woninginbraak", "Zoon van 16", "inbraken"):
            assert secret not in text


def test_index_links_the_log_with_a_count(admin, log):
    for _ in range(3):
        log(commit=False)
    db.session.commit()
    html = page(admin.get("/beheer/"))
    assert 'href="/beheer/logboek"' in html and "<strong>3 logregels</strong>" in html
    resp = admin.get(URL)
    crumbs = page(resp).split('aria-label="Kruimelpad"')[1].split("</nav>")[0]
    assert 'href="/beheer/"' in crumbs and "Logboek" in crumbs


# Calls whose first argument is an event name, and assignments that hold event names.
_EVENT_CALLS = {"record", "Change", "diff", "account_change", "holding_change", "document_change"}


def _strings(node) -> set[str]:
    """The event names an expression can be: a string, or either branch of an `x if c else y`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value} if re.fullmatch(r"[a-z_]+", node.value) else set()
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def recorded_event_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in _EVENT_CALLS:
                names |= _strings(node.args[0])
            elif called == "_delete" and len(node.args) > 1:
                names |= _strings(node.args[1])
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = getattr(target, "id", "")
                if name == "event":
                    names |= _strings(node.value)
                elif name.endswith("_EVENTS") and isinstance(node.value, ast.Dict):
                    for value in node.value.values:
                        names |= _strings(value)
    return names


def test_every_recorded_event_has_a_dutch_label():
    """An event name written anywhere in overleg/ needs a label in EVENT_LABELS
    (overleg/domain/audit_log.py); unlabelled names would show as code in the Logboek."""
    root = Path(__file__).resolve().parents[1] / "overleg"
    names: set[str] = set()
    for path in root.rglob("*.py"):
        names |= recorded_event_names(path.read_text(encoding="utf-8"))
    assert {
        "login",
        "casus_viewed",
        "person_changed",
        "organisation_deleted",
        "login_failed",
        "account_removed",
        "item_guests_changed",
        "account_deactivated",
        "feed_renewed",
        "role_holding_changed",
        "document_uploaded",
    } <= names
    missing = sorted(names - set(EVENT_LABELS))
    assert not missing, f"audit events without a Dutch label: {missing}"


def test_index_counts_the_log_up_to_a_cap(admin, log, monkeypatch):
    """Beyond the cap the index says "meer dan" instead of counting every row."""
    from overleg.domain import admin as domain

    for _ in range(3):
        log(commit=False)
    db.session.commit()
    monkeypatch.setattr(domain, "AUDIT_COUNT_CAP", 3)
    html = page(admin.get("/beheer/"))
    assert "<strong>3 logregels</strong>" in html  # control: at the cap, the number
    log()
    html = page(admin.get("/beheer/"))
    assert "<strong>meer dan 3 logregels</strong>" in html


def test_the_event_filter_offers_every_name_found_in_the_log(admin, log):
    """Names read by skipping through the index: one found only in the log (no label) is
    offered under "Overig", as are the labelled ones in their groups."""
    log(event="zelfbedacht_event", commit=False)
    log(event="casus_viewed")
    html = page(admin.get(URL))
    assert 'value="zelfbedacht_event"' in html
    assert 'value="casus_viewed"' in html
