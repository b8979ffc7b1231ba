"""The scale generator (`flask seed-scale`, overleg/demo/scale.py) makes a database that obeys
the application's own rules, the same one from the same seed, and one the application serves
without an error: a year of it is crawled by the secretary, a participant and anonymous."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pytest
from sqlalchemy import func, select, text

from overleg.demo.scale import ITEMS_PER_MEETING, ScaleError, seed_scale
from overleg.extensions import db
from overleg.models import (
    ActionItem,
    AgendaItem,
    AuditEvent,
    Decision,
    Escalation,
    Meeting,
    MeetingType,
    Minutes,
    MinutesVersion,
    NumberCounter,
    Topic,
    TopicEvent,
)
from overleg.timeutil import to_local, utcnow
from tests.test_demo_crawl import start_crawl

AUDIT = 500  # audit events per year in the tests (the command's default is 100,000)


@pytest.fixture
def year_of_work(app):
    """Four months of work back and the three months planned ahead: every kind of row."""
    return seed_scale(1, 7, audit_per_year=AUDIT, months=4)


def test_a_year_has_the_volumes_asked_for_and_obeys_the_rules(app):
    """A whole year back and three months ahead always holds a turn of the year, whatever
    the clock: the numbering of topic references (and of decisions, when held meetings fall
    on both sides) starts again at 1, and every rule of `_assert_obeys_the_rules` holds
    across it (four months back may not cross one)."""
    result = seed_scale(1, 7, audit_per_year=AUDIT)
    counts = result.counts
    # One year back and three months ahead: about 125 meetings, 300 topics a year
    assert 110 <= counts["meetings"] <= 135
    assert 280 <= counts["topics"] <= 420
    assert counts["escalations"] > 40 and counts["decisions"] > 100 and counts["actions"] > 100
    assert counts["documents"] > 20
    assert db.session.scalar(select(func.count(AuditEvent.id))) == AUDIT
    held = db.session.scalars(select(Meeting).where(Meeting.status == "gepland")).all()
    sizes = defaultdict(int)
    for item in db.session.scalars(select(AgendaItem)):
        sizes[item.meeting_id] += 1
    assert all(sizes[m.id] == ITEMS_PER_MEETING for m in held)
    _assert_obeys_the_rules(result)
    # positive control: the rules were checked over a turn of the year; every body numbered
    # its topics in two calendar years, each from 1 (decisions are made at held meetings
    # only, so on the last day of a year they may all fall in one)
    years = defaultdict(set)
    for c in db.session.scalars(select(NumberCounter).where(NumberCounter.kind == "topic")):
        years[c.meeting_type_id].add(c.year)
    assert len(years) == 4 and all(len(y) >= 2 for y in years.values()), years


def test_every_row_obeys_the_rules(year_of_work):
    _assert_obeys_the_rules(year_of_work)


def _assert_obeys_the_rules(result) -> None:
    """Every row of a generated database obeys the application's rules: foreign keys,
    numbers and counters, minutes, escalations, actions and topic statuses."""
    now = utcnow()
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    # Decision numbers: 1..n per body and year, codes unique, the counter at the last number
    numbers = defaultdict(list)
    for d in db.session.scalars(select(Decision)):
        assert d.year == to_local(d.meeting.starts_at).year
        numbers[(d.meeting_type_id, d.year)].append(d.number)
    counters = {
        (c.meeting_type_id, c.year): c.last_number
        for c in db.session.scalars(select(NumberCounter).where(NumberCounter.kind == "decision"))
    }
    for key, got in numbers.items():
        assert sorted(got) == list(range(1, len(got) + 1)), key
        assert counters[key] == len(got)
    # Topic references: 1..n per body and year, the counter at the last number
    refs = defaultdict(list)
    for t in db.session.scalars(select(Topic)):
        code, year, number = t.reference.split("-")
        refs[(code.lower(), int(year))].append(int(number))
    body_ids = dict(db.session.execute(select(MeetingType.code, MeetingType.id)).all())
    topic_counters = {
        (c.meeting_type_id, c.year): c.last_number
        for c in db.session.scalars(select(NumberCounter).where(NumberCounter.kind == "topic"))
    }
    for (code, year), got in refs.items():
        assert sorted(got) == list(range(1, len(got) + 1)), (code, year)
        assert topic_counters[(body_ids[code], year)] == len(got), (code, year)
    assert sum(len(got) for got in refs.values()) == result.counts["topics"]
    assert result.counts["escalations"] > 5 and result.counts["decisions"] > 20
    # Minutes: approved at a later, held meeting of the same body, under its verslag item,
    # with version 1 frozen; the latest held meeting of each body still has a concept
    for m in db.session.scalars(select(Minutes)):
        assert m.meeting.starts_at < now and not m.meeting.is_cancelled
        if m.status == "vastgesteld":
            at = m.approved_in_meeting
            assert at.meeting_type_id == m.meeting.meeting_type_id
            assert m.meeting.starts_at < at.starts_at <= now
            item = db.session.get(AgendaItem, m.approved_item_id)
            assert item.meeting_id == at.id and item.standard_kind == "verslag"
            assert [v.number for v in m.versions] == [1]
        else:
            assert m.status == "concept"
    assert db.session.scalar(select(func.count(MinutesVersion.id))) > 0
    # Escalations: placed on a meeting of the target body after the origin; concluded ones
    # have an outcome on that item, and their terugkoppeling is on a later origin meeting
    for esc in db.session.scalars(select(Escalation)):
        assert esc.origin_meeting.meeting_type_id == esc.from_type_id
        if esc.status == "te_agenderen":
            assert esc.target_item is None
            continue
        target = esc.target_item.meeting
        assert target.meeting_type_id == esc.to_type_id
        assert target.starts_at > esc.origin_meeting.starts_at
        if esc.status == "afgehandeld":
            assert esc.target_item.outcome and target.starts_at <= now
            if esc.feedback_item is not None:
                back = esc.feedback_item.meeting
                assert back.meeting_type_id == esc.from_type_id
                assert back.starts_at > target.starts_at
    # Actions: closed at a meeting of the same body, not before they were made
    for a in db.session.scalars(select(ActionItem).where(ActionItem.status == "afgerond")):
        assert a.closed_in_meeting.meeting_type_id == a.meeting_type_id
        assert a.closed_in_meeting.starts_at >= a.meeting.starts_at
    # Topic status: the last status event leads to the status the topic has
    last = {}
    for ev in db.session.scalars(
        select(TopicEvent).where(TopicEvent.to_status.is_not(None)).order_by(TopicEvent.id)
    ):
        last[ev.topic_id] = ev.to_status
    for t in db.session.scalars(select(Topic)):
        assert last[t.id] == t.status, t.reference


def _digest() -> str:
    rows = db.session.execute(
        select(Topic.reference, Topic.title, Topic.status, Topic.confidentiality).order_by(
            Topic.reference
        )
    ).all()
    rows += db.session.execute(select(Decision.code, Decision.text).order_by(Decision.code)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _start_over() -> None:
    """An empty database again, as the next test would find it (the session's transaction
    ends first: PostgreSQL's TRUNCATE waits for every open one)."""
    from tests.conftest import _empty_tables

    db.session.rollback()
    db.session.remove()
    _empty_tables()


def test_the_same_seed_gives_the_same_database(app):
    first = seed_scale(1, 11, audit_per_year=0, months=2)
    one = _digest()
    _start_over()
    second = seed_scale(1, 11, audit_per_year=0, months=2)
    assert second.counts == first.counts and _digest() == one
    _start_over()
    seed_scale(1, 12, audit_per_year=0, months=2)
    assert _digest() != one  # another seed, another year


_SETTLED = ("topic", "decision", "agenda_item", "meeting", "audit_event")


def _maintenance_counts() -> dict[str, tuple[int, int]]:
    """Per table, how often it was vacuumed and analysed by hand (autovacuum counts apart),
    read in a transaction of its own (PostgreSQL keeps a transaction's statistics reads)."""
    db.session.commit()
    rows = db.session.execute(
        text(
            "SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables"
            " WHERE relname = ANY(:names)"
        ),
        {"names": list(_SETTLED)},
    ).all()
    db.session.commit()
    return {name: (vacuums, analyses) for name, vacuums, analyses in rows}


def test_a_filled_postgresql_database_is_vacuumed_and_analysed(app):
    """What a benchmark meets is a settled database: statistics for the planner, the
    full-text indexes' pending rows merged, the visibility map set (VACUUM (ANALYZE)), not
    a state autovacuum will change a minute later."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("VACUUM and planner statistics: PostgreSQL")
    before = _maintenance_counts()
    seed_scale(1, 7, audit_per_year=0, months=1)
    after = _maintenance_counts()
    assert set(after) == set(_SETTLED)
    for name in _SETTLED:
        vacuums, analyses = before.get(name, (0, 0))
        assert after[name][0] > vacuums, name
        assert after[name][1] > analyses, name
    assert db.session.scalar(select(func.count(Topic.id))) > 0


def test_a_database_with_meetings_is_refused(year_of_work):
    with pytest.raises(ScaleError, match="lege database"):
        seed_scale(1, 7)


def test_a_year_of_work_is_served_without_errors(app, year_of_work):
    """The crawl of the demo (tests/test_demo_crawl.py) over the generated year, for the
    secretary, a participant (wijkagent) and anonymous: no 5xx, every page Dutch and titled,
    no GET writing beyond the audit log."""
    crawls = [
        start_crawl(app, persona)
        for persona in ("anoniem", "oov@example.org", "wijkagent@example.org")
    ]
    for crawl in crawls:
        crawl.crawl_pages("/")
    for crawl in crawls:
        assert crawl.findings == [], crawl.findings
    assert len(crawls[1].visited) > 60


@pytest.mark.parametrize("seed", [7, 12, 2019])
def test_escalations_are_in_flight_whatever_the_seed(app, seed):
    """Each body's last held meeting sends a topic on (overleg/demo/scale.py), so that the
    /escalaties overview has rows at every size and seed, not by chance: every escalation not
    yet handled is on the secretary's page, by its topic's reference, and none is handled."""
    seed_scale(1, seed, audit_per_year=0, months=4)
    in_flight = db.session.scalars(
        select(Escalation).where(Escalation.status.in_(("te_agenderen", "geagendeerd")))
    ).all()
    # Where the origin body's last held meeting escalated: at least two of the four bodies
    # (a target body that met before today handled some already).
    assert len({e.from_type_id for e in in_flight}) >= 2, [e.status for e in in_flight]
    resp = start_crawl(app, "oov@example.org").client.get("/escalaties")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for esc in in_flight:
        assert esc.topic.reference in page
    handled = db.session.scalars(
        select(Escalation).where(Escalation.status == "afgehandeld").limit(5)
    ).all()
    assert handled  # positive control: handled ones exist, and the overview leaves them out
    for esc in handled:
        if esc.topic_id not in {e.topic_id for e in in_flight}:
            assert esc.topic.reference not in page
