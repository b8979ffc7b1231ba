"""The progress report on the jaarplan (voortgangsrapportage, the "evaluatie jaarplan" for the
gemeenteraad): per year or per quarter, per priority of the year's plan, counts only.

What it counts, for a period (a year, or one quarter of it), "as of" the end of the period
or now when the period has not ended yet:
- topics opened (created in the period) and closed (moved to afgerond in the period);
- escalations up and down (made in the period) and how long they waited: from the escalation
  to the begun meeting of the target body it was placed on, or until the end of the period
  for those still waiting;
- decisions taken at meetings in the period (their own priority, else their topic's);
- actions that ran in the period (agreed before its end, not finished before it began), by
  their state at its end: open, over their due date, done;
- the measures of the plans van aanpak of the topics likewise (made before the end, not
  gereed or gestopt before the period began), by their status at its end (from the dated
  progress notes that set it; a measure without such notes by the status it has): open,
  over their due date, done (gereed), stopped (gestopt);
- the indicator figures of the plan per quarter, beside last year's, with their trend;
- meetings held per body, and attendance per organisation (the role's, else the person's);
- residents' signals received in the period, by their state at its end.

A topic belongs to a priority of its year through its theme; everything of a topic without a
priority of this year lands in the row "Zonder prioriteit". Counts of items that can concern a
casus (topics, escalations, decisions, actions, measures, signals) are shown as "minder dan 5" when they
are 1 to 4 (``shown_count``), whatever the confidentiality of the items counted: marking only
the counts that hold a casus would itself tell that one is there. A total is withheld when it
would give a small count away: exactly one hidden, or hidden ones whose sum allows one
value only (``total_count``); a year's count of what happened in it (``ADDITIVE``) likewise
against its quarters' counts, which their own reports show. No titles, no case text.

Every figure comes from one aggregate query per kind (a constant number of queries, whatever
the number of topics). No Flask here.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    ActionItem,
    AgendaItem,
    Decision,
    Escalation,
    Measure,
    MeasureNote,
    Meeting,
    MeetingType,
    Organisation,
    Participant,
    Person,
    Role,
    Signal,
    Topic,
    TopicEvent,
)
from ..models.plan import IndicatorFigure, PlanVersion, PlanYear
from ..timeutil import local_to_utc, to_local, utcnow
from . import plan as dp

SMALL = 5
SMALL_LABEL = "minder dan 5"
WITHHELD_LABEL = "niet getoond"
QUARTERS = (1, 2, 3, 4)
QUARTER_LABELS = {1: "1e kwartaal", 2: "2e kwartaal", 3: "3e kwartaal", 4: "4e kwartaal"}
NO_PRIORITY = "Zonder prioriteit"
NO_PRIORITY_CLUSTER = ""


class ReportError(ValueError):
    """A refused report request; the message is Dutch and meant for the user."""


# --- the small-numbers rule ----------------------------------------------------------------


def shown_count(value: int, casus_related: bool = True) -> str:
    """How a count is shown in the report. A count of items that can concern a casus is
    shown as "minder dan 5" when it is 1 to 4, so that no person can be recognised; zero and
    5 or more are shown as they are. Other counts (meetings, attendance) are shown as they are."""
    if value < 0:
        raise ValueError("a count is not negative")
    if casus_related and 0 < value < SMALL:
        return SMALL_LABEL
    return str(value)


@dataclass(frozen=True)
class Count:
    """A count and whether it is of items that can concern a casus."""

    value: int
    casus_related: bool = True
    withheld: bool = False

    @property
    def hidden(self) -> bool:
        """Not shown as a number ("minder dan 5", or withheld)."""
        return self.withheld or self.text != str(self.value)

    @property
    def text(self) -> str:
        if self.withheld:
            return WITHHELD_LABEL
        return shown_count(self.value, self.casus_related)

    def __str__(self) -> str:
        return self.text


def _pins_a_small_count(hidden: list[Count]) -> bool:
    """Would the sum of these hidden counts (each "minder dan 5": 1 to 4) tell one of them
    exactly? Each lies between the sum less the others' largest and less their smallest."""
    rest = sum(p.value for p in hidden)
    k = len(hidden)
    low = max(1, rest - (SMALL - 1) * (k - 1))
    high = min(SMALL - 1, rest - (k - 1))
    return low >= high


