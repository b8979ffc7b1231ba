"""Documents (vergaderstukken) on agenda items, and the agenda as the PDFs show it.

- the content type of an upload is detected from its bytes (magic numbers), never taken from
  the file name or the browser; anything else is refused with a Dutch message;
- the bytes go through the storage interface (overleg/storage.py) with their SHA-256;
- a document is read by whoever reads its agenda item in full (the read policy,
  overleg/domain/policy.py);
- ``agenda_view(meeting, person)`` is the agenda as a given reader may see it, in a fixed
  number of queries: the one view-model of every agenda output (stukken page, agenda PDF,
  vergaderstukken bundle, downloads), with the measures of each topic item's plan van aanpak
  ("Voortgang plan van aanpak") for who reads the item in full; ``agenda_page_view`` adds
  what the agenda page shows besides (escalations, guests, proposals, the secretary's
  controls). Templates branch only on what these say (``row.full``, ``row.documents``, ``view.can_edit``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, or_, select, union_all
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import BindParameter

from ..extensions import db
from ..models import AgendaItem, Document, Escalation, Meeting, Participant, Person
from ..models.bodies import CONFIDENTIALITY, CONFIDENTIALITY_LABELS
from ..models.documents import DOCUMENT_TYPES
from ..models.sql import in_list
from ..storage import get_storage
from ..timeutil import nl_date, today_local, utcnow
from . import actions, policy
from .aanpak import measures_for_topics
from .agenda import changed_after_publish, item_access_map, meeting_marking, start_times
from .loading import Collection, collection
from .meetings import participants_collection

log = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

EXTENSIONS = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
ALLOWED_LABEL = "PDF, Word (.docx), Excel (.xlsx), PNG of JPEG"


class UploadRefused(ValueError):
    """An upload that is not accepted; ``str(e)`` is the Dutch message for the user."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# --- content type from the bytes ------------------------------------------------------


def detect_content_type(data: bytes) -> str | None:
    """The content type the bytes really are (one of DOCUMENT_TYPES), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    """DOCX or XLSX: a zip with [Content_Types].xml and word/ or xl/ parts; no macros."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "[Content_Types].xml" not in names:
                return None
            info = zf.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000:
                return None
            types = zf.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    except (
        zipfile.BadZipFile,
        KeyError,
        RuntimeError,
        NotImplementedError,
        OSError,
        EOFError,
        ValueError,
    ):
        return None
    if "macroenabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None
    if "word/document.xml" in names and "wordprocessingml" in types:
        return DOCX
    if "xl/workbook.xml" in names and "spreadsheetml" in types:
        return XLSX
    return None


def clean_filename(name: str) -> str:
    """The last path part of a name as a browser sent it, without control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "", name).strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024


def max_upload_bytes(config: Mapping[str, Any]) -> int:
    """The upload limit in bytes from an app configuration (the caller passes it in):
    MAX_UPLOAD_MB, else MAX_CONTENT_LENGTH, else 20 MB."""
    mb = config.get("MAX_UPLOAD_MB")
    if mb:
        return int(float(mb) * 1024 * 1024)
    return int(config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_UPLOAD)


def max_upload_label(max_bytes: int) -> str:
    """The limit as the Dutch messages show it ("10 kB", "1,5 MB")."""
    mb = max_bytes / (1024 * 1024)
    if mb < 1:
        return f"{round(mb * 1024)} kB"
    return f"{round(mb, 1):g} MB".replace(".", ",")


def check_upload(
    filename: str, data: bytes, max_bytes: int = DEFAULT_MAX_UPLOAD
) -> tuple[str, str]:
    """(clean file name, content type) of an acceptable upload, else UploadRefused."""
    name = clean_filename(filename)
    if not name or not data:
        raise UploadRefused("Kies een bestand om te uploaden; het bestand is leeg.")
    if len(data) > max_bytes:
        raise UploadRefused(
            f"Het bestand is te groot. Het mag hoogstens {max_upload_label(max_bytes)} zijn.",
            413,
        )
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in EXTENSIONS:
        raise UploadRefused(
            f"Dit soort bestand is niet toegestaan. Toegestaan zijn: {ALLOWED_LABEL}."
        )
    detected = detect_content_type(data)
    if detected is None:
        raise UploadRefused(
            f"De inhoud van het bestand is geen geldig {_label(EXTENSIONS[ext])}-bestand. "
            f"Toegestaan zijn: {ALLOWED_LABEL}. Het bestand is niet opgeslagen."
        )
    if detected != EXTENSIONS[ext]:
        raise UploadRefused(
            f"De bestandsnaam ({ext}) past niet bij de inhoud ({_label(detected)}). "
            "Geef het bestand de juiste extensie en probeer het opnieuw."
        )
    if detected == PDF:
        _check_pdf(data)
    return name, detected


def _check_pdf(data: bytes) -> None:
    """A PDF must be readable and not encrypted, so it can join the vergaderstukken PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadRefused(
                "Dit PDF-bestand is beveiligd met een wachtwoord. Voeg een onbeveiligde versie toe."
            )
        if len(reader.pages) < 1:
            raise PyPdfError("no pages")
    except UploadRefused:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
        RecursionError,
        OSError,
        AssertionError,
    ):
        raise UploadRefused(
            "Dit PDF-bestand is beschadigd en kan niet worden gelezen. "
            "Het bestand is niet opgeslagen."
        ) from None


