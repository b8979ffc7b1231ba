"""Hostile input for the fuzz tests (tests/test_fuzz.py): Hypothesis strategies, a small
world of demo objects to post against, and the check every example must pass.

The check, per example: never a 500 (an exception in the app fails the test too, since
the test app propagates them); a POST that is not a redirect is a 4xx, writes nothing to
the database (no INSERT/UPDATE/DELETE during the request, so what was saved before is
unchanged) and, when it is a 400 page, shows a Dutch message beside a field or in an error
alert, never WTForms' English default.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import date, timedelta
from typing import NamedTuple

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from overleg.extensions import db, limiter

DEMO_PASSWORD = "Veilig-Overleg-2019"

# Hypothesis settings for every fuzz test: 200 examples per form (OVERLEG_FUZZ_EXAMPLES
# sets another number for one run), reproducible in CI (derandomized, no example database
# written), no deadline (the machine is shared).
EXAMPLES = int(os.environ.get("OVERLEG_FUZZ_EXAMPLES") or 200)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# --- values ----------------------------------------------------------------------------------

CONTROLS = [chr(c) for c in (*range(0, 32), 127, *range(0x80, 0xA0))] + ["\u2028", "\u2029"]

SPECIAL_TEXT = [
    "",
    " ",
    "\t",
    "\r\n",
    "\x00",
    "a\x00b",
    "Mallory\r\nBcc: x@example.org",
    "Mallory\nBcc: x@example.org",
    "=?utf-8?q?x?=",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%00",
    "' OR 1=1 --",
    "\ufeff",
    "\u202e",
    "😀" * 3,
    "Ünïcødé – ‘quotes’ “dubbel” € 漢字",
    "https://example.org/\r\nX: y",
    "javascript:alert(1)",
]

LONG_TEXT = [c * 10_000 for c in ("x", "é", "\r\n", "😀", "\x00", " ")] + ["x" * 10_001]

NUMBERS = [
    "-1",
    "0",
    "1",
    "5",
    "52",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "1.5",
    "٣",  # an Arabic-Indic digit: str.isdigit() says yes
    "²",
    " 7 ",
]

SPECIAL_DATES = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-01",
    "1999-12-31",
    "2100-01-01",
    "2027-03-28",
    "2027-10-31",
    "2026-10-25",
    "2027-02-29",
    "2027-02-30",
    "1-1",
    "2027-13-01",
    "31-12-2027",
    "28-03-2027",
]

DST_TIMES = ["02:00", "02:30", "02:59", "03:00", "03:30", "01:59", "00:00", "23:59"]
BAD_TIMES = ["24:00", "25:61", "-1:00", "2:3", "10:00:00", "1000", "ten"]


def control_text():
    return st.text(alphabet=st.sampled_from([*CONTROLS, "a", "é", " ", "漢", "😀"]), max_size=20)


def hostile_text():
    return st.one_of(
        st.text(max_size=40),
        control_text(),
        st.sampled_from(SPECIAL_TEXT),
        st.sampled_from(LONG_TEXT),
        st.sampled_from(NUMBERS),
    )


class Field(NamedTuple):
    """A field's values: plain ones (the form would accept them) and hostile ones."""

    valid: st.SearchStrategy
    hostile: st.SearchStrategy


def text_value(*plain: str) -> Field:
    return Field(st.sampled_from(list(plain) or ["Gewone tekst"]), hostile_text())


def date_value(*plain: str) -> Field:
    return Field(
        st.sampled_from(list(plain) or ["2027-04-15"]),
        st.one_of(
            st.dates().map(date.isoformat),
            st.dates(date(2026, 1, 1), date(2029, 12, 31)).map(date.isoformat),
            st.sampled_from(SPECIAL_DATES),
            hostile_text(),
        ),
    )


def time_value(*plain: str) -> Field:
    return Field(
        st.sampled_from(list(plain) or ["10:00"]),
        st.one_of(
            st.sampled_from(DST_TIMES),
            st.times().map(lambda t: t.strftime("%H:%M")),
            st.sampled_from(BAD_TIMES),
            hostile_text(),
        ),
    )


def number_value(*plain: int) -> Field:
    return Field(
        st.sampled_from([str(n) for n in plain] or ["1"]),
        st.one_of(st.integers().map(str), st.sampled_from(NUMBERS), hostile_text()),
    )