def total_count(parts: Iterable[Count]) -> Count:
    """The total of some counts. Withheld when the total and the parts shown would give a
    hidden part away: exactly one is hidden, or the hidden ones add up to a sum that only one
    spread allows for one of them (two that add up to 2 are both 1, to 8 both 4), or a part
    is itself a withheld total (it could be worked out again)."""
    parts = list(parts)
    value = sum(p.value for p in parts)
    related = any(p.casus_related for p in parts)
    hidden = [p for p in parts if p.hidden]
    shown = not Count(value, related).hidden  # a total "minder dan 5" tells nothing exact
    withheld = len(hidden) == 1 or (
        shown and bool(hidden) and (any(p.withheld for p in hidden) or _pins_a_small_count(hidden))
    )
    return Count(value, related, withheld=withheld)


# --- the period ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None
    start: datetime  # naive UTC, inclusive
    end: datetime  # naive UTC, exclusive
    as_of: datetime  # naive UTC: the end, or now while the period runs

    @property
    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return f"{QUARTER_LABELS[self.quarter]} {self.year}"

    @property
    def as_of_date(self) -> date:
        """The last day the figures cover (Amsterdam)."""
        if self.as_of >= self.end:
            return to_local(self.end).date() - timedelta(days=1)
        return to_local(self.as_of).date()

    @property
    def ended(self) -> bool:
        return self.as_of >= self.end


def parse_quarter(raw: str | None) -> int | None:
    """The quarter asked for in a request (``?kwartaal=``): none for the whole year."""
    if raw is None or raw.strip() in ("", "jaar"):
        return None
    text = raw.strip()
    if text.isascii() and text.isdigit() and int(text) in QUARTERS:
        return int(text)
    raise ReportError("Kies kwartaal 1, 2, 3 of 4, of laat het kwartaal weg voor het hele jaar.")


def period(year: int, quarter: int | None = None, now: datetime | None = None) -> Period:
    if not 2000 <= year <= 2099:
        raise ReportError("Kies een jaar tussen 2000 en 2099.")
    if quarter is not None and quarter not in QUARTERS:
        raise ReportError("Kies kwartaal 1, 2, 3 of 4.")
    if quarter is None:
        first, last = date(year, 1, 1), date(year + 1, 1, 1)
    else:
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    start, end = local_to_utc(first, time(0)), local_to_utc(last, time(0))
    now = now or utcnow()
    if now < start:
        name = f"Het {QUARTER_LABELS[quarter]} van {year}" if quarter else f"Het jaar {year}"
        raise ReportError(f"{name} is nog niet begonnen; er is nog niets te rapporteren.")
    return Period(year, quarter, start, end, min(end, now))


# --- the report ------------------------------------------------------------------------------


@dataclass
class SignalCounts:
    received: Count
    open: Count
    topic: Count
    merged: Count
    closed: Count


@dataclass
class Trend:
    key: str  # "stijgend", "dalend", "gelijk", "onbekend"
    label: str
    symbol: str


@dataclass
class IndicatorLine:
    code: str
    text: str
    values: dict[int, Decimal | None]  # quarter -> value, this year
    previous: dict[int, Decimal | None]  # quarter -> value, last year
    current: Decimal | None  # the figure of the period (its last quarter with one)
    compared_with: Decimal | None
    compared_label: str
    trend: Trend


@dataclass
class PriorityRow:
    theme_id: int | None
    cluster: str
    name: str
    topics_opened: Count
    topics_closed: Count
    escalations_up: Count
    escalations_down: Count
    decisions: Count
    actions_open: Count
    actions_overdue: Count
    actions_done: Count
    measures_open: Count
    measures_overdue: Count
    measures_done: Count
    measures_stopped: Count
    signals: SignalCounts
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass
class WaitRow:
    direction: str
    label: str
    made: Count
    placed: Count  # treated at a begun meeting of the target body
    waiting: Count  # still waiting at the end of the period
    average_days: str  # "12" or "—"
    longest_days: str


