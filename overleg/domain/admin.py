"""Administration rules: what uses an object (and so blocks its deletion), periods that
may not overlap, unique names and codes, escalation paths, agenda template order, and the
searchable, sortable lists of the beheer screens. Plain functions over model objects."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..extensions import Model, db
from ..models import (
    AgendaTemplateItem,
    AuditEvent,
    EscalationPath,
    LoginSession,
    Meeting,
    MeetingSeries,
    MeetingType,
    Organisation,
    Person,
    RecoveryCode,
    Role,
    RoleHolding,
    RosterEntry,
    SecondFactor,
    Unavailability,
)
from ..models.bodies import LEVEL_RANK, PARTS
from ..timeutil import nl_date, today_local
from .roster import held_on

STANDARD_KIND_LABELS = {
    "opening": "Opening",
    "verslag": "Verslag vorige vergadering",
    "actielijst": "Actielijst",
    "mededelingen": "Mededelingen",
    "rondvraag": "Rondvraag",
    "sluiting": "Sluiting",
    "overig": "Overig (geen standaardpunt)",
}

CODE_PATTERN = re.compile(r"^[a-z0-9]+$")
RETENTION_CATEGORY_PATTERN = re.compile(r"^\d{1,3}(\.\d{1,3}){0,4}$")


class AdminError(ValueError):
    """A refused change, with a Dutch message and (optionally) the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _flush(
    message: str = "De wijziging kon niet worden opgeslagen: een gelijktijdige wijziging "
    "kwam ertussen. Probeer het opnieuw.",
    field: str | None = None,
):
    """Flush, turning a database constraint (e.g. a concurrent change) into a Dutch refusal;
    the caller rolls back."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise AdminError(message, field) from exc


# --- usages: what still refers to an object ---------------------------------------------

# Labels of a referring (table, column): singular and plural, in Dutch.
USAGE_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("person", "organisation_id"): ("persoon", "personen"),
    ("role", "organisation_id"): ("functie", "functies"),
    ("role_holding", "person_id"): ("functiebezetting", "functiebezettingen"),
    ("role_holding", "deputy_id"): ("plaatsvervanging", "plaatsvervangingen"),
    ("role_holding", "role_id"): ("functiebezetting", "functiebezettingen"),
    ("participant", "person_id"): ("deelname aan een overleg", "deelnames aan overleggen"),
    ("roster_entry", "role_id"): ("vaste plaats in een overleg", "vaste plaatsen in overleggen"),
    ("meeting", "meeting_type_id"): ("overleg", "overleggen"),
    ("meeting_series", "meeting_type_id"): ("vergaderreeks", "vergaderreeksen"),
    ("escalation_path", "from_type_id"): ("escalatiepad", "escalatiepaden"),
    ("escalation_path", "to_type_id"): ("escalatiepad", "escalatiepaden"),
    ("escalation", "from_type_id"): ("escalatie", "escalaties"),
    ("escalation", "to_type_id"): ("escalatie", "escalaties"),
    ("topic", "meeting_type_id"): ("onderwerp", "onderwerpen"),
    ("topic", "aanbrenger_id"): ("aangebracht onderwerp", "aangebrachte onderwerpen"),
    ("action_item", "meeting_type_id"): ("actiepunt", "actiepunten"),
    ("action_item", "owner_person_id"): ("actiepunt", "actiepunten"),
    ("action_item", "owner_organisation_id"): ("actiepunt", "actiepunten"),
    ("decision", "meeting_type_id"): ("besluit", "besluiten"),
    ("plan_partner", "organisation_id"): (
        "ketenpartner in een jaarplan",
        "ketenpartners in jaarplannen",
    ),
    ("measure", "organisation_id"): ("maatregel in een plan van aanpak", "maatregelen"),
}

# References whose rows would be deleted along (ON DELETE CASCADE) but that still count as
# use: who held a role is history, and a path involves another body too.
BLOCKING_CASCADES = {
    ("role_holding", "role_id"),
    ("escalation_path", "from_type_id"),
    ("escalation_path", "to_type_id"),
}

SUBJECTS = {
    "organisation": "Deze organisatie",
    "person": "Deze persoon",
    "role": "Deze functie",
    "meeting_type": "Deze overlegvorm",
}

HINTS = {
    "person": "Zet de persoon op inactief als die niet meer meedoet.",
    "meeting_type": "Zet de overlegvorm op inactief als die niet meer wordt gebruikt.",
}

SAMPLE_SIZE = 3


def _describe_loads(cls) -> tuple:
    """Loader options for the samples `_describe` names: what it reads of each row, in the
    samples' own query."""
    if cls is RoleHolding:
        return (joinedload(RoleHolding.role),)
    if cls is RosterEntry:
        return (joinedload(RosterEntry.meeting_type),)
    relationships = cls.__mapper__.relationships
    loads: list = [
        joinedload(getattr(cls, key)) for key in ("from_type", "to_type") if key in relationships
    ]
    if "meeting" in relationships and relationships["meeting"].mapper.class_ is Meeting:
        loads.append(joinedload(cls.meeting).joinedload(Meeting.meeting_type))
    return tuple(loads)


