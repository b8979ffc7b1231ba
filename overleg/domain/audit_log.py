"""The audit log as the beheerder reads it (Logboek): Dutch labels of the event names,
the filter (event, person, object reference, period in Amsterdam days), one page of events
newest first, and the rows of a CSV export. Plain functions; no request in them.

The log holds names, object types, ids and references, never case text; what is shown or
exported here comes from those columns and the person's name only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from babel.dates import format_datetime
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Person
from ..timeutil import LOCALE, TZ, local_to_utc, to_local
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
    "attendance_recorded": "Aanwezigheid vastgelegd",
    "action_closed": "Actiepunt afgerond (tussen vergaderingen)",
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
}

EVENT_PATTERN = re.compile(r"^[a-z0-9_]{1,60}$")
MAX_PAGE = 1_000_000
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


def nl_timestamp(value: datetime) -> str:
    """'12 maart 2019, 10:00:05' in Amsterdam time."""
    return format_datetime(to_local(value), "d MMMM y, HH:mm:ss", tzinfo=TZ, locale=LOCALE)


# --- the filter ---------------------------------------------------------------------------


@dataclass
class AuditFilter:
    event: str = ""
    person: str = ""
    ref: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1
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
            day = datetime.strptime(text, fmt).date()
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
        if EVENT_PATTERN.match(event):
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
    page = (args.get("pagina") or "1").strip()
    if page.isascii() and page.isdigit() and len(page) <= 7 and 1 <= int(page) <= MAX_PAGE:
        f.page = int(page)
    else:
        errors.append("Dat paginanummer bestaat niet. Kies een pagina vanaf 1.")
    return f, errors


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(stmt, f: AuditFilter):
    if f.event:
        stmt = stmt.where(AuditEvent.event == f.event)
    if f.person:
        stmt = stmt.where(Person.name.ilike(_like(f.person), escape="\\"))
    if f.ref:
        stmt = stmt.where(AuditEvent.object_ref.ilike(_like(f.ref), escape="\\"))
    if f.start:
        stmt = stmt.where(AuditEvent.at >= local_to_utc(f.start, time(0, 0)))
    if f.end:
        stmt = stmt.where(AuditEvent.at < local_to_utc(f.end + timedelta(days=1), time(0, 0)))
    return stmt


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
    return db.session.scalar(_where(stmt, f)) or 0


@dataclass
class Page:
    rows: list[tuple[AuditEvent, str | None]]
    total: int
    number: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * PAGE_SIZE, self.total)


def page(f: AuditFilter) -> Page:
    """One page of events (two queries, whatever the number of rows). A page beyond the last
    comes back empty; the caller tells the user."""
    total = count(f)
    pages = max(1, -(-total // PAGE_SIZE))
    rows: list = []
    if f.page <= pages:
        rows = [
            tuple(r)
            for r in db.session.execute(_rows(f).limit(PAGE_SIZE).offset((f.page - 1) * PAGE_SIZE))
        ]
    return Page(rows=rows, total=total, number=f.page, pages=pages)


def event_choices() -> list[tuple[str, str]]:
    """(name, label) for the filter: every known name, plus names found in the log that are
    not (yet) labelled, sorted by label."""
    found = set(db.session.scalars(select(AuditEvent.event).distinct()))
    names = set(EVENT_LABELS) | found
    return sorted(((n, event_label(n)) for n in names), key=lambda c: c[1].lower())


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
)


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
    result = db.session.execute(_rows(f).execution_options(yield_per=batch))
    n = 0
    for ev, name in result:
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
                )
            ]
        )
        n += 1
        if n % batch == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
