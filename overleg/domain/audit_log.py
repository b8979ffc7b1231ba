"""The audit log as the beheerder reads it (Logboek): Dutch labels of the event names,
the filter (event, person, object reference, period in Amsterdam days), one page of events
newest first, and the rows of a CSV export. Plain functions; no request in them.

The log holds names, object types, ids and references, never case text, and for a
security-relevant change its values before and after (ids, codes, flags and dates, checked by
``overleg.domain.audit_changes``); what is shown or exported here comes from those columns and
the names of the people involved only. The event filter takes one event or a whole group."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, func, select

from ..extensions import db
from ..models import AuditEvent, Person
from ..models.bodies import CONFIDENTIALITY_LABELS
from ..models.people import APP_ROLE_LABELS
from ..timeutil import TZ, local_to_utc, to_local
from . import kept, keyset
from .audit_changes import FIELDS
from .input import one_line

PAGE_SIZE = 50

# Every event name written with ``audit.record(...)`` in overleg/, with its Dutch label.
# A name missing here is shown as it is (tests/test_admin_audit.py checks the code for them).
EVENT_LABELS: dict[str, str] = {
    "login": "Ingelogd",
    "password_changed": "Eigen wachtwoord gewijzigd",
    "casus_viewed": "Casus ingezien",
    "casus_document_downloaded": "Casusdocument gedownload",
    "agenda_exported": "Agenda geëxporteerd (PDF)",
    "minutes_exported": "Verslag geëxporteerd (PDF)",
    "minutes_sent": "Conceptverslag rondgestuurd",
    "minutes_approved": "Verslag vastgesteld",
    "minutes_corrected": "Vastgesteld verslag gecorrigeerd",
    "meeting_planned": "Overleg gepland",
    "meeting_changed": "Overleg gewijzigd",
    "meeting_cancelled": "Overleg geannuleerd",
    "series_created": "Vergaderreeks gepland",
    "series_changed": "Vergaderreeks gewijzigd",
    "guest_added": "Gast uitgenodigd",
    "guest_removed": "Gast afgemeld",
    "seat_filled": "Vacante plaats ingevuld",
    "attendance_recorded": "Aanwezigheid vastgelegd",
    "action_closed": "Actiepunt afgerond (tussen vergaderingen)",
    "decision_changed": "Besluit gewijzigd (conceptverslag)",
    "action_changed": "Actiepunt gewijzigd (conceptverslag)",
    "decision_corrected": "Besluit gecorrigeerd (correctie na vaststelling)",
    "action_corrected": "Actiepunt gecorrigeerd (correctie na vaststelling)",
    "organisation_created": "Organisatie toegevoegd",
    "organisation_changed": "Organisatie gewijzigd",
    "organisation_deleted": "Organisatie verwijderd",
    "person_created": "Persoon toegevoegd",
    "person_changed": "Persoon gewijzigd",
    "person_deleted": "Persoon verwijderd",
    "account_created": "Account aangemaakt",
    "account_password_set": "Wachtwoord ingesteld door beheerder",
    "account_removed": "Account verwijderd",
    "role_created": "Functie toegevoegd",
    "role_changed": "Functie gewijzigd",
    "role_deleted": "Functie verwijderd",
    "role_holding_created": "Functiebezetting toegevoegd",
    "role_holding_changed": "Functiebezetting gewijzigd",
    "role_holding_deleted": "Functiebezetting verwijderd",
    "meeting_type_created": "Overlegvorm toegevoegd",
    "meeting_type_changed": "Overlegvorm gewijzigd",
    "meeting_type_deleted": "Overlegvorm verwijderd",
    "escalation_path_created": "Escalatiepad toegevoegd",
    "escalation_path_deleted": "Escalatiepad verwijderd",
    "audit_log_exported": "Logboek geëxporteerd (CSV)",
    # security-relevant changes and incidents (with their values before and after)
    "login_failed": "Inloggen mislukt",
    "login_throttled": "Inloggen geweigerd: te veel pogingen",
    "logout": "Uitgelogd",
    "reauthenticated": "Wachtwoord opnieuw bevestigd",
    "reauth_failed": "Wachtwoord opnieuw bevestigen mislukt",
    "second_factor_failed": "Inloggen mislukt: onjuiste code (tweede factor)",
    "second_factor_throttled": "Inloggen geweigerd: te veel onjuiste codes",
    "second_factor_enabled": "Tweede factor ingesteld",
    "second_factor_disabled": "Tweede factor uitgeschakeld",
    "second_factor_reset": "Tweede factor gereset door beheerder",
    "recovery_codes_renewed": "Nieuwe herstelcodes gemaakt",
    "account_activated": "Account geactiveerd",
    "account_deactivated": "Account gedeactiveerd",
    "app_role_changed": "Rol in de applicatie gewijzigd",
    "email_changed": "E-mailadres gewijzigd",
    "feed_created": "Agenda-abonnement aangemaakt",
    "feed_renewed": "Agenda-abonnement vernieuwd",
    "item_guests_changed": "Gasten bij agendapunt gewijzigd",
    "item_besloten_changed": "Agendapunt besloten gemaakt of opengesteld",
    "item_participants_changed": "Deelnemers bij besloten agendapunt gewijzigd",
    "topic_confidentiality_changed": "Vertrouwelijkheid van onderwerp gewijzigd",
    "document_uploaded": "Stuk toegevoegd",
    "document_removed": "Stuk verwijderd",
    "plan_copied": "Jaarplan opgesteld voor een nieuw jaar",
    "plan_changed": "Jaarplan gewijzigd",
    "plan_version_created": "Nieuwe versie van het jaarplan",
    "plan_adopted": "Jaarplan vastgesteld",
    "measure_added": "Maatregel toegevoegd aan een plan van aanpak",
    "measure_changed": "Maatregel gewijzigd",
    "measure_removed": "Maatregel verwijderd",
    "measure_progress": "Voortgang van een maatregel vastgelegd",
    "aanpak_adopted": "Plan van aanpak vastgesteld",
    "indicator_figures_recorded": "Cijfers van indicatoren vastgelegd",
    "indicator_figures_imported": "Cijfers van indicatoren ingelezen (CSV)",
    "report_exported": "Voortgangsrapportage jaarplan geëxporteerd",
    "signal_topic_created": "Onderwerp gemaakt van veiligheidssignaal",
    "signal_merged": "Veiligheidssignaal samengevoegd met onderwerp",
    "signal_closed": "Veiligheidssignaal gesloten",
    "signal_contacts_erased": "Contactgegevens van inwoners verwijderd",
    "legal_hold_placed": "Overleg bevroren (bewaarplicht)",
    "legal_hold_lifted": "Bevriezing van overleg opgeheven",
    "records_destroyed": "Stukken vernietigd (bewaartermijn verstreken)",
    "login_data_purged": "Inloggegevens verwijderd (bewaartermijn)",
    "destruction_register_exported": "Vernietigingsregister geëxporteerd (CSV)",
}

# The groups of the event filter, in the order of the list; every labelled event is in one.
EVENT_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "toegang": (
        "Toegang en accounts",
        (
            "login",
            "login_failed",
            "login_throttled",
            "logout",
            "reauthenticated",
            "reauth_failed",
            "second_factor_failed",
            "second_factor_throttled",
            "second_factor_enabled",
            "second_factor_disabled",
            "second_factor_reset",
            "recovery_codes_renewed",
            "password_changed",
            "account_created",
            "account_password_set",
            "account_removed",
            "account_activated",
            "account_deactivated",
            "app_role_changed",
            "email_changed",
            "feed_created",
            "feed_renewed",
        ),
    ),
    "agenda": (
        "Agenda en casus",
        (
            "casus_viewed",
            "item_guests_changed",
            "item_besloten_changed",
            "item_participants_changed",
            "topic_confidentiality_changed",
            "agenda_exported",
            "meeting_planned",
            "meeting_changed",
            "meeting_cancelled",
            "series_created",
            "series_changed",
            "guest_added",
            "guest_removed",
            "seat_filled",
            "attendance_recorded",
        ),
    ),
    "verslagen": (
        "Verslagen en actiepunten",
        (
            "minutes_exported",
            "minutes_sent",
            "minutes_approved",
            "minutes_corrected",
            "action_closed",
            "decision_changed",
            "action_changed",
            "decision_corrected",
            "action_corrected",
        ),
    ),
    "documenten": (
        "Documenten",
        ("document_uploaded", "document_removed", "casus_document_downloaded"),
    ),
    "beheer": (
        "Beheer",
        (
            "organisation_created",
            "organisation_changed",
            "organisation_deleted",
            "person_created",
            "person_changed",
            "person_deleted",
            "role_created",
            "role_changed",
            "role_deleted",
            "role_holding_created",
            "role_holding_changed",
            "role_holding_deleted",
            "meeting_type_created",
            "meeting_type_changed",
            "meeting_type_deleted",
            "escalation_path_created",
            "escalation_path_deleted",
            "audit_log_exported",
            "legal_hold_placed",
            "legal_hold_lifted",
            "records_destroyed",
            "login_data_purged",
            "destruction_register_exported",
        ),
    ),
    "jaarplan": (
        "Jaarplan en signalen",
        (
            "plan_copied",
            "plan_changed",
            "plan_version_created",
            "plan_adopted",
            "indicator_figures_recorded",
            "indicator_figures_imported",
            "report_exported",
            "signal_topic_created",
            "signal_merged",
            "signal_closed",
            "signal_contacts_erased",
        ),
    ),
    "aanpak": (
        "Plan van aanpak",
        (
            "measure_added",
            "measure_changed",
            "measure_removed",
            "measure_progress",
            "aanpak_adopted",
        ),
    ),
}
OTHER_GROUP = "Overig"
GROUP_PREFIX = "groep:"

# Dutch labels of the codes stored in before/after (the rest are labelled in the models).
REASON_LABELS = {
    "unknown_email": "onbekend e-mailadres",
    "no_account": "persoon zonder account",
    "inactive": "account niet actief",
    "wrong_password": "wachtwoord onjuist",
}
LIMIT_LABELS = {
    "per_address": "te veel pogingen vanaf dit adres",
    "per_account": "te veel pogingen voor dit account",
    "per_device": "te veel pogingen vanuit deze browser (apparaatcookie)",
}

# Object types (table names) with their Dutch label.
OBJECT_TYPE_LABELS: dict[str, str] = {
    "person": "Persoon",
    "organisation": "Organisatie",
    "role": "Functie",
    "role_holding": "Functiebezetting",
    "meeting_type": "Overlegvorm",
    "escalation_path": "Escalatiepad",
    "meeting": "Overleg",
    "meeting_series": "Vergaderreeks",
    "participant": "Deelnemer",
    "agenda_item": "Agendapunt",
    "document": "Document",
    "topic": "Onderwerp",
    "escalation": "Escalatie",
    "minutes": "Verslag",
    "minutes_version": "Verslagversie",
    "decision": "Besluit",
    "action_item": "Actiepunt",
    "measure": "Maatregel",
    "aanpak_version": "Plan van aanpak",
}

EVENT_PATTERN = re.compile(r"^[a-z0-9_]{1,60}$")
MIN_YEAR, MAX_YEAR = 2000, 2999


def event_label(name: str) -> str:
    return EVENT_LABELS.get(name, name)


def object_label(event: AuditEvent) -> str:
    """'Onderwerp TVO-2019-014', 'Overleg nr. 12', or '' when the event has no object."""
    if not event.object_type and event.object_id is None and not event.object_ref:
        return ""
    kind = OBJECT_TYPE_LABELS.get(event.object_type or "", event.object_type or "")
    if event.object_ref:
        which = event.object_ref
    elif event.object_id is not None:
        which = f"nr. {event.object_id}"
    else:
        which = ""
    return " ".join(part for part in (kind, which) if part)


# --- the filter ---------------------------------------------------------------------------


@dataclass
class AuditFilter:
    event: str = ""
    person: str = ""
    ref: str = ""
    start: date | None = None
    end: date | None = None
    cursor: keyset.Cursor | None = None  # the page: None for the first (newest)
    # the dates as typed, to show them back in the form when they were refused
    raw: dict[str, str] = field(default_factory=dict)

    def args(self) -> dict[str, str]:
        """The filter as URL query arguments (without the page)."""
        out = {}
        if self.event:
            out["gebeurtenis"] = self.event
        if self.person:
            out["persoon"] = self.person
        if self.ref:
            out["object"] = self.ref
        if self.start:
            out["van"] = self.start.isoformat()
        if self.end:
            out["tot"] = self.end.isoformat()
        return out

    @property
    def active(self) -> bool:
        return bool(self.args())


def _parse_date(text: str, label: str, errors: list[str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    day = None
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = datetime.strptime(text, fmt).replace(tzinfo=TZ).date()
            break
        except ValueError:
            continue
    if day is None:
        errors.append(
            f"De datum ‘{label}’ is geen geldige datum. Gebruik dd-mm-jjjj, "
            "bijvoorbeeld 12-03-2019."
        )
        return None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        errors.append(f"Kies voor ‘{label}’ een datum tussen {MIN_YEAR} en {MAX_YEAR}.")
        return None
    return day


def parse_filter(args: Mapping[str, str]) -> tuple[AuditFilter, list[str]]:
    """The filter from URL arguments, and the Dutch messages of what was refused."""
    errors: list[str] = []
    f = AuditFilter()
    event = (args.get("gebeurtenis") or "").strip()
    if event:
        if EVENT_PATTERN.match(event) or event.removeprefix(GROUP_PREFIX) in EVENT_GROUPS:
            f.event = event
        else:
            errors.append("Kies een gebeurtenis uit de lijst.")
    f.person = one_line(args.get("persoon"), 100)
    f.ref = one_line(args.get("object"), 60)
    f.raw = {key: (args.get(key) or "").strip()[:20] for key in ("van", "tot")}
    f.start = _parse_date(f.raw["van"], "van", errors)
    f.end = _parse_date(f.raw["tot"], "tot en met", errors)
    if f.start and f.end and f.end < f.start:
        errors.append("De periode klopt niet: ‘tot en met’ ligt vóór ‘van’.")
    try:
        f.cursor = keyset.decode(args.get("vanaf"), CURSOR_TYPES)
    except keyset.CursorError as exc:
        errors.append(str(exc))
    return f, errors


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(stmt, f: AuditFilter):
    """The filter's conditions on `stmt`, their values as the parameters `_where_params`
    gives: a statement made once per `_shape` serves every value. A group's event names are
    the shape's own (fixed per group)."""
    if f.event.startswith(GROUP_PREFIX):
        stmt = stmt.where(AuditEvent.event.in_(EVENT_GROUPS[f.event[len(GROUP_PREFIX) :]][1]))
    elif f.event:
        stmt = stmt.where(AuditEvent.event == bindparam("log_event", type_=String))
    if f.person:
        stmt = stmt.where(Person.name.ilike(bindparam("log_person", type_=String), escape="\\"))
    if f.ref:
        stmt = stmt.where(
            AuditEvent.object_ref.ilike(bindparam("log_ref", type_=String), escape="\\")
        )
    if f.start:
        stmt = stmt.where(AuditEvent.at >= bindparam("log_from", type_=AuditEvent.at.type))
    if f.end:
        stmt = stmt.where(AuditEvent.at < bindparam("log_until", type_=AuditEvent.at.type))
    return stmt