def _label(content_type: str) -> str:
    return DOCUMENT_TYPES[content_type][0]


# --- storing, reading, deleting -------------------------------------------------------


def add_document(
    item: AgendaItem,
    filename: str,
    data: bytes,
    person: Person | None,
    *,
    max_bytes: int = DEFAULT_MAX_UPLOAD,
    mark_changed: bool = True,
) -> Document:
    """Check and store an upload on an agenda item (added to the session, not committed).

    The bytes are written first; the caller commits, and on a failed commit calls
    ``discard_stored(doc)`` so no orphan file stays behind. A document added to a published
    agenda marks it changed after publication (the secretary then reports it), unless
    ``mark_changed`` is False (demo data). ``max_bytes``: the configured limit
    (``max_upload_bytes(config)``, read by the caller).
    """
    name, content_type = check_upload(filename, data, max_bytes)
    key = get_storage().save(data)
    doc = Document(
        agenda_item=item,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        uploaded_by=person,
        uploaded_at=utcnow(),
    )
    db.session.add(doc)
    if mark_changed:
        changed_after_publish(item.meeting)
    return doc


def discard_stored(doc: Document) -> None:
    get_storage().delete(doc.storage_key)


class DocumentUnavailable(IOError):
    """The stored file is missing or no longer matches its SHA-256."""


def read_document(doc: Document) -> bytes:
    """The stored bytes, checked against the SHA-256 taken at upload."""
    try:
        data = get_storage().open(doc.storage_key)
    except FileNotFoundError as exc:
        raise DocumentUnavailable(f"document {doc.id}: stored file is missing") from exc
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise DocumentUnavailable(f"document {doc.id}: stored bytes do not match their SHA-256")
    return data


def remove_document(doc: Document) -> str:
    """Delete the row (caller commits) and return the storage key to delete after commit."""
    key = doc.storage_key
    meeting = doc.agenda_item.meeting
    db.session.delete(doc)
    changed_after_publish(meeting)
    return key


# --- need to know ---------------------------------------------------------------------


def is_casus_item(item: AgendaItem) -> bool:
    topic = item.topic
    return topic is not None and topic.confidentiality == "casus"


def casus_references(items) -> list[str]:
    """The references of the casus among these agenda items (None skipped): what a page that
    shows them in full names in its audit event (`audit.log_shown`)."""
    return [i.topic.reference for i in items if i is not None and is_casus_item(i)]


def is_restricted_item(item: AgendaItem) -> bool:
    """A casus or besloten item: its full views and downloads are audited."""
    return bool(item.besloten) or is_casus_item(item)


# --- the agenda as a reader may see it ------------------------------------------------

CONFIDENTIALITY_RANK = {name: rank for rank, name in enumerate(CONFIDENTIALITY)}