@dataclass
class AttendanceRow:
    organisation: str
    present: int
    excused: int
    absent: int

    @property
    def recorded(self) -> int:
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> str:
        if not self.recorded:
            return "—"
        return f"{round(100 * self.present / self.recorded)}%"


@dataclass
class BodyRow:
    code: str
    name: str
    held: int
    cancelled: int
    attendance: list[AttendanceRow]


@dataclass
class Report:
    plan: PlanYear
    version: PlanVersion
    period: Period
    priorities: list[PriorityRow]
    total: PriorityRow
    waits: list[WaitRow]
    bodies: list[BodyRow]
    attendance: list[AttendanceRow]  # per organisation, all bodies together

    @property
    def title(self) -> str:
        return f"Evaluatie jaarplan veiligheid {self.period.year}"

    @property
    def indicator_lines(self) -> list[tuple[PriorityRow, IndicatorLine]]:
        return [(p, i) for p in self.priorities for i in p.indicators]


def _between(column, p: Period):
    return (column >= p.start) & _before_end(column, p)


def _before_end(column, p: Period):
    """Up to the end of the period (exclusive), or up to now (inclusive) while it runs."""
    return column < p.end if p.ended else column <= p.as_of


def _ended_by(moment: datetime, p: Period) -> bool:
    return moment < p.end if p.ended else moment <= p.as_of


def _fold(rows, allowed: set[int]) -> dict[int | None, int]:
    """(theme_id, count) rows -> counts per priority of the year (None: no priority)."""
    out: dict[int | None, int] = defaultdict(int)
    for theme_id, n in rows:
        out[theme_id if theme_id in allowed else None] += n
    return out


def _fold2(rows, allowed: set[int]) -> dict[tuple[int | None, str], int]:
    """(theme_id, key, count) rows -> counts per (priority, key)."""
    out: dict[tuple[int | None, str], int] = defaultdict(int)
    for theme_id, key, n in rows:
        out[(theme_id if theme_id in allowed else None, key)] += n
    return out


def _topics_opened(p: Period, allowed):
    rows = db.session.execute(
        select(Topic.theme_id, func.count(Topic.id))
        .where(_between(Topic.created_at, p))
        .group_by(Topic.theme_id)
    )
    return _fold(rows, allowed)


def _topics_closed(p: Period, allowed):
    rows = db.session.execute(
        select(Topic.theme_id, func.count(func.distinct(Topic.id)))
        .join(TopicEvent, TopicEvent.topic_id == Topic.id)
        .where(TopicEvent.to_status == "afgerond", _between(TopicEvent.at, p))
        .group_by(Topic.theme_id)
    )
    return _fold(rows, allowed)


def _escalations(p: Period, allowed):
    """Per (priority, direction): made in the period; and the waiting of each, per direction."""
    target = aliased(Meeting)
    rows = db.session.execute(
        select(
            Topic.theme_id,
            Escalation.direction,
            Escalation.status,
            Escalation.created_at,
            target.starts_at,
            target.status,
        )
        .join(Topic, Topic.id == Escalation.topic_id)
        .outerjoin(AgendaItem, AgendaItem.id == Escalation.target_item_id)
        .outerjoin(target, target.id == AgendaItem.meeting_id)
        .where(_between(Escalation.created_at, p))
    ).all()
    counts: dict[tuple[int | None, str], int] = defaultdict(int)
    waits: dict[str, dict[str, list]] = {
        d: {"placed": [], "waiting": [], "made": []} for d in ("up", "down")
    }
    for theme_id, direction, status, made_at, starts_at, meeting_status in rows:
        counts[(theme_id if theme_id in allowed else None, direction)] += 1
        waits[direction]["made"].append(1)
        if status == "ingetrokken":
            continue
        if (
            starts_at is not None
            and meeting_status != "geannuleerd"
            and _ended_by(starts_at, p)
            and starts_at >= made_at
        ):
            waits[direction]["placed"].append((starts_at - made_at).total_seconds() / 86400)
        elif status != "afgehandeld":
            waits[direction]["waiting"].append((p.as_of - made_at).total_seconds() / 86400)
    return counts, waits


