"""The jaarplan per year: versions, copying to a new year, adoption by the Driehoek, freezing.

Rules:
- a year has one plan; a plan for a new year starts as a copy of the latest version of the
  last plan before it (texts, indicators and ketenpartners; its own clusters and priorities,
  the year's ``ThemeGroup`` and ``Theme`` rows, to which that year's topics belong);
- the secretary edits a concept version; an adopted (vastgesteld) version is frozen, and a
  change makes a new concept version, copied from it (one concept at a time);
- the Driehoek adopts a version: a decision in its register, at a Driehoek meeting that has
  begun and whose minutes are still a concept, linked to that version;
- the current version of a year is the latest adopted one, else the latest concept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Decision,
    Meeting,
    MeetingType,
    Organisation,
    Person,
    Theme,
    ThemeGroup,
    Topic,
)
from ..models.plan import (
    PRIORITY_TEXT_FIELDS,
    IndicatorFigure,
    PlanIndicator,
    PlanPartner,
    PlanPriority,
    PlanVersion,
    PlanYear,
)
from ..timeutil import utcnow
from . import decisions
from . import minutes as dm

ADOPTING_BODY = "driehoek"
TEXT_LIMIT = 10_000
TEXT_ATTRIBUTES = ("ambition",) + tuple(name for name, _ in PRIORITY_TEXT_FIELDS)


class PlanError(ValueError):
    """A refused change; the message is Dutch and meant for the user."""


class PlanFrozen(PlanError):
    """The version is adopted and cannot change."""


# --- reading ---------------------------------------------------------------------------


def plan_of_year(year: int) -> PlanYear | None:
    return db.session.scalar(select(PlanYear).where(PlanYear.year == year))


def plans() -> list[PlanYear]:
    return list(
        db.session.scalars(
            select(PlanYear).options(selectinload(PlanYear.versions)).order_by(PlanYear.year)
        )
    )


def current_version(plan: PlanYear) -> PlanVersion | None:
    """The latest adopted version, else the latest concept."""
    adopted = [v for v in plan.versions if v.is_frozen]
    if adopted:
        return adopted[-1]
    return plan.versions[-1] if plan.versions else None


def concept_of(plan: PlanYear) -> PlanVersion | None:
    return next((v for v in plan.versions if not v.is_frozen), None)


def load_version(version_id: int) -> PlanVersion | None:
    return db.session.scalar(
        select(PlanVersion)
        .where(PlanVersion.id == version_id)
        .options(
            selectinload(PlanVersion.priorities).selectinload(PlanPriority.indicators),
            selectinload(PlanVersion.priorities)
            .selectinload(PlanPriority.partners)
            .selectinload(PlanPartner.organisation),
            selectinload(PlanVersion.priorities)
            .selectinload(PlanPriority.theme)
            .selectinload(Theme.group),
        )
    )


@dataclass
class Cluster:
    name: str
    priorities: list[PlanPriority]


def clusters(version: PlanVersion) -> list[Cluster]:
    """The version's priorities grouped by cluster, in the order of the plan."""
    out: list[Cluster] = []
    for priority in sorted(
        version.priorities, key=lambda p: (p.theme.group.position, p.theme.position, p.position)
    ):
        name = priority.theme.group.name
        if not out or out[-1].name != name:
            out.append(Cluster(name, []))
        out[-1].priorities.append(priority)
    return out


def priority_for_topic(topic: Topic) -> PlanPriority | None:
    """The priority (of its year's current plan) a topic belongs to, or None."""
    if topic.theme_id is None:
        return None
    plan = plan_of_year(topic.theme.group.year) if topic.theme is not None else None
    version = current_version(plan) if plan is not None else None
    if version is None:
        return None
    return next((p for p in version.priorities if p.theme_id == topic.theme_id), None)


def topic_year(topic: Topic) -> int:
    """The year a topic belongs to: the year of its reference (``TVO-2019-014``)."""
    parts = topic.reference.rsplit("-", 2)
    if len(parts) == 3 and parts[1].isdigit():
        return int(parts[1])
    return topic.created_at.year