@dataclass(frozen=True)
class PreviousMinutes:
    """The minutes a "Verslag vorige vergadering" item is about: those approved at this
    meeting, else those of the body's previous meeting that was not cancelled."""

    meeting: Meeting
    status_label: str  # "nog niet gemaakt", "concept", "ter vaststelling", "vastgesteld"
    linked: bool  # the reader may open that meeting (its page says what they may read)

    @property
    def label(self) -> str:
        return f"Verslag van het {self.meeting.meeting_type.name} van {nl_date(self.meeting.starts_at)}"


@lru_cache(maxsize=64)
def _previous_minutes_stmt(visible):
    """`previous_minutes`' query for a reader's meeting visibility clause (``true()`` for
    staff; the policy keeps a person's clause, so its identity keys this cache), with the
    meeting's ``meeting_id``, ``type_id`` and ``starts_at`` bound: made once per clause, as a
    statement keeps its cache key (which cost more to make than the query to run)."""
    from ..models import Minutes

    meeting_id: BindParameter[int] = bindparam("meeting_id")
    starts_at: BindParameter[datetime] = bindparam("starts_at")
    approved_here = Minutes.approved_in_meeting_id == meeting_id
    # The candidates by index (the minutes approved here; the body's latest earlier meeting),
    # not a scan of every meeting: the meetings approved here, else that latest one.
    candidates = union_all(
        select(Minutes.meeting_id).where(approved_here),
        select(
            select(Meeting.id)
            .where(
                Meeting.meeting_type_id == bindparam("type_id"),
                Meeting.status == "gepland",
                Meeting.starts_at < starts_at,
                Meeting.id != meeting_id,
            )
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(1)
            .subquery()
        ),
    )
    return (
        select(Meeting, Minutes, visible)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.id.in_(candidates))
        .order_by(case((approved_here, 0), else_=1), Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )


def previous_minutes(meeting: Meeting, person) -> PreviousMinutes | None:
    """The minutes that this meeting's verslag item is about, and whether the reader may open
    their meeting (`policy.meeting_visibility_clause`): one query."""
    from ..models.minutes import MINUTES_STATUS_LABELS

    row = db.session.execute(
        _previous_minutes_stmt(policy.meeting_visibility_clause(person)),
        {
            "meeting_id": meeting.id,
            "type_id": meeting.meeting_type_id,
            "starts_at": meeting.starts_at,
        },
    ).first()
    if row is None:
        return None
    earlier, minutes, visible = row
    status = (
        MINUTES_STATUS_LABELS.get(minutes.status, minutes.status).lower()
        if minutes is not None
        else "nog niet gemaakt"
    )
    return PreviousMinutes(meeting=earlier, status_label=status, linked=bool(visible))


@dataclass
class AgendaRow:
    number: int
    item: AgendaItem
    starts_at: datetime
    full: bool  # the reader sees title and text (False: reference only)
    heading: str
    description: str | None
    presenter: str | None
    purpose_label: str
    reference: str | None
    casus: bool  # a casus (personal data) or besloten item: need-to-know applies
    documents: list[Document] = field(default_factory=list)  # the reader may download these
    withheld_documents: int = 0  # "niet beschikbaar"
    topic_linked: bool = False  # the topic's reference links to its page
    origin: str | None = None  # "Opgeschaald door ...": part of the item, only when full
    previous_minutes: PreviousMinutes | None = None  # on "Verslag vorige vergadering"
    measures: list = field(default_factory=list)  # "Voortgang plan van aanpak", when full
    # The actielijst item's carried actions as `actions.actielijst_rows` gives them, when the
    # view was made ``with_actions`` (else the template asks `agenda_actions_for`):
    actions: tuple[list, list] | None = None
    # Filled by agenda_page_view (the agenda page only):
    escalation_in: Escalation | None = None
    escalations_out: tuple[Escalation, ...] = ()  # with their questions, for who may read them
    feedback_for: Escalation | None = None
    guests: tuple[str, ...] = ()  # for the secretary: invited guests, by name
    besloten_people: tuple[str, ...] = ()  # for the secretary: besloten for, by name