def choice_value(*valid) -> Field:
    return Field(
        st.sampled_from([str(v) for v in valid]),
        st.one_of(st.integers().map(str), st.sampled_from(NUMBERS), hostile_text()),
    )


def free(strategy) -> Field:
    return Field(strategy, strategy)


@st.composite
def form(draw, **fields: Field) -> dict:
    """Form data: plain values with one or a few fields hostile, or a free mix in which
    any field may also be left out."""
    mode = draw(st.sampled_from(["one", "some", "any"]))
    names = sorted(fields)
    if mode == "one":
        hostile = {draw(st.sampled_from(names))} if names else set()
    else:
        hostile = {n for n in names if draw(st.booleans())}
    data = {}
    for name in names:
        if mode == "any" and draw(st.integers(0, 4)) == 0:
            continue
        field = fields[name]
        data[name] = draw(field.hostile if name in hostile else field.valid)
    return data


# --- the check ---------------------------------------------------------------------------

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.I)
ENGLISH = (
    "This field",
    "Not a valid",
    "Invalid",
    "Field must",
    "is required",
    "must be",
    "Please ",
)
FIELD_MESSAGE = re.compile(
    r'class="utrecht-form-field-error-message"'
    r'|class="utrecht-alert utrecht-alert--(?:error|warning)"'
)


# A refused submission may still be logged (a failed login writes `login_failed`): the audit
# log records the attempt; it saves nothing the user submitted.
AUDIT_INSERT = re.compile(r"\s*INSERT INTO audit_event\b", re.I)


class Writes:
    """The INSERT/UPDATE/DELETE statements run while it is open (audit log rows aside)."""

    def __init__(self):
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if WRITE.match(statement) and not AUDIT_INSERT.match(statement):
            self.statements.append(statement.split("\n")[0][:120])

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)


class Snapshot:
    """The database as the world left it, put back after an example that saved something,
    so that every example starts from the same state (and pages do not grow with the
    examples before). SQLite only (its backup API, a few milliseconds); on PostgreSQL the
    examples run one after the other on the growing database."""

    def __init__(self):
        db.session.commit()
        db.session.close()
        self.copy = None
        if db.engine.dialect.name == "sqlite":
            self.copy = sqlite3.connect(":memory:")
            raw = db.engine.raw_connection()
            try:
                raw.driver_connection.backup(self.copy)
            finally:
                raw.close()

    def restore(self):
        db.session.rollback()
        db.session.close()
        if self.copy is None:
            return
        raw = db.engine.raw_connection()
        try:
            self.copy.backup(raw.driver_connection)
        finally:
            raw.close()


def submit(
    client,
    url: str,
    data: dict | None = None,
    method: str = "POST",
    files=None,
    snapshot: Snapshot | None = None,
    on_success=None,
):
    """Send one example and check the properties; returns the response. After a
    successful POST, `on_success` runs (e.g. open what was saved) and the snapshot (if
    any) is put back."""
    limiter.reset()
    db.session.expire_all()
    payload = dict(data or {})
    if files:
        payload.update(files)
    with Writes() as writes:
        if method == "GET":
            resp = client.get(url, query_string=data)
        else:
            resp = client.post(url, data=payload, content_type=None if not files else None)
    status = resp.status_code
    assert status < 500, f"{method} {url} {data!r} -> {status}"
    if method == "GET":
        assert status in (200, 302, 303, 400, 403, 404), (url, data, status)
        return resp
    if status in (302, 303):
        if on_success is not None:
            on_success()
        if snapshot is not None and writes.statements:
            snapshot.restore()
        return resp
    assert 400 <= status < 500, f"{method} {url} {data!r} -> {status} (not a redirect, not 4xx)"
    assert not writes.statements, f"{url} {data!r} -> {status} but wrote {writes.statements}"
    if status == 400 and resp.mimetype == "text/html":
        html = resp.get_data(as_text=True)
        assert FIELD_MESSAGE.search(html), f"{url} {data!r}: 400 without a message"
        for english in ENGLISH:
            assert english not in html, f"{url} {data!r}: English {english!r} on the page"
    return resp


# --- the world ---------------------------------------------------------------------------


def login_as(app, email: str):
    client = app.test_client()
    resp = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