def _shape(f: AuditFilter) -> tuple:
    """What `_where`'s statement depends on besides the values."""
    group = f.event[len(GROUP_PREFIX) :] if f.event.startswith(GROUP_PREFIX) else None
    return (
        group,
        bool(f.event) and group is None,
        bool(f.person),
        bool(f.ref),
        f.start is not None,
        f.end is not None,
    )


def _where_params(f: AuditFilter) -> dict[str, Any]:
    """The values of `_where`'s parameters for this filter."""
    params: dict[str, Any] = {}
    if f.event and not f.event.startswith(GROUP_PREFIX):
        params["log_event"] = f.event
    if f.person:
        params["log_person"] = _like(f.person)
    if f.ref:
        params["log_ref"] = _like(f.ref)
    if f.start:
        params["log_from"] = local_to_utc(f.start, time(0, 0))
    if f.end:
        params["log_until"] = local_to_utc(f.end + timedelta(days=1), time(0, 0))
    return params


def _rows(f: AuditFilter):
    """(event, person name or None), newest first."""
    stmt = (
        select(AuditEvent, Person.name)
        .outerjoin(Person, AuditEvent.person_id == Person.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return _where(stmt, f)


def count(f: AuditFilter) -> int:
    stmt = select(func.count(AuditEvent.id)).outerjoin(Person, AuditEvent.person_id == Person.id)
    return db.session.scalar(_where(stmt, f), _where_params(f)) or 0


@dataclass
class Page:
    rows: list[tuple[AuditEvent, str | None]]
    next: str | None  # cursor of the older events
    previous: str | None  # cursor of the newer events
    first: bool  # the newest events (no cursor)
    # names of the people named by id in the rows' values before and after
    names: dict[int, str] = field(default_factory=dict)

    @property
    def only(self) -> bool:
        """The whole selection is on this page (so its length is the count)."""
        return self.first and self.next is None


# newest first; the id orders events of the same moment
ORDER = ((AuditEvent.at, True), (AuditEvent.id, True))
CURSOR_TYPES = (datetime, int)


def page(f: AuditFilter) -> Page:
    """One page of events by keyset (``vanaf``: the cursor), two queries whatever the number
    of rows or the page: the rows, the names of people in their values. No count: at a
    million events counting the selection would cost more than the page."""
    # kept per filter shape (overleg.domain.kept; no reader: the Logboek is the beheerder's)
    found = keyset.kept_page(
        lambda direction, make: kept.statement(("logboek", *_shape(f), direction), None, make),
        lambda: _where(
            select(AuditEvent, Person.name).outerjoin(Person, AuditEvent.person_id == Person.id),
            f,
        ),
        ORDER,
        lambda row: (row[0].at, row[0].id),
        f.cursor,
        PAGE_SIZE,
        _where_params(f),
    )
    rows = [tuple(r) for r in found.rows]
    names = names_of(person_ids(ev for ev, _ in rows))
    return Page(rows=rows, next=found.next, previous=found.previous, first=found.first, names=names)


@dataclass
class ChoiceGroup:
    label: str
    value: str  # the whole group, e.g. 'groep:toegang'; '' for the unlabelled names
    choices: list[tuple[str, str]]  # (name, label) sorted by label


def event_names() -> set[str]:
    """The event names found in the log, read from the (event, at, id) index by skipping from
    one name to the next (a recursive query: one index seek per name), instead of reading
    every event as ``SELECT DISTINCT`` does (a million rows at ten years)."""
    return set(db.session.scalars(_event_names_stmt()))


@lru_cache(maxsize=1)
def _event_names_stmt():
    """`event_names`' statement, made once (a statement keeps its cache key)."""
    first = select(func.min(AuditEvent.event).label("name")).cte("names", recursive=True)
    following = (
        select(AuditEvent.event)
        .where(AuditEvent.event > first.c.name)
        .order_by(AuditEvent.event)
        .limit(1)
        .scalar_subquery()
    )
    names = first.union_all(select(following).where(first.c.name.is_not(None)))
    return select(names.c.name).where(names.c.name.is_not(None))


def event_choices() -> list[ChoiceGroup]:
    """The filter's events in their groups, each group with an option for the whole group;
    names found in the log without a label come last, under 'Overig'."""
    found = event_names()
    groups = []
    for key, (label, names) in EVENT_GROUPS.items():
        named = sorted(((n, event_label(n)) for n in names), key=lambda c: c[1].lower())
        groups.append(ChoiceGroup(label, GROUP_PREFIX + key, named))
    grouped = {n for _, names in EVENT_GROUPS.values() for n in names}
    rest = sorted(found - grouped)
    if rest:
        groups.append(ChoiceGroup(OTHER_GROUP, "", [(n, event_label(n)) for n in rest]))
    return groups


def filter_label(f: AuditFilter) -> str:
    """The chosen event or group, in Dutch."""
    if f.event.startswith(GROUP_PREFIX):
        return EVENT_GROUPS[f.event[len(GROUP_PREFIX) :]][0]
    return event_label(f.event) if f.event else ""


# --- values before and after ---------------------------------------------------------------

_CODE_LABELS = {
    "confidentiality": CONFIDENTIALITY_LABELS,
    "app_role": APP_ROLE_LABELS,
    "reason": REASON_LABELS,
    "limit": LIMIT_LABELS,
}


def person_ids(events) -> set[int]:
    """The people named by id in these events' values (to look their names up at once)."""
    ids: set[int] = set()
    for ev in events:
        for values in (ev.before, ev.after):
            for key, value in (values or {}).items():
                kind = FIELDS[key].kind if key in FIELDS else ""
                if kind == "people":
                    ids.update(value or [])
                elif kind == "person" and value is not None:
                    ids.add(value)
    return ids


def names_of(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows}


def _value(key: str, value, names: Mapping[int, str]) -> str:
    kind = FIELDS[key].kind if key in FIELDS else ""
    if value is None:
        return "—"
    if kind == "people":
        return ", ".join(sorted(names.get(i, f"nr. {i}") for i in value)) or "niemand"
    if kind == "person":
        return names.get(value, f"nr. {value}")
    if kind == "refs":
        return ", ".join(value) or "geen"
    if kind == "flag":
        return "ja" if value else "nee"
    if kind == "id":
        return f"nr. {value}"
    if kind == "date":
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    if kind == "hash":
        return f"{value[:12]}…"
    if key in _CODE_LABELS:
        return _CODE_LABELS[key].get(value, value)
    return str(value)


def describe_change(event: AuditEvent, names: Mapping[int, str]) -> list[str]:
    """'Besloten: nee → ja', 'Gasten bij dit punt: niemand → Vera Veldman', 'Reden: wachtwoord
    onjuist': one line per value, in Dutch; [] for an event without values."""
    before, after = event.before or {}, event.after or {}
    lines = []
    for key in list(dict.fromkeys([*before, *after])):
        label = FIELDS[key].label if key in FIELDS else key
        if key in before and key in after:
            lines.append(
                f"{label}: {_value(key, before[key], names)} → {_value(key, after[key], names)}"
            )
        else:
            value = before[key] if key in before else after[key]
            lines.append(f"{label}: {_value(key, value, names)}")
    return lines


# --- CSV ----------------------------------------------------------------------------------

CSV_HEADER = (
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
)


def _json(values: dict | None) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def csv_chunks(f: AuditFilter, batch: int = 500) -> Iterator[str]:
    """The events of the filter as CSV (semicolon-separated, for Dutch spreadsheets),
    newest first, in chunks; one query, streamed."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    buf.write("\ufeff")
    writer.writerow(CSV_HEADER)
    result = db.session.execute(_rows(f).execution_options(yield_per=batch), _where_params(f))
    for n, (ev, name) in enumerate(result, start=1):
        writer.writerow(
            [
                _cell(v)
                for v in (
                    to_local(ev.at).strftime("%Y-%m-%d %H:%M:%S"),
                    name or "onbekend",
                    event_label(ev.event),
                    ev.event,
                    object_label(ev),
                    OBJECT_TYPE_LABELS.get(ev.object_type or "", ev.object_type or ""),
                    ev.object_id,
                    ev.object_ref,
                    ev.ip_address,
                    _json(ev.before),
                    _json(ev.after),
                )
            ]
        )
        if n % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