def _decisions(p: Period, allowed):
    rows = db.session.execute(
        select(func.coalesce(Decision.theme_id, Topic.theme_id), func.count(Decision.id))
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .outerjoin(Topic, Topic.id == Decision.topic_id)
        .where(_between(Meeting.starts_at, p))
        .group_by(func.coalesce(Decision.theme_id, Topic.theme_id))
    )
    return _fold(rows, allowed)


def _actions(p: Period, allowed):
    """Actions that ran in the period, by their state at its end."""
    day = p.as_of_date
    state = case(
        ((ActionItem.status == "afgerond") & _before_end(ActionItem.closed_at, p), "done"),
        ((ActionItem.due_date.is_not(None)) & (ActionItem.due_date < day), "overdue"),
        else_="open",
    )
    inner = (
        select(Topic.theme_id.label("theme_id"), state.label("state"))
        .select_from(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(AgendaItem, AgendaItem.id == ActionItem.agenda_item_id)
        .outerjoin(Topic, Topic.id == AgendaItem.topic_id)
        .where(
            _before_end(Meeting.starts_at, p),
            (ActionItem.closed_at.is_(None)) | (ActionItem.closed_at >= p.start),
        )
        .subquery()
    )
    return _fold2(db.session.execute(_count_by(inner)), allowed)


def _measures(p: Period, allowed):
    """Measures of the topics' plans van aanpak that ran in the period, by their status at
    its end. A status is set by a dated progress note (``MeasureNote.status``); a measure
    without one keeps the status it has (the only one known)."""
    day, first = p.as_of_date, to_local(p.start).date()

    def status_on(cond):
        note = aliased(MeasureNote)
        return (
            select(note.status)
            .where(note.measure_id == Measure.id, note.status.is_not(None), cond(note))
            .order_by(note.noted_on.desc(), note.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    noted = exists().where(MeasureNote.measure_id == Measure.id, MeasureNote.status.is_not(None))
    at_end = case(
        (noted, func.coalesce(status_on(lambda n: n.noted_on <= day), "gepland")),
        else_=Measure.status,
    )
    at_start = func.coalesce(status_on(lambda n: n.noted_on < first), "gepland")
    state = case(
        (at_end == "gereed", "done"),
        (at_end == "gestopt", "stopped"),
        ((Measure.due_on.is_not(None)) & (Measure.due_on < day), "overdue"),
        else_="open",
    )
    inner = (
        select(Topic.theme_id.label("theme_id"), state.label("state"))
        .select_from(Measure)
        .join(Topic, Topic.id == Measure.topic_id)
        .where(_before_end(Measure.created_at, p), at_start.not_in(("gereed", "gestopt")))
        .subquery()
    )
    return _fold2(db.session.execute(_count_by(inner)), allowed)


def _count_by(inner):
    """Rows per (theme_id, state) of a subquery: grouping by its columns, not by an
    expression with parameters (PostgreSQL would not see the two as the same)."""
    return select(inner.c.theme_id, inner.c.state, func.count()).group_by(
        inner.c.theme_id, inner.c.state
    )


def _signals(p: Period, allowed):
    state = case(
        ((Signal.closed_at.is_not(None)) & _before_end(Signal.closed_at, p), Signal.status),
        else_="nieuw",
    )
    inner = (
        select(Signal.theme_id.label("theme_id"), state.label("state"))
        .where(_between(Signal.received_at, p))
        .subquery()
    )
    return _fold2(db.session.execute(_count_by(inner)), allowed)


def _meetings(p: Period):
    held = Meeting.status != "geannuleerd"
    rows = db.session.execute(
        select(
            MeetingType.id,
            MeetingType.code,
            MeetingType.name,
            func.count(Meeting.id),
            func.count(case((held, Meeting.id))),
        )
        .outerjoin(
            Meeting,
            (Meeting.meeting_type_id == MeetingType.id) & _between(Meeting.starts_at, p),
        )
        .group_by(MeetingType.id, MeetingType.code, MeetingType.name)
        .order_by(MeetingType.id)
    ).all()
    org_id = func.coalesce(Role.organisation_id, Person.organisation_id)
    attendance = db.session.execute(
        select(
            Meeting.meeting_type_id,
            Organisation.name,
            Participant.attendance,
            func.count(Participant.id),
        )
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .join(Person, Person.id == Participant.person_id)
        .outerjoin(Role, Role.id == Participant.role_id)
        .outerjoin(Organisation, Organisation.id == org_id)
        .where(
            _between(Meeting.starts_at, p),
            Meeting.status != "geannuleerd",
            Participant.attendance.is_not(None),
        )
        .group_by(Meeting.meeting_type_id, Organisation.name, Participant.attendance)
    ).all()
    return rows, attendance


def _attendance_rows(counts: dict[str, dict[str, int]]) -> list[AttendanceRow]:
    return [
        AttendanceRow(
            org,
            by.get("aanwezig", 0),
            by.get("afwezig_met_bericht", 0),
            by.get("afwezig", 0),
        )
        for org, by in sorted(counts.items())
    ]


def _days(values: Sequence[float]) -> tuple[str, str]:
    if not values:
        return "—", "—"
    return str(round(sum(values) / len(values))), str(round(max(values)))


# --- indicators ------------------------------------------------------------------------------


def trend_of(current: Decimal | None, before: Decimal | None) -> Trend:
    """The trend of an indicator: its figure against the one it is compared with."""
    if current is None or before is None:
        return Trend("onbekend", "onbekend", "–")
    if current > before:
        return Trend("stijgend", "gestegen", "▲")
    if current < before:
        return Trend("dalend", "gedaald", "▼")
    return Trend("gelijk", "gelijk gebleven", "=")


def _indicator_lines(version: PlanVersion, p: Period, figures) -> dict[int, list[IndicatorLine]]:
    """Per theme: its indicators with the figures of this year and last, and the trend of
    the period's figure (of the last quarter of the period that has one) against the figure
    before it (the latest earlier quarter with one, this year or last)."""
    out: dict[int, list[IndicatorLine]] = {}
    first_q, last_q = (p.quarter or 1), (p.quarter or 4)
    for priority in version.priorities:
        lines = []
        for indicator in priority.indicators:
            lineage = indicator.lineage

            def value(year: int, q: int, lineage=lineage) -> Decimal | None:
                f = figures.get((lineage, year, q))
                return Decimal(f.value) if f is not None else None

            values = {q: value(p.year, q) for q in QUARTERS}
            previous = {q: value(p.year - 1, q) for q in QUARTERS}
            known = [q for q in range(first_q, last_q + 1) if values[q] is not None]
            current = values[known[-1]] if known else None
            before, label = None, "—"
            if known:
                earlier = [(p.year, q, values[q]) for q in range(known[-1] - 1, 0, -1)]
                earlier += [(p.year - 1, q, previous[q]) for q in range(4, 0, -1)]
                found = next(((y, q, v) for y, q, v in earlier if v is not None), None)
                if found is not None:
                    before, label = found[2], f"{QUARTER_LABELS[found[1]]} {found[0]}"
            lines.append(
                IndicatorLine(
                    code=f"I-{lineage}",
                    text=indicator.text,
                    values=values,
                    previous=previous,
                    current=current,
                    compared_with=before,
                    compared_label=label,
                    trend=trend_of(current, before),
                )
            )
        out[priority.theme_id] = lines
    return out


def figure_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f}".replace(".", ",")


# --- building it -----------------------------------------------------------------------------


def begun_quarters(year: int, now: datetime | None = None) -> list[int]:
    """The quarters of a year that have begun (those a report can be made of)."""
    now = now or utcnow()
    return [q for q in QUARTERS if local_to_utc(date(year, 3 * q - 2, 1), time(0)) <= now]


def report_version(year: int) -> tuple[PlanYear, PlanVersion]:
    """The year's plan and its current version (LookupError when there is none)."""
    plan = dp.plan_of_year(year)
    version = dp.current_version(plan) if plan is not None else None
    if plan is None or version is None:
        raise LookupError(year)
    loaded = dp.load_version(version.id)
    assert loaded is not None
    return plan, loaded


def build(
    year: int,
    quarter: int | None = None,
    now: datetime | None = None,
    plan_version: tuple[PlanYear, PlanVersion] | None = None,
) -> Report:
    """The report of a year (or one quarter of it), on the year's current plan version
    (``report_version``, or the one given). LookupError when the year has no plan;
    ReportError for a period that cannot be reported on."""
    p = period(year, quarter, now)
    plan, version = plan_version or report_version(year)
    allowed = {pr.theme_id for pr in version.priorities}
    opened = _topics_opened(p, allowed)
    closed = _topics_closed(p, allowed)
    escalations, waits = _escalations(p, allowed)
    decisions = _decisions(p, allowed)
    actions = _actions(p, allowed)
    measures = _measures(p, allowed)
    signals = _signals(p, allowed)
    lineages = [i.lineage for pr in version.priorities for i in pr.indicators]
    figures = _figures(lineages, [year - 1, year])
    indicators = _indicator_lines(version, p, figures)
    body_rows, attendance = _meetings(p)

    def row(theme_id: int | None, cluster: str, name: str) -> PriorityRow:
        def sig(state: str) -> Count:
            return Count(signals.get((theme_id, state), 0))

        parts = [sig(s) for s in ("nieuw", "onderwerp", "samengevoegd", "gesloten")]
        return PriorityRow(
            theme_id=theme_id,
            cluster=cluster,
            name=name,
            topics_opened=Count(opened.get(theme_id, 0)),
            topics_closed=Count(closed.get(theme_id, 0)),
            escalations_up=Count(escalations.get((theme_id, "up"), 0)),
            escalations_down=Count(escalations.get((theme_id, "down"), 0)),
            decisions=Count(decisions.get(theme_id, 0)),
            actions_open=Count(actions.get((theme_id, "open"), 0)),
            actions_overdue=Count(actions.get((theme_id, "overdue"), 0)),
            actions_done=Count(actions.get((theme_id, "done"), 0)),
            measures_open=Count(measures.get((theme_id, "open"), 0)),
            measures_overdue=Count(measures.get((theme_id, "overdue"), 0)),
            measures_done=Count(measures.get((theme_id, "done"), 0)),
            measures_stopped=Count(measures.get((theme_id, "stopped"), 0)),
            signals=SignalCounts(total_count(parts), *parts),
            indicators=indicators.get(theme_id, []) if theme_id is not None else [],
        )

    rows = [
        row(pr.theme_id, c.name, pr.theme.name) for c in dp.clusters(version) for pr in c.priorities
    ]
    rows.append(row(None, NO_PRIORITY_CLUSTER, NO_PRIORITY))
    quarters = _quarter_counts(year, now, allowed, rows) if quarter is None else None
    if quarters is not None:
        for r, per_quarter in zip(rows, quarters["rows"], strict=True):
            _against_quarters(r, per_quarter)

    def total(attr: str) -> Count:
        return total_count(getattr(r, attr) for r in rows)

    def signal_total(attr: str) -> Count:
        return total_count(getattr(r.signals, attr) for r in rows)

    total_row = PriorityRow(
        theme_id=None,
        cluster="",
        name="Totaal",
        topics_opened=total("topics_opened"),
        topics_closed=total("topics_closed"),
        escalations_up=total("escalations_up"),
        escalations_down=total("escalations_down"),
        decisions=total("decisions"),
        actions_open=total("actions_open"),
        actions_overdue=total("actions_overdue"),
        actions_done=total("actions_done"),
        measures_open=total("measures_open"),
        measures_overdue=total("measures_overdue"),
        measures_done=total("measures_done"),
        measures_stopped=total("measures_stopped"),
        signals=SignalCounts(
            *(signal_total(a) for a in ("received", "open", "topic", "merged", "closed"))
        ),
    )
    if quarters is not None:
        _against_quarters(total_row, quarters["total"])
    wait_rows = []
    for direction, label in (("up", "Opschalingen"), ("down", "Opdrachten")):
        w = waits[direction]
        placed = Count(len(w["placed"]))
        waiting = Count(len(w["waiting"]))
        average, longest = _days(w["placed"]) if not placed.hidden else ("—", "—")
        made = Count(len(w["made"]))
        # made is (as a rule) placed + waiting: shown beside them it could give one away,
        # and so could the total row's count of the same escalations
        if not made.hidden and total_count([placed, waiting]).withheld:
            made = Count(made.value, withheld=True)
            attr = f"escalations_{direction}"
            setattr(total_row, attr, Count(getattr(total_row, attr).value, withheld=True))
        wait_rows.append(
            WaitRow(
                direction,
                label,
                made=made,
                placed=placed,
                waiting=waiting,
                average_days=average,
                longest_days=longest,
            )
        )
    per_body: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    overall: dict[str, dict[str, int]] = defaultdict(dict)
    for type_id, name, key, n in attendance:
        org = name or "Geen organisatie"
        per_body[type_id][org][key] = per_body[type_id][org].get(key, 0) + n
        overall[org][key] = overall[org].get(key, 0) + n
    bodies = [
        BodyRow(code, name, held, total_n - held, _attendance_rows(per_body.get(type_id, {})))
        for type_id, code, name, total_n, held in body_rows
    ]
    return Report(
        plan=plan,
        version=version,
        period=p,
        priorities=rows,
        total=total_row,
        waits=wait_rows,
        bodies=bodies,
        attendance=_attendance_rows(overall),
    )


# Counts of things that happened in the period: a year's is the sum of its quarters', so the
# year's report and the quarters' reports together could give a hidden quarter away.
ADDITIVE = ("topics_opened", "topics_closed", "escalations_up", "escalations_down", "decisions")


def _quarter_counts(year: int, now: datetime | None, allowed: set[int], rows) -> dict:
    """The additive counts per row (and of the total) as each begun quarter's report shows
    them: five aggregate queries per quarter."""
    per_row: list[list[dict[str, Count]]] = [[] for _ in rows]
    total: list[dict[str, Count]] = []
    for q in begun_quarters(year, now):
        p = period(year, q, now)
        figures = {
            "topics_opened": _topics_opened(p, allowed),
            "topics_closed": _topics_closed(p, allowed),
            "decisions": _decisions(p, allowed),
        }
        escalations, _waits = _escalations(p, allowed)
        signals = _signals(p, allowed)
        shown: list[dict[str, Count]] = []
        for i, r in enumerate(rows):
            counts = {k: Count(v.get(r.theme_id, 0)) for k, v in figures.items()}
            counts["escalations_up"] = Count(escalations.get((r.theme_id, "up"), 0))
            counts["escalations_down"] = Count(escalations.get((r.theme_id, "down"), 0))
            counts["signals"] = total_count(
                Count(signals.get((r.theme_id, st), 0))
                for st in ("nieuw", "onderwerp", "samengevoegd", "gesloten")
            )
            per_row[i].append(counts)
            shown.append(counts)
        total.append({k: total_count(c[k] for c in shown) for k in (*ADDITIVE, "signals")})
    return {"rows": per_row, "total": total}


def _against_quarters(r: PriorityRow, per_quarter: list[dict[str, Count]]) -> None:
    """Withhold a year's additive count that, with its quarters' counts, gives one away."""

    def checked(year_count: Count, quarter_counts: list[Count]) -> Count:
        if year_count.hidden or not total_count(quarter_counts).withheld:
            return year_count
        return Count(year_count.value, year_count.casus_related, withheld=True)

    for attr in ADDITIVE:
        setattr(r, attr, checked(getattr(r, attr), [q[attr] for q in per_quarter]))
    r.signals.received = checked(r.signals.received, [q["signals"] for q in per_quarter])


def _figures(lineages: list[int], years: list[int]):
    if not lineages:
        return {}
    rows = db.session.scalars(
        select(IndicatorFigure).where(
            IndicatorFigure.lineage_id.in_(lineages), IndicatorFigure.year.in_(years)
        )
    )
    return {(f.lineage_id, f.year, f.quarter): f for f in rows}


# --- CSV -------------------------------------------------------------------------------------

CSV_HEADER = (
    "jaar",
    "kwartaal",
    "onderdeel",
    "cluster",
    "prioriteit",
    "overleg",
    "organisatie",
    "indicator",
    "cijfer",
    "waarde",
)

PRIORITY_FIGURES = (
    ("onderwerpen", "geopend", lambda r: r.topics_opened),
    ("onderwerpen", "afgesloten", lambda r: r.topics_closed),
    ("opschalingen", "opgeschaald", lambda r: r.escalations_up),
    ("opschalingen", "opdracht gegeven", lambda r: r.escalations_down),
    ("besluiten", "genomen", lambda r: r.decisions),
    ("actiepunten", "open", lambda r: r.actions_open),
    ("actiepunten", "over de termijn", lambda r: r.actions_overdue),
    ("actiepunten", "afgerond", lambda r: r.actions_done),
    ("maatregelen", "open", lambda r: r.measures_open),
    ("maatregelen", "over de termijn", lambda r: r.measures_overdue),
    ("maatregelen", "gereed", lambda r: r.measures_done),
    ("maatregelen", "gestopt", lambda r: r.measures_stopped),
    ("signalen", "ontvangen", lambda r: r.signals.received),
    ("signalen", "nog te beoordelen", lambda r: r.signals.open),
    ("signalen", "onderwerp gemaakt", lambda r: r.signals.topic),
    ("signalen", "samengevoegd", lambda r: r.signals.merged),
    ("signalen", "gesloten", lambda r: r.signals.closed),
)


def csv_rows(report: Report) -> list[list[str]]:
    p = report.period
    year, quarter = str(p.year), str(p.quarter or "")

    def line(part, cluster="", priority="", body="", org="", indicator="", name="", value=""):
        return [year, quarter, part, cluster, priority, body, org, indicator, name, value]

    out = []
    for r in [*report.priorities, report.total]:
        for part, name, get in PRIORITY_FIGURES:
            out.append(line(part, r.cluster, r.name, name=name, value=get(r).text))
    for w in report.waits:
        out.append(line("wachttijd", body=w.label, name="gemaakt", value=w.made.text))
        out.append(line("wachttijd", body=w.label, name="behandeld", value=w.placed.text))
        out.append(line("wachttijd", body=w.label, name="nog wachtend", value=w.waiting.text))
        out.append(line("wachttijd", body=w.label, name="gemiddeld dagen", value=w.average_days))
        out.append(line("wachttijd", body=w.label, name="langst dagen", value=w.longest_days))
    for r, i in report.indicator_lines:
        for q in QUARTERS:
            for y, values in ((p.year - 1, i.previous), (p.year, i.values)):
                if values[q] is not None:
                    out.append(
                        line(
                            "indicatoren",
                            r.cluster,
                            r.name,
                            indicator=f"{i.code} {i.text}",
                            name=f"K{q} {y}",
                            value=figure_text(values[q]),
                        )
                    )
        out.append(
            line(
                "indicatoren",
                r.cluster,
                r.name,
                indicator=f"{i.code} {i.text}",
                name="trend",
                value=i.trend.key,
            )
        )
    for b in report.bodies:
        out.append(line("vergaderingen", body=b.name, name="gehouden", value=str(b.held)))
        out.append(line("vergaderingen", body=b.name, name="geannuleerd", value=str(b.cancelled)))
        for a in b.attendance:
            for name, n in (
                ("aanwezig", a.present),
                ("afwezig met bericht", a.excused),
                ("afwezig", a.absent),
            ):
                out.append(
                    line("aanwezigheid", body=b.name, org=a.organisation, name=name, value=str(n))
                )
    return out


def to_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    return "\ufeff" + buffer.getvalue()