@dataclass
class AgendaView:
    meeting: Meeting
    rows: list[AgendaRow]
    participants: list[Participant]
    marking: str  # confidentiality class for header/footer
    marking_label: str
    has_casus: bool  # at least one casus or besloten item
    agenda_open: bool = True  # the reader sees the items (else: "in voorbereiding")
    can_edit: bool = False  # the secretary's controls (planning, publication, proposals)
    today: date | None = None  # the day measures are overdue against
    # Filled by agenda_page_view (the agenda page only):
    can_propose: bool = False  # may send in a proposal (a participant, on a live meeting)
    proposals: list[AgendaItem] = field(default_factory=list)  # pending, as the reader may see
    declined: list[AgendaItem] = field(default_factory=list)
    ends_at: datetime | None = None  # the end the agenda's durations add up to

    @property
    def casus_shown(self) -> list[str]:
        """References of the casus this reader sees in full here (for the audit log): its
        items', and those of the carried actions whose text the actielijst shows them (a view
        made ``with_actions``)."""
        refs = [
            r.item.topic.reference
            for r in self.rows
            if r.full and r.item.topic is not None and r.item.topic.is_casus
        ]
        for r in self.rows:
            for group in r.actions or ():
                refs += [
                    a.topic_reference
                    for a, visible, _ in group
                    if visible and a.topic_is_casus and a.topic_reference
                ]
        return refs


@lru_cache(maxsize=1)
def agenda_load_options() -> tuple:
    """Loader options of the meeting's own query for the agenda (use with
    get_visible_meeting_or_404, with ``agenda_collections()``)."""
    return (joinedload(Meeting.meeting_type),)


@lru_cache(maxsize=1)
def agenda_collections() -> tuple[Collection, ...]:
    """The meeting's collections with everything the agenda needs, in a fixed number of
    queries whatever the number of items (use with get_visible_meeting_or_404)."""
    # The many-to-one objects ride along in their collection's query (LEFT OUTER JOINs):
    # three queries (participants, items, documents) besides the meeting's.
    return (
        participants_collection(),
        collection(
            Meeting.agenda_items,
            joinedload(AgendaItem.topic),
            # the proposer's name only: not their organisation (Person's default join)
            joinedload(AgendaItem.proposed_by).lazyload(Person.organisation),
            nested=(collection(AgendaItem.documents),),
        ),
    )


def _item_text(item: AgendaItem) -> str | None:
    """The item's text as the agenda page shows it: its own, else its topic's description."""
    if item.description:
        return item.description
    if item.topic is not None and not item.is_feedback:
        return item.topic.description
    return None


_PART_ORDER = {"chair": 0, "member": 1, "advisor": 2, "secretary": 3, "guest": 4}