def year_priorities(year: int) -> list[tuple[int, str]]:
    """(theme id, "Cluster: priority") of the priorities of a year: those of its plan's
    current version, in the plan's order; without a plan, the year's themes as configured."""
    plan = plan_of_year(year)
    version = current_version(plan) if plan is not None else None
    if version is not None:
        loaded = load_version(version.id)
        assert loaded is not None
        return [
            (p.theme_id, f"{c.name}: {p.theme.name}")
            for c in clusters(loaded)
            for p in c.priorities
        ]
    rows = db.session.execute(
        select(Theme.id, Theme.name, ThemeGroup.name)
        .join(ThemeGroup)
        .where(ThemeGroup.year == year)
        .order_by(ThemeGroup.position, Theme.position)
    )
    return [(tid, f"{group}: {name}") for tid, name, group in rows]


def check_topic_theme(theme_id: int | None, year: int, current: int | None = None) -> None:
    """A topic belongs to a priority of its year, or to none. A theme it already has is
    left alone (kept from before this rule); any other must be one of the year's."""
    if not theme_id or theme_id == current:
        return
    if theme_id not in {tid for tid, _ in year_priorities(year)}:
        raise PlanError(
            f"Kies een prioriteit van het jaarplan {year}, of ‘Geen’: een onderwerp van "
            f"{year} hoort bij een prioriteit van dat jaar of bij geen."
        )


def topics_per_theme(theme_ids: Iterable[int], visible_stmt) -> dict[int, list[Topic]]:
    """The topics of these themes among ``visible_stmt`` (the policy's statement for the
    reader), per theme, oldest first."""
    ids = list(theme_ids)
    out: dict[int, list[Topic]] = {i: [] for i in ids}
    if not ids:
        return out
    stmt = (
        visible_stmt.where(Topic.theme_id.in_(ids))
        .options(selectinload(Topic.meeting_type))
        .order_by(Topic.created_at, Topic.id)
    )
    for topic in db.session.scalars(stmt):
        out[topic.theme_id].append(topic)
    return out


# --- building ---------------------------------------------------------------------------


def _theme(year: int, cluster: str, name: str, cluster_pos: int, pos: int) -> Theme:
    group = db.session.scalar(
        select(ThemeGroup).where(ThemeGroup.year == year, ThemeGroup.name == cluster)
    )
    if group is None:
        group = ThemeGroup(year=year, name=cluster, position=cluster_pos)
        db.session.add(group)
        db.session.flush()
    theme = db.session.scalar(select(Theme).where(Theme.group_id == group.id, Theme.name == name))
    if theme is None:
        theme = Theme(group=group, name=name, position=pos)
        db.session.add(theme)
        db.session.flush()
    return theme


def new_plan(year: int, title: str | None = None, by: Person | None = None) -> PlanVersion:
    """An empty plan for a year, version 1 (concept)."""
    if not 2000 <= year <= 2099:
        raise PlanError("Kies een jaar tussen 2000 en 2099.")
    if plan_of_year(year) is not None:
        raise PlanError(f"Er is al een jaarplan voor {year}.")
    plan = PlanYear(year=year, title=title or f"Integraal Jaarplan Veiligheid {year}")
    version = PlanVersion(plan=plan, number=1, status="concept", created_by=by)
    db.session.add_all([plan, version])
    db.session.flush()
    return version


@dataclass
class PriorityData:
    cluster: str
    name: str
    heading: str
    ambition_label: str = "ambitie"
    ambition: str | None = None
    results: str | None = None
    related_policy: str | None = None
    contribution_gemeente: str | None = None
    contribution_politie: str | None = None
    contribution_om: str | None = None
    contribution_partners: str | None = None
    indicators: Sequence[str] = ()
    partners: Sequence[Organisation] = ()