def _describe(row, column: str) -> str:
    """A short Dutch description of a referring row, for the message. Never free text of a
    topic or action item (it may hold case content): a reference, a body or a date."""
    if isinstance(row, (Person, Role, Organisation, MeetingType)):
        return row.name
    if isinstance(row, RoleHolding):
        if column == "deputy_id":
            return f"{row.role.name} (voor {row.person.name})"
        if column == "role_id":
            return row.person.name
        return row.role.name
    if isinstance(row, Meeting):
        return nl_date(row.starts_at, "long")
    if isinstance(row, RosterEntry):
        return row.meeting_type.name
    if isinstance(row, MeetingSeries):
        return f"vanaf {nl_date(row.first_date, 'long')}"
    reference = getattr(row, "reference", None)
    if isinstance(reference, str) and reference:
        return reference
    src, dst = getattr(row, "from_type", None), getattr(row, "to_type", None)
    if isinstance(src, MeetingType) and isinstance(dst, MeetingType):
        return f"{src.name} → {dst.name}"
    meeting = getattr(row, "meeting", None)
    if isinstance(meeting, Meeting):
        return f"{meeting.title} van {nl_date(meeting.starts_at, 'long')}"
    return f"nr. {getattr(row, 'id', '?')}"


@dataclass
class Usage:
    singular: str
    plural: str
    count: int = 0
    samples: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.singular if self.count == 1 else self.plural

    def __str__(self) -> str:
        text = f"{self.count} {self.label}"
        if self.samples:
            more = ", …" if self.count > len(self.samples) else ""
            text += f" ({', '.join(self.samples)}{more})"
        return text


def usages(obj) -> list[Usage]:
    """Everything that still refers to ``obj`` and so blocks its deletion.

    Walks every mapped table's foreign keys to ``obj``'s table, so that tables added later
    are covered too: references that restrict deletion (RESTRICT / NO ACTION) count, as do
    the cascades in ``BLOCKING_CASCADES``; SET NULL and owned parts (CASCADE) do not."""
    target = obj.__table__
    found: dict[str, Usage] = {}
    # Every model maps one Table (local_table is typed as the wider FromClause).
    for mapper in sorted(Model.registry.mappers, key=lambda m: cast(Table, m.local_table).name):
        table = cast(Table, mapper.local_table)
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            if fk.column.table is not target:
                continue
            key = (table.name, fk.parent.name)
            ondelete = (fk.ondelete or "NO ACTION").upper()
            if ondelete in ("CASCADE", "SET NULL", "SET DEFAULT") and key not in BLOCKING_CASCADES:
                continue
            column = getattr(mapper.class_, mapper.get_property_by_column(fk.parent).key)
            count = (
                db.session.scalar(
                    select(func.count()).select_from(mapper.class_).where(column == obj.id)
                )
                or 0
            )
            if not count:
                continue
            singular, plural = USAGE_LABELS.get(
                key, (f"verwijzing ({table.name})", f"verwijzingen ({table.name})")
            )
            usage = found.setdefault(plural, Usage(singular, plural))
            usage.count += count
            rows = db.session.scalars(
                select(mapper.class_)
                .where(column == obj.id)
                .order_by(*mapper.primary_key)
                .limit(SAMPLE_SIZE)
                .options(*_describe_loads(mapper.class_))
            ).all()
            for row in rows:
                if len(usage.samples) < SAMPLE_SIZE:
                    usage.samples.append(_describe(row, fk.parent.name))
    return list(found.values())


