"""Decisions (besluiten): numbered per body and year (``TVO-2019-07``), never reused.

The numbers come from the ``decision`` counter (``overleg.domain.numbering``), raised in the same transaction as the decision is
written; deleting a concept decision leaves the counter alone, so its number is never handed
out again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Integer, String, and_, bindparam, func, or_, select, true
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import AgendaItem, Decision, Meeting, MeetingType, Minutes, Person, Theme, Topic
from ..models.sql import columns, in_list
from ..timeutil import to_local
from . import dialect, kept, keyset, numbering, policy
from .input import has_control_characters

CONTROL_MESSAGE = "Deze tekst bevat stuurtekens (zoals een NUL-teken); haal die weg."


class DecisionError(ValueError):
    """Input the domain refuses: errors by field name, in Dutch."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def decision_code(meeting_type: MeetingType, year: int, number: int) -> str:
    return f"{meeting_type.code.upper()}-{year}-{number:02d}"


def meeting_year(meeting: Meeting) -> int:
    return to_local(meeting.starts_at).year


def next_number(meeting_type: MeetingType, year: int) -> int:
    """The body's next decision number for the year (never reused)."""
    used = (
        db.session.scalar(
            select(func.max(Decision.number)).where(
                Decision.meeting_type_id == meeting_type.id, Decision.year == year
            )
        )
        or 0
    )
    return numbering.next_number("decision", meeting_type, year, floor=used)


def clean_text(text: str | None) -> str:
    """A decision's text as stored, or DecisionError (Dutch, by field)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise DecisionError({"text": "Vul de tekst van het besluit in."})
    if len(text) > 5000:
        raise DecisionError({"text": "Gebruik hoogstens 5000 tekens."})
    if has_control_characters(text, multiline=True):
        raise DecisionError({"text": CONTROL_MESSAGE})
    return text


def add_decision(
    meeting: Meeting, item: AgendaItem | None, text: str, by: Person | None = None
) -> Decision:
    """Record a decision taken at this meeting (under an agenda item). The minutes must be a
    concept; the caller checks that (``minutes.require_editable``)."""
    text = clean_text(text)
    if item is not None and item.meeting_id != meeting.id:
        raise DecisionError({"text": "Dit agendapunt hoort niet bij deze vergadering."})
    year = meeting_year(meeting)
    number = next_number(meeting.meeting_type, year)
    topic = item.topic if item is not None else None
    decision = Decision(
        meeting_type_id=meeting.meeting_type_id,
        year=year,
        number=number,
        code=decision_code(meeting.meeting_type, year, number),
        text=text,
        meeting=meeting,
        agenda_item=item,
        topic_id=topic.id if topic is not None else None,
        theme_id=topic.theme_id if topic is not None else None,
        created_by_id=by.id if by is not None else None,
    )
    db.session.add(decision)
    return decision


def revise_decision(decision: Decision, text: str | None) -> bool:
    """Change a decision's text, keeping its number. False when the text is the same.
    Whether the minutes allow it is decided by ``minutes.edit_decision`` (concept) and
    ``minutes.correct`` (a correction after approval)."""
    text = clean_text(text)
    if text == decision.text:
        return False
    decision.text = text
    return True


def delete_decision(decision: Decision) -> None:
    """Remove a concept decision. Its number stays used."""
    db.session.delete(decision)


def decisions_of_meeting(meeting: Meeting) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.meeting_id == meeting.id)
            .order_by(Decision.year, Decision.number)
        )
    )


# --- the register --------------------------------------------------------------------------


@dataclass
class RegisterRow:
    decision: Decision
    visible: bool  # the reader may read the text (need to know)
    minutes_status: str  # concept / ter_vaststelling / vastgesteld


@dataclass(frozen=True, slots=True)
class ShownDecision:
    """A decision as a register page shows it (templates/minutes/decisions.html): plain
    values, no ORM objects (a page's fifty decisions with their meetings, topics and themes
    as objects cost more to load than its queries to run)."""

    id: int
    code: str
    meeting_id: int
    meeting_starts_at: datetime
    text: str
    agenda_item_id: int | None
    topic_id: int | None
    topic_reference: str | None
    topic_title: str | None
    topic_is_casus: bool
    theme_name: str | None


@dataclass
class PageRow:
    """A row of a register page (`register_page`)."""

    decision: ShownDecision
    visible: bool  # the reader may read the text (need to know)
    minutes_status: str  # concept / ter_vaststelling / vastgesteld


# The register's values as parameters of its kept statements (overleg.domain.kept).
_BODY = bindparam("register_body", type_=Integer)
_YEAR = bindparam("register_year", type_=Integer)
_THEME = bindparam("register_theme", type_=Integer)
_TOPIC = bindparam("register_topic", type_=Integer)
_LIKE = bindparam("register_like", type_=String)


def _visible(person):
    """select(Decision, Minutes.status) of the body's (``register_body``) decisions the
    person may see."""
    return (
        select(Decision, Minutes.status)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Decision.meeting_type_id == _BODY,
            policy.meeting_visibility_clause(person),
            policy.released_minutes_clause(person, Decision.meeting_id),
        )
    )


def _filters(
    meeting_type: MeetingType,
    *,
    year: int | None = None,
    theme_id: int | None = None,
    topic_id: int | None = None,
    text: str | None = None,
) -> tuple[frozenset[str], dict]:
    """The register's filters as the names of those given (the shape of its statement) and
    their values as parameters."""
    params: dict = {"register_body": meeting_type.id}
    if year:
        params["register_year"] = year
    if theme_id:
        params["register_theme"] = theme_id
    if topic_id:
        params["register_topic"] = topic_id
    needle = (text or "").strip().lower()
    if needle:
        params["register_like"] = contains_pattern(needle)
    return frozenset(params), params


def _filtered(person, shape: frozenset[str]):
    """`_visible` with the register's filters named in `shape` (see `_filters`)."""
    stmt = _visible(person)
    if "register_year" in shape:
        stmt = stmt.where(Decision.year == _YEAR)
    if "register_theme" in shape:
        stmt = stmt.where(Decision.theme_id == _THEME)
    if "register_topic" in shape:
        stmt = stmt.where(Decision.topic_id == _TOPIC)
    if "register_like" in shape:
        stmt = stmt.where(
            or_(
                func.lower(Decision.code).like(_LIKE, escape="\\"),
                and_(
                    func.lower(Decision.text).like(_LIKE, escape="\\"),
                    policy.decision_text_clause(person),
                ),
            )
        )
    return stmt