def add_priority(version: PlanVersion, data: PriorityData) -> PlanPriority:
    """Add a priority (and, when new, its cluster and theme for the year) to a concept."""
    require_editable(version)
    year = version.plan.year
    groups = db.session.scalar(
        select(func.count()).select_from(ThemeGroup).where(ThemeGroup.year == year)
    )
    existing = db.session.scalar(
        select(ThemeGroup).where(ThemeGroup.year == year, ThemeGroup.name == data.cluster)
    )
    cluster_pos = existing.position if existing is not None else (groups or 0)
    pos = len(existing.themes) if existing is not None else 0
    theme = _theme(year, data.cluster, data.name, cluster_pos, pos)
    if any(p.theme_id == theme.id for p in version.priorities):
        raise PlanError(f"De prioriteit ‘{data.name}’ staat al in dit jaarplan.")
    priority = PlanPriority(
        version=version,
        theme=theme,
        position=len(version.priorities),
        heading=data.heading,
        ambition_label=data.ambition_label,
        **{name: getattr(data, name) for name in TEXT_ATTRIBUTES},
    )
    db.session.add(priority)
    priority.indicators = [
        PlanIndicator(text=text, position=i) for i, text in enumerate(data.indicators)
    ]
    priority.partners = [PlanPartner(organisation=org) for org in data.partners]
    db.session.flush()
    return priority


def _copy_priority(source: PlanPriority, version: PlanVersion, theme: Theme) -> PlanPriority:
    copy = PlanPriority(
        version=version,
        theme=theme,
        position=source.position,
        heading=source.heading,
        ambition_label=source.ambition_label,
        **{name: getattr(source, name) for name in TEXT_ATTRIBUTES},
    )
    db.session.add(copy)
    with db.session.no_autoflush:
        copy.indicators = [
            PlanIndicator(text=i.text, position=i.position, lineage_id=i.lineage)
            for i in source.indicators
        ]
        copy.partners = [PlanPartner(organisation_id=p.organisation_id) for p in source.partners]
    return copy


def latest_plan_before(year: int) -> PlanYear | None:
    return db.session.scalar(
        select(PlanYear).where(PlanYear.year < year).order_by(PlanYear.year.desc()).limit(1)
    )


def copy_to_year(year: int, by: Person | None = None, source: PlanVersion | None = None):
    """A plan for ``year`` as a copy of the current version of the last plan before it."""
    if source is None:
        last = latest_plan_before(year)
        source = current_version(last) if last is not None else None
    if source is None:
        raise PlanError(f"Er is geen eerder jaarplan om het jaarplan {year} van te maken.")
    if source.plan.year >= year:
        raise PlanError("Een jaarplan wordt gekopieerd naar een later jaar.")
    old_title = source.plan.title
    title = old_title.replace(str(source.plan.year), str(year))
    if title == old_title:
        title = f"{old_title} ({year})"
    version = new_plan(year, title, by)
    version.copied_from = source
    version.note = f"Gekopieerd van {source.label}."
    for priority in source.priorities:
        old = priority.theme
        theme = _theme(year, old.group.name, old.name, old.group.position, old.position)
        _copy_priority(priority, version, theme)
    db.session.flush()
    return version


def new_version(version: PlanVersion, by: Person | None = None) -> PlanVersion:
    """A new concept version copied from ``version`` (the way to change an adopted plan)."""
    plan = version.plan
    if concept_of(plan) is not None:
        raise PlanError(
            f"Er is al een conceptversie van het jaarplan {plan.year}; wijzig die versie."
        )
    number = max(v.number for v in plan.versions) + 1
    copy = PlanVersion(
        plan=plan,
        number=number,
        status="concept",
        copied_from=version,
        note=f"Gekopieerd van versie {version.number}.",
        created_by=by,
    )
    db.session.add(copy)
    for priority in version.priorities:
        _copy_priority(priority, copy, priority.theme)
    db.session.flush()
    return copy


# --- editing ----------------------------------------------------------------------------


def require_editable(version: PlanVersion) -> None:
    if version.is_frozen:
        raise PlanFrozen(
            f"Versie {version.number} van het jaarplan {version.plan.year} is vastgesteld en "
            "kan niet meer worden gewijzigd. Maak een nieuwe versie om iets te veranderen."
        )


def _clean(text: str | None, label: str) -> str | None:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > TEXT_LIMIT:
        raise PlanError(f"{label}: gebruik hoogstens {TEXT_LIMIT} tekens.")
    return text or None