def _join_dutch(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def deletion_refusal(obj) -> str | None:
    """The Dutch reason why ``obj`` cannot be deleted, or None when nothing uses it."""
    found = usages(obj)
    if not found:
        return None
    subject = SUBJECTS.get(obj.__tablename__, "Dit onderdeel")
    verb = "hoort" if len(found) == 1 and found[0].count == 1 else "horen"
    message = (
        f"{subject} kan niet worden verwijderd: "
        f"{_join_dutch([str(u) for u in found])} {verb} erbij."
    )
    hint = HINTS.get(obj.__tablename__)
    return f"{message} {hint}" if hint else message


def delete_object(obj) -> None:
    """Delete ``obj`` (not committed), or raise AdminError with what still uses it."""
    reason = deletion_refusal(obj)
    if reason:
        raise AdminError(reason)
    db.session.delete(obj)
    subject = SUBJECTS.get(obj.__tablename__, "Dit onderdeel")
    _flush(f"{subject} kan niet worden verwijderd: het is nog in gebruik.")


# --- searchable, sortable lists ---------------------------------------------------------


def _like(q: str) -> str:
    escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(stmt, q: str | None, *columns):
    if q and q.strip():
        pattern = _like(q)
        stmt = stmt.where(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
    return stmt


def _order(stmt, sorts: dict, sort: str, direction: str, default: str):
    key = sort if sort in sorts else default
    columns = sorts[key]
    if not isinstance(columns, (list, tuple)):
        columns = [columns]
    # the chosen column follows the direction; tie-breakers stay ascending
    ordered = [columns[0].desc() if direction == "desc" else columns[0].asc()]
    ordered += [c.asc() for c in columns[1:]]
    return stmt.order_by(*ordered), key


def normalise_sort(
    sort: str | None, direction: str | None, sorts: Iterable[str], default: str
) -> tuple[str, str]:
    chosen = sort if sort is not None and sort in sorts else default
    return chosen, ("desc" if direction == "desc" else "asc")


ORGANISATION_SORTS = ("naam", "afkorting", "soort", "personen")
PERSON_SORTS = ("naam", "email", "organisatie", "rol", "status")
ROLE_SORTS = ("naam", "organisatie")
MEETING_TYPE_SORTS = ("naam", "code", "niveau", "duur")
PATH_SORTS = ("van", "naar", "richting")


def list_organisations(q: str | None = None, sort: str = "naam", direction: str = "asc"):
    """Rows (organisation, number of people, number of roles)."""
    people = (
        select(func.count(Person.id))
        .where(Person.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    roles = (
        select(func.count(Role.id))
        .where(Role.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    stmt = _search(
        select(Organisation, people, roles), q, Organisation.name, Organisation.short_name
    )
    stmt, _ = _order(
        stmt,
        {
            "naam": func.lower(Organisation.name),
            "afkorting": [func.lower(Organisation.short_name), func.lower(Organisation.name)],
            "soort": [Organisation.kind, func.lower(Organisation.name)],
            "personen": [people, func.lower(Organisation.name)],
        },
        sort,
        direction,
        "naam",
    )
    return db.session.execute(stmt).all()


def list_people(
    q: str | None = None,
    sort: str = "naam",
    direction: str = "asc",
    app_role: str | None = None,
    status: str | None = None,
) -> list[Person]:
    stmt = select(Person).outerjoin(Person.organisation).options(joinedload(Person.organisation))
    stmt = _search(stmt, q, Person.name, Person.email, Organisation.name, Organisation.short_name)
    if app_role:
        stmt = stmt.where(Person.app_role == app_role)
    if status == "actief":
        stmt = stmt.where(Person.active.is_(True))
    elif status == "inactief":
        stmt = stmt.where(Person.active.is_(False))
    elif status == "account":
        stmt = stmt.where(Person.password_hash.is_not(None))
    elif status == "gast":
        stmt = stmt.where(Person.password_hash.is_(None))
    stmt, _ = _order(
        stmt,
        {
            "naam": func.lower(Person.name),
            "email": Person.email,
            "organisatie": [func.lower(Organisation.name), func.lower(Person.name)],
            "rol": [Person.app_role, func.lower(Person.name)],
            "status": [Person.active, func.lower(Person.name)],
        },
        sort,
        direction,
        "naam",
    )
    return list(db.session.scalars(stmt))


def list_roles(
    q: str | None = None, sort: str = "naam", direction: str = "asc", day: date | None = None
) -> list[tuple[Role, RoleHolding | None]]:
    """Rows (role, its holding on ``day``)."""
    day = day or today_local()
    stmt = select(Role).outerjoin(Role.organisation).options(joinedload(Role.organisation))
    stmt = _search(stmt, q, Role.name, Role.description, Organisation.name, Organisation.short_name)
    stmt, _ = _order(
        stmt,
        {
            "naam": func.lower(Role.name),
            "organisatie": [func.lower(Organisation.name), func.lower(Role.name)],
        },
        sort,
        direction,
        "naam",
    )
    roles = list(db.session.scalars(stmt))
    current = {
        h.role_id: h
        for h in db.session.scalars(
            select(RoleHolding)
            .where(held_on(day))
            .options(joinedload(RoleHolding.person), joinedload(RoleHolding.deputy))
        )
    }
    return [(role, current.get(role.id)) for role in roles]


def list_meeting_types(q: str | None = None, sort: str = "naam", direction: str = "asc"):
    """Rows (meeting type, number of roster entries)."""
    roster = (
        select(func.count(RosterEntry.id))
        .where(RosterEntry.meeting_type_id == MeetingType.id)
        .correlate(MeetingType)
        .scalar_subquery()
    )
    stmt = _search(select(MeetingType, roster), q, MeetingType.name, MeetingType.code)
    # levels by rank (strategisch first), not alphabetically
    rank = case(LEVEL_RANK, value=MeetingType.level, else_=9)
    stmt, _ = _order(
        stmt,
        {
            "naam": func.lower(MeetingType.name),
            "code": MeetingType.code,
            "niveau": [rank, func.lower(MeetingType.name)],
            "duur": [MeetingType.default_duration_minutes, func.lower(MeetingType.name)],
        },
        sort,
        direction,
        "naam",
    )
    return db.session.execute(stmt).all()


def list_paths(q: str | None = None, sort: str = "van", direction: str = "asc"):
    src, dst = aliased(MeetingType), aliased(MeetingType)
    stmt = (
        select(EscalationPath)
        .join(src, EscalationPath.from_type_id == src.id)
        .join(dst, EscalationPath.to_type_id == dst.id)
        .options(joinedload(EscalationPath.from_type), joinedload(EscalationPath.to_type))
    )
    stmt = _search(stmt, q, src.name, src.code, dst.name, dst.code)
    stmt, _ = _order(
        stmt,
        {
            "van": [func.lower(src.name), func.lower(dst.name)],
            "naar": [func.lower(dst.name), func.lower(src.name)],
            "richting": [EscalationPath.direction, func.lower(src.name)],
        },
        sort,
        direction,
        "van",
    )
    return list(db.session.scalars(stmt))


# The index counts the log up to this many rows ("meer dan 10.000 logregels"): counting a
# million events would cost more than the whole page.
AUDIT_COUNT_CAP = 10_000


def counts() -> dict[str, int]:
    """How many of each the beheer screens administer (for the index page); the log's rows
    counted up to ``AUDIT_COUNT_CAP + 1`` (more than the cap: "meer dan")."""
    return {key: db.session.scalar(stmt) or 0 for key, stmt in _count_stmts().items()} | {
        "audit_events_cap": AUDIT_COUNT_CAP
    }


@lru_cache(maxsize=1)
def _count_stmts() -> dict[str, Any]:
    """`counts`' statements, made once (a statement keeps its cache key)."""

    def n(model):
        return select(func.count()).select_from(model)

    capped = select(AuditEvent.id).limit(AUDIT_COUNT_CAP + 1).subquery()
    return {
        "organisations": n(Organisation),
        "people": n(Person),
        "accounts": n(Person).where(Person.password_hash.is_not(None)),
        "roles": n(Role),
        "meeting_types": n(MeetingType),
        "paths": n(EscalationPath),
        "audit_events": select(func.count()).select_from(capped),
    }


# --- organisations ----------------------------------------------------------------------


def _unique(model, column, value, exclude_id: int | None, message: str, fieldname: str):
    stmt = select(model).where(func.lower(column) == value.lower())
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    other = db.session.scalar(stmt)
    if other is not None:
        raise AdminError(message.format(other=other), fieldname)


def save_organisation(
    org: Organisation, *, name: str, short_name: str | None, kind: str, description: str | None
) -> Organisation:
    name = name.strip()
    _unique(
        Organisation,
        Organisation.name,
        name,
        org.id,
        "Er bestaat al een organisatie met deze naam.",
        "name",
    )
    org.name, org.short_name, org.kind = name, (short_name or "").strip() or None, kind
    org.description = (description or "").strip() or None
    db.session.add(org)
    _flush()
    return org


# --- people and accounts ----------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _active_admins(exclude: Person) -> int:
    return (
        db.session.scalar(
            select(func.count(Person.id)).where(
                Person.app_role == "beheerder",
                Person.active.is_(True),
                Person.password_hash.is_not(None),
                Person.id != exclude.id,
            )
        )
        or 0
    )


def _guard_last_admin(person: Person, actor: Person | None, *, keeps_admin: bool) -> None:
    """Refuse taking away the administration from oneself or from the last beheerder."""
    if keeps_admin or not (person.id and person.is_admin and person.active and person.has_account):
        return
    if actor is not None and actor.id == person.id:
        raise AdminError(
            "U kunt uw eigen beheerdersrechten, account of actieve status niet "
            "intrekken. Laat dat een andere beheerder doen.",
            "app_role",
        )
    if _active_admins(person) == 0:
        raise AdminError(
            "Er moet minstens één actieve beheerder met een account overblijven.", "app_role"
        )


def save_person(
    person: Person,
    *,
    name: str,
    email: str,
    phone: str | None,
    organisation: Organisation | None,
    app_role: str,
    active: bool,
    actor: Person | None = None,
) -> Person:
    email = normalise_email(email)
    _unique(
        Person,
        Person.email,
        email,
        person.id,
        "Dit e-mailadres is al in gebruik bij {other.name}.",
        "email",
    )
    if person.id is not None:
        _guard_last_admin(person, actor, keeps_admin=(app_role == "beheerder" and active))
    was_active = person.active if person.id is not None else True
    person.name, person.email = name.strip(), email
    person.phone = (phone or "").strip() or None
    person.organisation, person.app_role, person.active = organisation, app_role, active
    db.session.add(person)
    _flush()
    if was_active and not active:
        end_all_sessions(person)
    return person


def end_all_sessions(person: Person) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.person_id == person.id))


def remove_account(person: Person, actor: Person | None = None) -> None:
    """The person can no longer log in (an external guest); sessions end at once, and their
    personal calendar feed and second factor stop working (a new account starts without)."""
    _guard_last_admin(person, actor, keeps_admin=False)
    person.password_hash = None
    person.feed_token = None
    end_all_sessions(person)
    for model in (SecondFactor, RecoveryCode):
        db.session.execute(delete(model).where(model.person_id == person.id))
    _flush()


def delete_person(person: Person, actor: Person | None = None) -> None:
    if actor is not None and actor.id == person.id:
        raise AdminError("U kunt uw eigen gegevens niet verwijderen.")
    _guard_last_admin(person, actor, keeps_admin=False)
    delete_object(person)


def _overlap(stmt, model, start: date, end: date | None):
    """Rows of ``model`` in ``stmt`` whose period overlaps [start, end] (end None: open)."""
    stmt = stmt.where(or_(model.end_date.is_(None), model.end_date >= start))
    if end is not None:
        stmt = stmt.where(model.start_date <= end)
    return stmt


def _period_text(start: date, end: date | None) -> str:
    if end is None:
        return f"vanaf {nl_date(start, 'long')}"
    return f"van {nl_date(start, 'long')} tot en met {nl_date(end, 'long')}"


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise AdminError("De einddatum ligt vóór de begindatum.", "end_date")


def add_unavailability(
    person: Person, start: date, end: date, reason: str | None
) -> Unavailability:
    _check_period(start, end)
    clash = db.session.scalar(
        _overlap(
            select(Unavailability).where(Unavailability.person_id == person.id),
            Unavailability,
            start,
            end,
        )
    )
    if clash is not None:
        raise AdminError(
            "Deze periode overlapt met een afwezigheid die al is vastgelegd ("
            f"{_period_text(clash.start_date, clash.end_date)}).",
            "start_date",
        )
    item = Unavailability(
        person=person, start_date=start, end_date=end, reason=(reason or "").strip() or None
    )
    db.session.add(item)
    _flush()
    rosters_changed()
    return item


def rosters_changed(*, role: Role | None = None, meeting_type: MeetingType | None = None) -> None:
    """Who a body invites has changed (holder, deputy, absence or roster): bring the
    participants of future meetings in line and notify who was added or removed."""
    from .meetings import refresh_future_participants

    refresh_future_participants(role, meeting_type=meeting_type)


# --- roles and who holds them -----------------------------------------------------------


def save_role(
    role: Role, *, name: str, organisation: Organisation | None, description: str | None
) -> Role:
    name = name.strip()
    _unique(Role, Role.name, name, role.id, "Er bestaat al een functie met deze naam.", "name")
    role.name, role.organisation = name, organisation
    role.description = (description or "").strip() or None
    db.session.add(role)
    _flush()
    return role


def save_holding(
    holding: RoleHolding,
    *,
    role: Role,
    person: Person,
    deputy: Person | None,
    start: date,
    end: date | None,
) -> RoleHolding:
    """Who holds ``role`` from ``start`` until ``end`` (open when None), with a deputy.
    Two holdings of one role may not overlap."""
    _check_period(start, end)
    if deputy is not None and deputy.id == person.id:
        raise AdminError(
            "De plaatsvervanger moet iemand anders zijn dan de functionaris.", "deputy_id"
        )
    stmt = select(RoleHolding).where(RoleHolding.role_id == role.id)
    if holding.id is not None:
        stmt = stmt.where(RoleHolding.id != holding.id)
    clash = db.session.scalar(
        _overlap(stmt, RoleHolding, start, end).order_by(RoleHolding.start_date)
    )
    if clash is not None:
        raise AdminError(
            f"Deze periode overlapt met de bezetting door {clash.person.name} "
            f"({_period_text(clash.start_date, clash.end_date)}). Beëindig die bezetting eerst "
            "of kies een andere periode.",
            "start_date",
        )
    holding.role, holding.person, holding.deputy = role, person, deputy
    holding.start_date, holding.end_date = start, end
    db.session.add(holding)
    _flush()
    rosters_changed(role=role)
    return holding


# --- meeting types: settings, roster, agenda template ----------------------------------


def save_meeting_type(mt: MeetingType, **values) -> MeetingType:
    code = values["code"].strip()
    if not CODE_PATTERN.match(code):
        raise AdminError(
            "Gebruik voor de code alleen kleine letters en cijfers, zonder spaties "
            "(bijvoorbeeld tvo).",
            "code",
        )
    _unique(
        MeetingType,
        MeetingType.code,
        code,
        mt.id,
        "Deze code is al in gebruik bij {other.name}.",
        "code",
    )
    name = values["name"].strip()
    _unique(
        MeetingType,
        MeetingType.name,
        name,
        mt.id,
        "Er bestaat al een overlegvorm met deze naam.",
        "name",
    )
    category = (values.get("retention_category") or "").strip() or None
    if category and not RETENTION_CATEGORY_PATTERN.match(category):
        raise AdminError(
            "Vul een categorie uit de selectielijst in, bijvoorbeeld 19.1.10.", "retention_category"
        )
    mt.code, mt.name, mt.retention_category = code, name, category
    mt.level = values["level"]
    mt.description = (values.get("description") or "").strip() or None
    mt.default_duration_minutes = values["default_duration_minutes"]
    mt.default_location = (values.get("default_location") or "").strip() or None
    mt.default_confidentiality = values["default_confidentiality"]
    mt.retention_years = values.get("retention_years")
    deadline = values.get("agenda_deadline_days")
    if deadline is not None:
        if not 0 <= deadline <= 60:
            raise AdminError("Kies 0 tot 60 werkdagen voor het overleg.", "agenda_deadline_days")
        mt.agenda_deadline_days = deadline
    elif mt.agenda_deadline_days is None:
        mt.agenda_deadline_days = 5
    mt.active = values.get("active", True)
    db.session.add(mt)
    _flush()
    return mt


def add_roster_entry(mt: MeetingType, role: Role, part: str) -> RosterEntry:
    if part not in PARTS:
        raise AdminError("Kies hoe de functie deelneemt.", "part")
    existing = db.session.scalar(
        select(RosterEntry).where(
            RosterEntry.meeting_type_id == mt.id, RosterEntry.role_id == role.id
        )
    )
    if existing is not None:
        raise AdminError(
            f"{role.name} staat al op de deelnemerslijst van {mt.name} "
            f"(als {existing.part_label.lower()}).",
            "role_id",
        )
    position = max((e.position for e in mt.roster), default=-1) + 1
    entry = RosterEntry(meeting_type=mt, role=role, part=part, position=position)
    db.session.add(entry)
    _flush()
    rosters_changed(meeting_type=mt)
    return entry


def change_roster_part(entry: RosterEntry, part: str) -> None:
    if part not in PARTS:
        raise AdminError("Kies hoe de functie deelneemt.", "part")
    entry.part = part
    _flush()
    rosters_changed(meeting_type=entry.meeting_type)


def add_template_item(mt: MeetingType, **values) -> AgendaTemplateItem:
    position = max((i.position for i in mt.agenda_template), default=-1) + 1
    item = AgendaTemplateItem(meeting_type=mt, position=position)
    return save_template_item(item, **values)


def save_template_item(
    item: AgendaTemplateItem, *, title: str, standard_kind: str, purpose: str, duration_minutes: int
) -> AgendaTemplateItem:
    item.title, item.standard_kind = title.strip(), standard_kind
    item.purpose, item.duration_minutes = purpose, duration_minutes
    db.session.add(item)
    _flush()
    return item


def move_template_item(item: AgendaTemplateItem, step: int) -> None:
    """Move an item one place up (step -1) or down (+1); positions become 0..n-1."""
    items = sorted(item.meeting_type.agenda_template, key=lambda i: (i.position, i.id))
    index = items.index(item)
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for pos, it in enumerate(items):
        it.position = pos
    _flush()


def delete_template_item(item: AgendaTemplateItem) -> None:
    mt = item.meeting_type
    mt.agenda_template.remove(item)
    db.session.delete(item)
    for pos, it in enumerate(sorted(mt.agenda_template, key=lambda i: (i.position, i.id))):
        it.position = pos
    _flush()


# --- escalation paths -------------------------------------------------------------------


def add_path(src: MeetingType, dst: MeetingType, direction: str) -> EscalationPath:
    if src.id == dst.id:
        raise AdminError(
            "Een escalatiepad loopt tussen twee verschillende overlegvormen.", "to_type_id"
        )
    existing = db.session.scalar(
        select(EscalationPath).where(
            EscalationPath.from_type_id == src.id, EscalationPath.to_type_id == dst.id
        )
    )
    if existing is not None:
        raise AdminError(
            f"Er bestaat al een pad van {src.name} naar {dst.name} "
            f"({existing.direction_label.lower()}).",
            "to_type_id",
        )
    path = EscalationPath(from_type=src, to_type=dst, direction=direction)
    db.session.add(path)
    _flush()
    return path


def roster_with_roles(mt: MeetingType) -> list[RosterEntry]:
    return list(
        db.session.scalars(
            select(RosterEntry)
            .where(RosterEntry.meeting_type_id == mt.id)
            .options(selectinload(RosterEntry.role).selectinload(Role.holdings))
            .order_by(RosterEntry.position, RosterEntry.id)
        )
    )