def agenda_view(
    meeting: Meeting, person: Person, *, with_actions: bool = False, documents_only: bool = False
) -> AgendaView:
    """The agenda of a meeting as this reader may see it: numbered items on the agenda with
    their start times, headings (reference only for a casus they are not entitled to),
    presenters and the documents they may download. ``with_actions``: the actielijst item's
    carried actions too (`AgendaRow.actions`), their items' levels asked with the agenda's.
    ``documents_only``: without the topics' measures and the previous minutes of a verslag
    item (the stukken page shows the items and their documents only: two queries less)."""
    items = [i for i in meeting.agenda_items if i.on_agenda]
    times = start_times(meeting, items)
    agenda_open = policy.agenda_visible_to(person, meeting)
    shown_actions: tuple[list[actions.CarriedAction], list[actions.CarriedAction]] = ([], [])
    if with_actions and agenda_open and any(i.standard_kind == "actielijst" for i in items):
        shown_actions = actions.actielijst(meeting, actions.carried_actions(meeting))
    carried = shown_actions[0] + shown_actions[1]
    levels = policy.item_levels_by_id(
        person, [i.id for i in items] + [a.agenda_item_id for a in carried]
    )
    if not agenda_open:
        items = []  # what the policy does not release is not shown
    rows = []
    has_casus = False
    for number, item in enumerate(items, start=1):
        casus = is_casus_item(item)
        has_casus = has_casus or is_restricted_item(item)
        level = levels.get(item.id, policy.NONE)
        if level == policy.NONE:
            continue
        full = level == policy.FULL
        topic = item.topic
        reference = topic.reference if topic is not None else None
        heading = item.title if full else (reference or policy.BESLOTEN_HEADING)
        docs = list(item.documents)
        rows.append(
            AgendaRow(
                number=number,
                item=item,
                starts_at=times[item.id],
                full=full,
                heading=heading,
                description=_item_text(item) if full else None,
                presenter=item.presenter if full else None,
                purpose_label=item.purpose_label,
                reference=reference,
                casus=casus or bool(item.besloten),
                documents=docs if full else [],
                withheld_documents=0 if full else len(docs),
                topic_linked=topic is not None and (full or not item.besloten),
                origin=item.origin_label if full else None,
            )
        )
    # The plan van aanpak of each topic item, for who reads the item in full: the measures of
    # all items in one go (a fixed number of queries, whatever the number of items).
    plan_rows = [
        r
        for r in rows
        if not documents_only and r.item.topic_id and policy.agenda_measures_visible(r.full)
    ]
    measures = measures_for_topics({r.item.topic_id for r in plan_rows})
    for r in plan_rows:
        r.measures = measures.get(r.item.topic_id or 0, [])
    actielijst = [r for r in rows if r.full and r.item.standard_kind == "actielijst"]
    if with_actions and actielijst:
        visible = policy.carried_action_ids(person, meeting, carried, levels=levels)
        for r in actielijst:
            r.actions = actions.actielijst_rows(meeting, *shown_actions, visible)
    verslag = [
        r for r in rows if not documents_only and r.full and r.item.standard_kind == "verslag"
    ]
    if verslag:
        earlier = previous_minutes(meeting, person)
        for r in verslag:
            r.previous_minutes = earlier
    participants = sorted(
        meeting.participants, key=lambda p: (_PART_ORDER.get(p.part, 9), p.person.name.lower())
    )
    marking = meeting_marking(meeting, items)
    return AgendaView(
        meeting=meeting,
        rows=rows,
        participants=participants,
        marking=marking,
        marking_label=CONFIDENTIALITY_LABELS[marking],
        has_casus=has_casus,
        agenda_open=agenda_open,
        can_edit=policy.is_staff(person),
        today=today_local(),
    )


@lru_cache(maxsize=1)
def _item_escalations_stmt():
    """The escalations in, out of and fed back to the items among ``item_ids``: made once (a
    statement keeps its cache key)."""
    return (
        select(Escalation)
        .where(
            or_(
                in_list(Escalation.target_item_id, "item_ids"),
                in_list(Escalation.origin_item_id, "item_ids"),
                in_list(Escalation.feedback_item_id, "item_ids"),
            )
        )
        .options(joinedload(Escalation.from_type), joinedload(Escalation.to_type))
    )


def agenda_page_view(meeting: Meeting, person: Person) -> AgendaView:
    """``agenda_view`` with what the agenda page shows besides: escalations in and out of each
    item (a question only with the item it came from, `policy.escalation_question_visible`),
    guests and besloten people for the secretary, the proposals this reader sees
    (`policy.visible_proposals`) and the computed end. A fixed number of queries (load the
    meeting with ``agenda_load_options()`` and ``agenda_collections()``)."""
    view = agenda_view(meeting, person, with_actions=True)
    ids = [r.item.id for r in view.rows]
    escalations = (
        list(db.session.scalars(_item_escalations_stmt(), {"item_ids": ids})) if ids else []
    )
    shown = set(ids)
    entitled = {r.item.id for r in view.rows if r.full}
    access = item_access_map(meeting) if view.can_edit and ids else {}
    names = {p.person_id: p.person.name for p in meeting.participants}
    for row in view.rows:
        item_id = row.item.id
        acc = access.get(item_id, {})
        row.escalation_in = next((e for e in escalations if e.target_item_id == item_id), None)
        row.feedback_for = next((e for e in escalations if e.feedback_item_id == item_id), None)
        row.escalations_out = tuple(
            e
            for e in escalations
            if e.origin_item_id == item_id
            and policy.escalation_question_visible(person, item_id, shown, entitled)
        )
        row.guests = tuple(sorted(names.get(pid, "?") for pid in acc.get("gast", [])))
        row.besloten_people = tuple(sorted(names.get(pid, "?") for pid in acc.get("besloten", [])))
    ordered = sorted(
        meeting.agenda_items,
        key=lambda i: (10**6 if i.position is None else i.position, i.id or 10**9),
    )
    view.proposals, view.declined = policy.visible_proposals(person, ordered)
    participant = any(p.person_id == getattr(person, "id", None) for p in meeting.participants)
    view.can_propose = (participant or view.can_edit) and not meeting.is_cancelled
    view.ends_at = meeting.starts_at
    if view.rows:
        last = view.rows[-1]
        view.ends_at = last.starts_at + timedelta(minutes=last.item.duration_minutes or 0)
    return view


