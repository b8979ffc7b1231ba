"""The leak matrix: for every persona, every GET route of the URL map (the fixture's ids filled
in by parameter name), every PDF (text extracted), every .ics, the feed and every queued mail,
the canaries found are exactly those the table below allows.

A new GET route is covered without a new test: its parameters are filled from FILL; a
parameter the fixture cannot fill fails the test.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from overleg.calendar.feeds import ensure_feed_token
from overleg.extensions import db
from overleg.models import (
    Document,
    Measure,
    MeetingSeries,
    MeetingType,
    MinutesVersion,
    Organisation,
    OutboxMessage,
    PlanVersion,
    PlanYear,
    Role,
    RoleHolding,
    Signal,
)
from tests.conftest import TEST_PASSWORD, login
from tests.leak_fixture import ALL, ALL_ITEMS, build_world, canaries, found, response_text
from tests.leak_fixture import canary as canary_of

pytestmark = pytest.mark.usefixtures("seeded")

# Persona -> the items they read in full (every canary of those items, nothing else).
ALLOWED = {
    "anonymous": canaries(),
    "participant": canaries("std", "opn", "cas", "gst", "esc"),
    "besloten": canaries("std", "opn", "cas", "gst", "esc", "bes", "bcs"),
    "named_guest": canaries("std", "gst"),
    "plain_guest": canaries("std", "opn", "esc"),
    "other_body": canaries("dri"),
    "owner": canaries(),
    "secretaris": ALL,
    "beheerder": ALL,
}

# The outputs where an item's text is shown, checked one by one (the agenda view-model's
# outputs must agree: page, PDF, stukken, bundle).
AGENDA_OUTPUTS = ("agenda", "agenda.pdf", "stukken", "vergaderstukken.pdf")


def _fill(w, persona: str) -> dict[str, list]:
    """Values per URL parameter name."""

    def ids(model):
        return list(db.session.scalars(select(model.id).order_by(model.id).limit(3)))

    holdings = db.session.execute(
        select(RoleHolding.role_id, RoleHolding.id).order_by(RoleHolding.id).limit(1)
    ).all()
    person = w.people.get(persona)
    return {
        "meeting_id": [m.id for m in w.meetings.values()],
        "item_id": [i.id for i in w.items.values()],
        "doc_id": list(db.session.scalars(select(Document.id))),
        "topic_id": [t.id for t in w.topics.values()],
        "code": ["tvo", "driehoek"],
        "number": list(db.session.scalars(select(MinutesVersion.number).distinct())),
        "token": [ensure_feed_token(person) if person is not None else "geen-geldig-token"],
        "message_id": list(db.session.scalars(select(OutboxMessage.id).limit(6))),
        "type_id": ids(MeetingType),
        "org_id": ids(Organisation),
        "person_id": [p.id for p in list(w.people.values())[:3]],
        "series_id": ids(MeetingSeries),
        "role_id": [r for r, _ in holdings] or ids(Role),
        "holding_id": [h for _, h in holdings],
        "year": list(db.session.scalars(select(PlanYear.year))) or [2019],
        "version_id": ids(PlanVersion) or [1],
        "signal_id": ids(Signal) or [1],
        "measure_id": list(db.session.scalars(select(Measure.id).order_by(Measure.id))),
    }


def _urls(app, fill) -> list[tuple[str, str]]:
    """(endpoint, url) for every GET route, every combination of the fixture's values."""
    out = []
    missing = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        args = sorted(rule.arguments)
        if any(not fill.get(a) for a in args):
            missing.append((rule.rule, [a for a in args if not fill.get(a)]))
            continue
        combos = itertools.product(*(fill[a] for a in args)) if args else [()]
        for combo in combos:
            values = dict(zip(args, combo, strict=True))
            out.append((rule.endpoint, _build(app, rule.endpoint, values)))
    assert not missing, f"routes whose parameters the fixture cannot fill: {missing}"
    return out


def _build(app, endpoint, values) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _client(app, w, persona: str):
    c = app.test_client()
    if persona != "anonymous":
        assert login(c, w.people[persona].email, TEST_PASSWORD).status_code == 302
    return c