def update_priority(
    priority: PlanPriority,
    *,
    heading: str,
    texts: dict[str, str | None],
    indicators: Sequence[str],
    partner_ids: Sequence[int],
) -> None:
    """Change a priority of a concept version: its texts, indicators (one per line, in
    order; indicators kept by position) and its ketenpartners."""
    require_editable(priority.version)
    heading = (heading or "").strip()
    if not heading:
        raise PlanError("Geef de prioriteit een titel.")
    labels = dict(PRIORITY_TEXT_FIELDS) | {"ambition": priority.ambition_title}
    for name in TEXT_ATTRIBUTES:
        if name in texts:
            setattr(priority, name, _clean(texts[name], labels[name]))
    priority.heading = heading[:300]
    rows = [t.strip() for t in indicators if t and t.strip()]
    for i, text in enumerate(rows):
        if i < len(priority.indicators):
            priority.indicators[i].text = text
        else:
            priority.indicators.append(PlanIndicator(text=text, position=i))
    for gone in priority.indicators[len(rows) :]:
        if gone.lineage_id is None and _has_figures(gone.id):
            raise PlanError(
                f"De indicator ‘{gone.text}’ heeft al cijfers en kan niet worden verwijderd."
            )
    del priority.indicators[len(rows) :]
    wanted = list(dict.fromkeys(partner_ids))
    priority.partners = [p for p in priority.partners if p.organisation_id in wanted]
    have = {p.organisation_id for p in priority.partners}
    for org_id in wanted:
        if org_id not in have:
            priority.partners.append(PlanPartner(organisation_id=org_id))


def _has_figures(indicator_id: int) -> bool:
    return (
        db.session.scalar(
            select(IndicatorFigure.id).where(IndicatorFigure.lineage_id == indicator_id).limit(1)
        )
        is not None
    )


def remove_priority(priority: PlanPriority) -> None:
    require_editable(priority.version)
    if any(i.lineage_id is None and _has_figures(i.id) for i in priority.indicators):
        raise PlanError("Deze prioriteit heeft indicatoren met cijfers en blijft staan.")
    db.session.delete(priority)


# --- adoption ---------------------------------------------------------------------------


def adopting_body() -> MeetingType | None:
    return db.session.scalar(select(MeetingType).where(MeetingType.code == ADOPTING_BODY))


def adoption_meetings(now: datetime | None = None) -> list[Meeting]:
    """Driehoek meetings where the jaarplan can be adopted."""
    body = adopting_body()
    return [] if body is None else dm.meetings_open_for_decisions(body.id, now)


def default_decision_text(version: PlanVersion) -> str:
    return f"Het Driehoeksoverleg stelt het {version.plan.title} (versie {version.number}) vast."


def adopt(
    version: PlanVersion,
    meeting: Meeting,
    by: Person | None = None,
    text: str | None = None,
    now: datetime | None = None,
) -> Decision:
    """The Driehoek adopts the version: a decision at ``meeting``; the version is frozen."""
    require_editable(version)
    now = now or utcnow()
    if meeting.meeting_type.code != ADOPTING_BODY:
        raise PlanError("Het jaarplan wordt vastgesteld in het Driehoeksoverleg.")
    if meeting.status == "geannuleerd":
        raise PlanError("Deze vergadering is geannuleerd.")
    if meeting.starts_at > now:
        raise PlanError("Deze vergadering is nog niet begonnen; kies een gehouden vergadering.")
    if not version.priorities:
        raise PlanError("Dit jaarplan heeft nog geen prioriteiten.")
    minutes = dm.ensure_minutes(meeting, by)
    try:
        dm.require_editable(minutes)
    except dm.MinutesError as exc:
        raise PlanError(str(exc)) from exc
    decision = decisions.add_decision(meeting, None, text or default_decision_text(version), by)
    db.session.flush()
    version.status = "vastgesteld"
    version.decision = decision
    version.adopted_at = now
    return decision


def mark_adopted_before(version: PlanVersion, adopted_at: datetime, note: str) -> None:
    """A version adopted before the plan was kept in Overleg (no decision in the register)."""
    require_editable(version)
    version.status = "vastgesteld"
    version.adopted_at = adopted_at
    version.note = note