# --- the vergaderstukken PDF ----------------------------------------------------------


@dataclass
class BundleEntry:
    number: int  # the agenda item's number
    heading: str  # as the reader may see it
    document: Document | None  # None for withheld documents
    casus: bool
    included: bool  # joined into the bundle
    note: str  # Dutch: why (not) included
    pages: int = 0
    data: bytes | None = None
    first_page: int = 0  # where it starts in the bundle (1-based), once numbered


def bundle_plan(view: AgendaView) -> list[BundleEntry]:
    """Every document of the agenda in agenda order, as this reader may have it: PDFs are
    read (and checked) to be joined; other types are listed; documents of items the reader
    is not entitled to are listed as not available, without their names."""
    from pypdf import PdfReader

    entries: list[BundleEntry] = []
    for row in view.rows:
        for doc in row.documents:
            entry = BundleEntry(
                number=row.number,
                heading=row.heading,
                document=doc,
                casus=row.casus,
                included=False,
                note="",
            )
            if doc.is_pdf:
                try:
                    data = read_document(doc)
                    entry.pages = len(PdfReader(io.BytesIO(data)).pages)
                    entry.data, entry.included = data, True
                    entry.note = "bijgevoegd" + (
                        f", {entry.pages} pagina's" if entry.pages != 1 else ", 1 pagina"
                    )
                except Exception:
                    log.exception("document %s not readable for bundle", doc.id)
                    entry.note = "kon niet worden bijgevoegd (bestand onleesbaar)"
            else:
                entry.note = f"niet bijgevoegd ({doc.type_label}): apart te downloaden"
            entries.append(entry)
        if row.withheld_documents:
            n = row.withheld_documents
            entries.append(
                BundleEntry(
                    number=row.number,
                    heading=row.heading,
                    document=None,
                    casus=row.casus,
                    included=False,
                    note=f"{n} {'stuk' if n == 1 else 'stukken'} niet beschikbaar",
                )
            )
    return entries


def number_bundle(entries: list[BundleEntry], cover_pages: int) -> int:
    """Number the included documents after ``cover_pages`` pages of agenda; the total."""
    page = cover_pages
    for entry in entries:
        if entry.included:
            entry.first_page = page + 1
            page += entry.pages
    return page


def bundle_bookmarks(entries: list[BundleEntry]) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """The bundle's bookmarks after the agenda's own: per agenda item with joined documents
    its number and heading (as the reader may see it), with a bookmark per document, each at
    its first page (0-based). Only joined documents: the bundle names no withheld one."""
    items: dict[int, tuple[str, int, list[tuple[str, int]]]] = {}
    for entry in entries:
        if not entry.included or entry.document is None:
            continue
        label = f"{entry.number}. {entry.heading}"
        item = items.setdefault(entry.number, (label, entry.first_page - 1, []))
        item[2].append((entry.document.filename, entry.first_page - 1))
    return list(items.values())


def build_bundle(render_cover: Callable[[int], bytes], entries: list[BundleEntry]) -> bytes:
    """The vergaderstukken PDF: the agenda as its cover (``render_cover(total_pages)``, which
    shows where each document starts and numbers its pages "pagina x van <total>"), followed
    by every included PDF as it is, in agenda order, with bookmarks per agenda item. The cover
    is rendered again until its page count, and so the numbering, holds (twice as a rule)."""
    from ..pdf import join_pdfs, page_count

    cover_pages = 1
    for _attempt in range(3):
        cover = render_cover(number_bundle(entries, cover_pages))
        pages = page_count(cover)
        if pages == cover_pages:
            break
        cover_pages = pages
    else:  # the page count keeps changing (never seen): number what the last cover has
        number_bundle(entries, cover_pages)
    parts = [e.data for e in entries if e.included and e.data]
    return join_pdfs(cover, parts, bundle_bookmarks(entries))