def _walk(app, w, persona: str) -> tuple[int, list[str]]:
    """Every GET route for one persona: (URLs requested, problems found)."""
    fill = _fill(w, persona)
    db.session.commit()
    urls = _urls(app, fill)
    c = _client(app, w, persona)
    problems = []
    seen: set[str] = set()
    where: dict[str, set[str]] = {}
    for _endpoint, url in urls:
        resp = c.get(url)
        if resp.status_code >= 500:
            problems.append(f"{url}: {resp.status_code}")
        got = found(response_text(resp)) if resp.status_code == 200 else set()
        seen |= got
        for canary in got - ALLOWED[persona]:
            where.setdefault(canary, set()).add(url)
    # topic search: what the reader does not read in full is not found by its text
    for code, topic in w.topics.items():
        for fld in ("tit", "dsc"):
            needle = f"zz{code}{fld}zz"
            resp = c.get(f"/onderwerpen?q={needle}")
            if resp.status_code not in (200, 302):
                problems.append(f"search {needle}: {resp.status_code}")
            if resp.status_code == 200:
                # (the search box and the link to the search page repeat the question)
                text = resp.get_data(as_text=True).replace(f'value="{needle}"', "")
                text = text.replace(f"q={needle}", "")
                full = f"zz{code}titzz" in ALLOWED[persona]
                if (topic.reference in text) != full:
                    problems.append(f"search {needle} finds {topic.reference}: {not full}")
                seen |= found(text)
    # the search page: a text is found by exactly who reads it, and shows nothing else
    searchable = {canary_of(code, f) for code in w.topics for f in ("tit", "dsc")}
    searchable |= {
        canary_of(code, f) for code in ALL_ITEMS if code != "unp" for f in ("nts", "dec")
    }
    for needle in sorted(searchable):
        resp = c.get(f"/zoeken?q={needle}")
        if resp.status_code not in (200, 302):
            problems.append(f"zoeken {needle}: {resp.status_code}")
        if resp.status_code != 200:
            continue
        text = resp.get_data(as_text=True)
        for echo in (f'value="{needle}"', f"Zoeken: {needle}", f"q={needle}"):
            text = text.replace(echo, "")
        got = found(text)
        seen |= got
        for leaked in got - ALLOWED[persona]:
            where.setdefault(leaked, set()).add(f"/zoeken?q={needle}")
        if (needle in got) != (needle in ALLOWED[persona]):
            problems.append(f"zoeken {needle}: found {needle in got}")
    if where:
        problems.append(f"reads more than allowed: {where}")
    if seen != ALLOWED[persona]:
        problems.append(f"never shown although allowed: {sorted(ALLOWED[persona] - seen)}")
    # The agenda outputs (one view-model) agree with each other on the held meeting.
    held = w.meetings["held"].id
    here = {f"zz{code}titzz" for code, i in w.items.items() if i.meeting_id == held}
    titles = {}
    for out in AGENDA_OUTPUTS:
        resp = c.get(f"/overleggen/{held}/{out}")
        titles[out] = (found(response_text(resp)) if resp.status_code == 200 else set()) & here
    if len({frozenset(t) for t in titles.values()}) != 1:
        problems.append(f"agenda outputs disagree: {titles}")
    return len(urls), [f"{persona}: {p}" for p in problems]


@pytest.mark.parametrize("persona", list(ALLOWED))
def test_every_route_shows_exactly_what_the_policy_allows(app, persona):
    """Per persona (so that the test workers share the matrix), over a world of its own."""
    w = build_world()
    db.session.commit()
    covered, problems = _walk(app, w, persona)
    assert not problems, "\n".join(problems)
    assert covered > 0
    print(
        f"leak matrix, {persona}: {len(_rules(app))} GET routes, {covered} requests, "
        f"{len(ALL)} canaries"
    )


def test_mail_carries_no_case_content(app):
    build_world()
    db.session.commit()
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert messages  # the lifecycle queued mail (agenda published, minutes sent)
    problems = [
        f"mail {msg.id} carries case content"
        for msg in messages
        if found(f"{msg.subject}\n{msg.body_text}")
    ]
    assert not problems, "\n".join(problems)


def _rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]


def test_owner_not_entitled_sees_reference_only(app):
    w = build_world()
    owner = _client(app, w, "owner")
    resp = owner.get("/mijn-actiepunten")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "zzcasactzz" not in text
    assert "Actiepunt uit een overleg waar u niet bij was" in text
    # positive control: a participant entitled to the item reads it in the register
    resp = _client(app, w, "participant").get("/actiepunten/tvo")
    assert resp.status_code == 200 and "zzcasactzz" in resp.get_data(as_text=True)