# newest first: year, then number (unique within a body)
REGISTER_ORDER = ((Decision.year, True), (Decision.number, True))
CURSOR_TYPES = (int, int)


def _row(decision: Decision, status: str | None, readable) -> RegisterRow:
    return RegisterRow(decision, bool(readable), status or "concept")


def register(meeting_type: MeetingType, person, **filters) -> list[RegisterRow]:
    """The decision register of a body in number order, the newest first (year, then number;
    a number is handed out when the decision is recorded, so it may differ from the order of
    the meetings), limited to what the person may see: decisions of meetings they may see;
    for non-secretaries only from minutes that left the concept stage. Casus decisions the
    person is not entitled to keep their code only (``policy.decision_text_clause``, read
    with each row). Every filter is SQL on top of the read policy's clauses: a text search
    matches the code, and the text only where the person reads it. The whole register; the
    page reads `register_page`."""
    shape, params = _filters(meeting_type, **filters)
    stmt = (
        _filtered(person, shape)
        .add_columns(policy.decision_text_clause(person).label("readable"))
        .options(
            # all many-to-one: in the register's own query (no query, no lazy load, per row)
            joinedload(Decision.meeting),
            joinedload(Decision.topic),
            joinedload(Decision.theme),
        )
        .order_by(Decision.year.desc(), Decision.number.desc())
    )
    return [_row(*row) for row in db.session.execute(stmt, params)]


@lru_cache(maxsize=2)
def _shown_stmt(dialect: str):
    """The decisions with ids ``ids`` as a register page shows them: their columns and the
    few of their meeting, topic and theme (all many-to-one), as plain columns. Made once per
    database: a statement keeps its cache key.

    On PostgreSQL each many-to-one is a LATERAL subquery (OFFSET 0 keeps it one): looked up
    by its key for each of the page's rows. As plain joins the planner hashed the whole
    topic and meeting tables for the page's 50 rows, a cost that grows with the years
    (0.44 ms at one year, 1.15 ms at ten)."""
    ids = in_list(Decision.id, "ids")
    if dialect != "postgresql":
        return (
            select(
                Decision.id,
                Decision.code,
                Decision.meeting_id,
                Meeting.starts_at,
                Decision.text,
                Decision.agenda_item_id,
                Decision.topic_id,
                Topic.reference,
                Topic.title,
                Topic.confidentiality,
                Theme.name,
            )
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .outerjoin(Topic, Topic.id == Decision.topic_id)
            .outerjoin(Theme, Theme.id == Decision.theme_id)
            .where(ids)
        )
    meeting = select(Meeting.starts_at).where(Meeting.id == Decision.meeting_id).offset(0).lateral()
    topic = (
        select(Topic.reference, Topic.title, Topic.confidentiality)
        .where(Topic.id == Decision.topic_id)
        .offset(0)
        .lateral()
    )
    theme = select(Theme.name).where(Theme.id == Decision.theme_id).offset(0).lateral()
    return (
        select(
            Decision.id,
            Decision.code,
            Decision.meeting_id,
            meeting.c.starts_at,
            Decision.text,
            Decision.agenda_item_id,
            Decision.topic_id,
            topic.c.reference,
            topic.c.title,
            topic.c.confidentiality,
            theme.c.name,
        )
        .select_from(Decision)
        .join(meeting, true())
        .outerjoin(topic, true())
        .outerjoin(theme, true())
        .where(ids)
    )