def build_world(app) -> dict:
    """The seeded structure with a future and a past TVO meeting (agenda items, a proposal,
    minutes with a decision and an action), a topic and a series; ids and logged-in clients."""
    from overleg.domain import meetings as dm
    from overleg.domain import series as ds
    from overleg.domain.agenda import add_item
    from overleg.domain.topics import create_topic
    from overleg.models import (
        ActionItem,
        AgendaTemplateItem,
        Decision,
        Escalation,
        EscalationPath,
        MeetingType,
        Organisation,
        Person,
        Role,
        RoleHolding,
        RosterEntry,
    )
    from overleg.seed import seed_structure
    from overleg.timeutil import today_local

    seed_structure()
    tvo = db.session.scalar(select(MeetingType).where(MeetingType.code == "tvo"))
    po = db.session.scalar(select(MeetingType).where(MeetingType.code == "po"))
    sec = db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
    today = today_local()
    future = dm.plan_meeting(tvo, today + timedelta(days=14), _t(10), _t(12), organizer=sec)
    past = dm.plan_meeting(tvo, today - timedelta(days=14), _t(10), _t(12), organizer=sec)
    db.session.flush()
    topic = create_topic(title="Overlast Kielsterplein", meeting_type=tvo, by=sec, year=2027)
    item = add_item(future, title="Vrij punt", description="Toelichting")
    topic_item = add_item(future, title="", topic=topic)
    past_item = add_item(past, title="Casus", description="Bespreking")
    series = ds.create_series(
        tvo, first_date=today + timedelta(days=60), start_time=_t(9), occurrences=3, organizer=sec
    )
    db.session.commit()
    w = {
        "tvo": tvo.id,
        "po": po.id,
        "sec_id": sec.id,
        "future": future.id,
        "past": past.id,
        "item": item.id,
        "topic_item": topic_item.id,
        "past_item": past_item.id,
        "topic": topic.id,
        "series": series.id,
    }
    member = next(p for p in future.participants if p.person_id != sec.id)
    w["member_email"] = member.person.email
    w["participants"] = [p.id for p in future.participants]
    w["past_participants"] = [p.id for p in past.participants]
    w["people"] = list(db.session.scalars(select(Person.id)))
    w["sec"] = login_as(app, "oov@example.org")
    w["admin"] = login_as(app, "beheerder@example.org")
    w["member"] = login_as(app, w["member_email"])
    # A proposal by a member, and the minutes of the past meeting with a decision and action.
    resp = w["member"].post(
        f"/overleggen/{future.id}/agenda/voorstellen",
        data={"title": "Voorstel", "purpose": "bespreking", "duration_minutes": "10"},
    )
    assert resp.status_code in (302, 303), resp.status_code
    w["proposal"] = max(i.id for i in future.agenda_items)
    assert w["sec"].get(f"/overleggen/{past.id}/verslag").status_code == 200
    resp = w["sec"].post(
        f"/overleggen/{past.id}/verslag/punten/{past_item.id}/besluiten", data={"text": "Besluit"}
    )
    assert resp.status_code == 302, resp.status_code
    resp = w["sec"].post(
        f"/overleggen/{past.id}/verslag/punten/{past_item.id}/actiepunten",
        data={"what": "Actie", "owner": f"p-{member.person_id}", "due_date": "2030-01-31"},
    )
    assert resp.status_code == 302, resp.status_code
    resp = w["sec"].post(
        f"/agendapunten/{topic_item.id}/opschalen",
        data={"to_type": str(po.id), "question": "Vraag", "reason": "Reden", "meeting": "0"},
    )
    assert resp.status_code in (302, 303), resp.status_code
    w["escalation"] = db.session.scalar(select(Escalation.id))
    assert w["escalation"] is not None
    w["decision"] = db.session.scalar(select(Decision.id))
    w["action"] = db.session.scalar(select(ActionItem.id))
    w["org"] = db.session.scalar(select(Organisation.id))
    w["orgs"] = list(db.session.scalars(select(Organisation.id)))
    holding = db.session.scalar(select(RoleHolding))
    w["role"], w["holding"] = holding.role_id, holding.id
    w["roles"] = list(db.session.scalars(select(Role.id)))
    w["template_item"] = db.session.scalar(
        select(AgendaTemplateItem.id).where(AgendaTemplateItem.meeting_type_id == tvo.id)
    )
    w["roster_entry"] = db.session.scalar(
        select(RosterEntry.id).where(RosterEntry.meeting_type_id == tvo.id)
    )
    w["path"] = db.session.scalar(select(EscalationPath.id))
    w["person"] = member.person_id
    w["types"] = list(db.session.scalars(select(MeetingType.id)))
    return w


def _t(hour: int):
    from datetime import time

    return time(hour, 0)