def test_bodies_one_does_not_sit_in_answer_404(app):
    w = build_world()
    wijk = _client(app, w, "other_body")
    for url in ("/besluiten/tvo", "/actiepunten/tvo"):
        assert wijk.get(url).status_code == 404
    for url in ("/besluiten/driehoek", "/actiepunten/driehoek"):
        assert wijk.get(url).status_code == 200
    p = _client(app, w, "participant")
    assert p.get("/besluiten/driehoek").status_code == 404
    assert p.get("/besluiten/tvo").status_code == 200


def test_every_full_view_of_casework_writes_one_audit_event_with_references(app):
    from overleg.models import AuditEvent

    w = build_world()
    held = w.meetings["held"].id
    refs = {code: w.topics[code].reference for code in ("cas", "gst", "bes")}
    c = _client(app, w, "participant")
    expected_shown = {refs["cas"], refs["gst"]}  # not the besloten casus
    for url, kind in (
        (f"/overleggen/{held}/agenda", "meeting"),
        (f"/overleggen/{held}/stukken", "meeting"),
        (f"/overleggen/{held}/verslag", "minutes"),
        ("/besluiten/tvo", "decision_register"),
        ("/actiepunten/tvo", "action_register"),
        ("/onderwerpen", "topic_list"),
        ("/onderwerpen?q=zz", "topic_list"),
        ("/zoeken?q=zzcas OF zzgst", "search"),
    ):
        before = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
        resp = c.get(url)
        assert resp.status_code == 200, url
        events = list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.id > before, AuditEvent.event == "casus_viewed")
            )
        )
        assert len(events) == 1, (url, [(e.object_type, e.object_ref) for e in events])
        assert events[0].object_type == kind, url
        assert set(events[0].object_ref.split()) == expected_shown, url
        assert not found(events[0].object_ref or "")  # references, never text
    # the owner of an action on an item they are not entitled to: no casus shown, no event
    owner = _client(app, w, "owner")
    before = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
    assert owner.get("/mijn-actiepunten").status_code == 200
    assert not db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.id > before, AuditEvent.event == "casus_viewed")
    )
    # the named guest: her item only
    guest = _client(app, w, "named_guest")
    before = db.session.scalar(select(db.func.max(AuditEvent.id))) or 0
    assert guest.get(f"/overleggen/{held}/verslag").status_code == 200
    ev = db.session.scalar(
        select(AuditEvent).where(AuditEvent.id > before, AuditEvent.event == "casus_viewed")
    )
    assert ev is not None and ev.object_ref == refs["gst"]


def test_joined_references_fit_the_column():
    from overleg.audit import joined_refs

    refs = [f"TVO-2026-{n:03d}" for n in range(10)]
    out = joined_refs(refs)
    assert len(out) <= 60 and out.endswith("+6") and out.startswith("TVO-2026-000 ")
    assert joined_refs(["TVO-2026-002", "TVO-2026-001"]) == "TVO-2026-001 TVO-2026-002"
    assert joined_refs([]) is None


def test_a_casus_measure_is_hidden_from_who_is_not_entitled(app):
    """The plan van aanpak of a casus is part of the casus: the owner (police, like the
    measure's organisation, but at no item of the casus) gets 404 on the plan and its adopted
    version, and "Maatregelen van mijn organisatie" leaves it out; the participant reads it."""
    w = build_world()
    cas = w.topics["cas"]
    measure = db.session.scalar(select(Measure).where(Measure.topic_id == cas.id))
    owner = _client(app, w, "owner")
    for url in (f"/onderwerpen/{cas.id}/aanpak", f"/onderwerpen/{cas.id}/aanpak/versie/1"):
        resp = owner.get(url)
        assert resp.status_code == 404, url
        assert not found(response_text(resp)), url
    assert owner.get(f"/maatregelen/{measure.id}/bewerken").status_code == 403
    resp = owner.get("/maatregelen")
    assert resp.status_code == 200
    text = response_text(resp)
    assert "Maatregelen van mijn organisatie" in text
    assert "zzcasmsrzz" not in text and cas.reference not in text
    # positive control: the participant (police too) reads it on all three pages
    participant = _client(app, w, "participant")
    for url in (
        "/maatregelen",
        f"/onderwerpen/{cas.id}/aanpak",
        f"/onderwerpen/{cas.id}/aanpak/versie/1",
        f"/onderwerpen/{cas.id}",
    ):
        resp = participant.get(url)
        assert resp.status_code == 200, url
        assert "zzcasmsrzz" in response_text(resp), url