def _shown(row) -> ShownDecision:
    id_, code, meeting_id, starts_at, text, item_id, topic_id, reference, title = row[:9]
    confidentiality, theme = row[9:]
    return ShownDecision(
        id=id_,
        code=code,
        meeting_id=meeting_id,
        meeting_starts_at=starts_at,
        text=text,
        agenda_item_id=item_id,
        topic_id=topic_id,
        topic_reference=reference,
        topic_title=title,
        topic_is_casus=confidentiality == "casus",
        theme_name=theme,
    )


def register_page(
    meeting_type: MeetingType, person, *, cursor=None, size: int = 50, **filters
) -> keyset.Page:
    """One page of `register` (keyset: the cursor from ``keyset.decode(…, CURSOR_TYPES)``),
    its rows PageRow. The same queries whatever the page and the size of the register:
    the page's keys (the read policy's meeting and minutes clauses and the filters, walking
    the body's (year, number) index: a narrow query the database plans quickly), then its
    decisions with what a row shows, then which of them the person reads, the policy's
    batch answer on their items (`policy.decision_readable_ids`; none for staff). The
    policy's text clause as a column of the page's query costs PostgreSQL more to plan than
    the two queries cost to run."""
    shape, params = _filters(meeting_type, **filters)
    page = keyset.kept_page(
        lambda direction, make: kept.statement(("decision_keys", shape, direction), person, make),
        lambda: _filtered(person, shape).with_only_columns(
            Decision.id, Decision.year, Decision.number, Minutes.status
        ),
        REGISTER_ORDER,
        lambda row: (row.year, row.number),
        cursor,
        size,
        params,
        of_columns=True,
    )
    ids = [row.id for row in page.rows]
    found: dict[int, ShownDecision] = {}
    if ids:
        found = {d.id: d for d in map(_shown, columns(_shown_stmt(dialect.name()), {"ids": ids}))}
    readable = policy.decision_readable_ids(
        person,
        [
            policy.DecisionFacts(d.id, d.agenda_item_id, d.topic_id, d.topic_is_casus)
            for d in found.values()
        ],
    )
    page.rows = [
        PageRow(found[row.id], row.id in readable, row.status or "concept") for row in page.rows
    ]
    return page


def register_years(meeting_type: MeetingType, person) -> list[int]:
    """The years from the first to the last decision the person finds in the register,
    newest first (the filter's choices give nothing away about the others). One query: the
    first and the last row by the body's (year, number) index, so it costs the same at ten
    years as at one (no DISTINCT over every decision of the body)."""

    def build():
        one = _visible(person).with_only_columns(Decision.year).limit(1)
        first = one.order_by(Decision.year, Decision.number).scalar_subquery()
        last = one.order_by(Decision.year.desc(), Decision.number.desc()).scalar_subquery()
        return select(first, last)

    stmt = kept.statement(("decision_years",), person, build)
    low, high = columns(stmt, {"register_body": meeting_type.id}).one()
    if low is None or high is None:
        return []
    return list(range(high, low - 1, -1))


def register_topics(
    meeting_type: MeetingType, person, year: int | None, also: int | None = None
) -> list:
    """The topics (id, reference, title, confidentiality) of the decisions the person finds
    in the register in this year (a year's worth, not every topic of ten years), and the
    topic `also` when it has decisions there (the filter's current choice); by reference.
    One query."""
    if year is None:
        return []

    def build():
        which = Decision.year == _YEAR
        if also is not None:
            which = or_(which, Decision.topic_id == _TOPIC)
        ids = _visible(person).with_only_columns(Decision.topic_id).where(which)
        if dialect.name() != "postgresql":
            stmt = select(Topic.id, Topic.reference, Topic.title, Topic.confidentiality).where(
                Topic.id.in_(ids)
            )
            return stmt.order_by(Topic.reference)
        # PostgreSQL: the year's few topics each looked up by its key (a LATERAL subquery,
        # OFFSET 0 keeps it one); as a semi-join it hashed the whole topic table, a cost
        # that grows with the years (0.38 ms at one year, 1.26 ms at ten)
        found = ids.where(Decision.topic_id.is_not(None)).distinct().subquery()
        topic = (
            select(Topic.id, Topic.reference, Topic.title, Topic.confidentiality)
            .where(Topic.id == found.c.topic_id)
            .offset(0)
            .lateral()
        )
        stmt = select(
            topic.c.id, topic.c.reference, topic.c.title, topic.c.confidentiality
        ).select_from(found)
        return stmt.join(topic, true()).order_by(topic.c.reference)

    key = ("decision_topics", also is not None, dialect.name())
    stmt = kept.statement(key, person, build)
    params = {"register_body": meeting_type.id, "register_year": year, "register_topic": also}
    return list(columns(stmt, params))


def contains_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) finding the text literally: ``%`` and
    ``_`` in it are no wildcards."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
