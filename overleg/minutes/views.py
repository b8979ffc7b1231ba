"""Minutes pages: taking minutes, approval and versions, the PDF, the registers of decisions
and actions, "Mijn actiepunten" and the retention list."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from sqlalchemy import literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..access import access, current_person, get_visible_meeting_or_404
from ..audit import joined_refs, log_shown, record
from ..domain import aanpak as daanpak
from ..domain import actions as da
from ..domain import decisions as dd
from ..domain import keyset, policy
from ..domain import minutes as dmin
from ..domain import retention as dret
from ..domain.documents import casus_references
from ..domain.loading import Collection, collection, load_collections
from ..domain.meetings import bodies_seen_by
from ..extensions import db
from ..forms import choices, parse_id
from ..models import (
    ActionItem,
    AgendaItem,
    Decision,
    Measure,
    Meeting,
    MeetingType,
    Minutes,
    MinutesVersion,
    Organisation,
    Participant,
    Person,
    Theme,
    ThemeGroup,
    VacantSeat,
)
from ..models.minutes import MINUTES_STATUS_LABELS
from ..models.sql import columns
from ..timeutil import nl_date, nl_time, today_local, utcnow
from . import bp
from .export import filename, minutes_pdf
from .forms import (
    ActionFilterForm,
    ActionForm,
    CloseActionForm,
    CorrectionForm,
    DecisionFilterForm,
    DecisionForm,
    NotesForm,
    PlainForm,
)

# The many-to-one objects ride along in their collection's query (LEFT OUTER JOINs): three
# queries for the meeting, its participants and its items (each collection's statement made
# once, `overleg.domain.loading`).
MEETING_OPTIONS = (joinedload(Meeting.meeting_type),)


@lru_cache(maxsize=1)
def _meeting_collections() -> tuple[Collection, ...]:
    return (
        collection(
            Meeting.participants,
            joinedload(Participant.person).joinedload(Person.organisation),
            joinedload(Participant.role),
        ),
        collection(Meeting.agenda_items, joinedload(AgendaItem.topic)),
    )


@lru_cache(maxsize=1)
def _vacant_seats() -> Collection:
    """The meeting's vacant seats with their roles, which the minutes editor names."""
    return collection(Meeting.vacant_seats, joinedload(VacantSeat.role))


# --- helpers -------------------------------------------------------------------------------


@bp.before_request
def _nav_current():
    """The minutes pages sit under "Verslagen" in the menu (a listed endpoint such as
    "Mijn actiepunten" or "Bewaartermijnen" is current by itself); the pages reached from
    "Bewaartermijnen" (bevriezen, vernietigen) sit under it."""
    g.nav_current = "minutes.retention" if request.path.startswith("/beheer/") else "minutes.index"


@bp.context_processor
def _links():
    from flask import current_app

    def meeting_link(meeting: Meeting) -> str | None:
        if "meetings.view" in current_app.view_functions:
            return url_for("meetings.view", meeting_id=meeting.id)
        return None

    return {"meeting_link": meeting_link}


def _meeting(meeting_id: int) -> Meeting:
    return get_visible_meeting_or_404(
        meeting_id, current_person(), options=MEETING_OPTIONS, collections=_meeting_collections()
    )


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((i for i in meeting.agenda_items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def _page_url(meeting: Meeting, anchor: str | None = None) -> str:
    url = url_for("minutes.page", meeting_id=meeting.id)
    return url + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=1)
def _owner_statement():
    """`_owner_choices`' secretariat (kind 0) and organisations (kind 1), each by name, in
    one query made once (a statement keeps its cache key)."""
    both = union_all(
        select(literal(0).label("kind"), Person.id, Person.name).where(
            Person.active.is_(True), Person.app_role.in_(("secretaris", "beheerder"))
        ),
        select(literal(1).label("kind"), Organisation.id, Organisation.name),
    ).subquery()
    return select(both.c.kind, both.c.id, both.c.name).order_by(both.c.kind, both.c.name)


def _owner_choices(meeting: Meeting) -> dict[int, list[tuple[str, Any]]]:
    """Per agenda item, grouped choices for an action's owner: the participants entitled to
    that item (read policy), the secretaries and beheerders, organisations. Whoever is not
    entitled to the item is not offered."""
    entitled = policy.entitled_people(meeting.agenda_items)
    participants = sorted((p.person for p in meeting.participants), key=lambda p: p.name)
    here = {p.id for p in participants}
    # ids and names only: whole objects cost more to load than the page to render
    rows = db.session.execute(_owner_statement()).all()
    orgs = [(f"o-{oid}", name) for kind, oid, name in rows if kind == 1]
    secretariat = [(f"p-{pid}", name) for kind, pid, name in rows if kind == 0 and pid not in here]
    # One list per distinct group, shared by the items that offer it: `_option_groups`
    # renders a shared group once for the whole page.
    by_people: dict[tuple[int, ...], list[tuple[str, str]]] = {}

    def entitled_participants(item: AgendaItem) -> list[tuple[str, str]]:
        people = tuple(p.id for p in participants if p.id in entitled[item.id])
        if people not in by_people:
            by_people[people] = [(f"p-{p.id}", p.name) for p in participants if p.id in people]
        return by_people[people]

    return {
        item.id: [
            ("Deelnemers", entitled_participants(item)),
            ("Secretariaat", secretariat),
            ("Organisaties", orgs),
        ]
        for item in meeting.agenda_items
    }


def _option_groups():
    """A renderer of an owner select's ``<optgroup>``s for one page: a group the page shows
    under many items (the secretaries, the organisations) is rendered once and repeated,
    unless the chosen value is in it."""
    done: dict[tuple[str, int], Markup] = {}

    def render(groups, chosen: str | None = None) -> Markup:
        out = []
        for label, options in groups:
            key = (label, id(options))
            here = chosen is not None and any(value == chosen for value, _ in options)
            html = None if here else done.get(key)
            if html is None:
                # escape() and f-strings: the same HTML as Markup.format, at a fraction
                html = Markup(
                    f'<optgroup label="{escape(label)}">'
                    + "".join(
                        f'<option value="{escape(value)}"'
                        f"{' selected' if value == chosen else ''}>{escape(text)}</option>"
                        for value, text in options
                    )
                    + "</optgroup>"
                )
                if not here:
                    done[key] = html
            out.append(html)
        return Markup("\n").join(out)

    return render


def _flat(choices) -> list[tuple[str, str]]:
    return [c for _, group in choices for c in group]


def _owner_value(action: ActionItem) -> str:
    """The owner of an action as the owner select names it (``p-<id>``, ``o-<id>``)."""
    if action.owner_person_id is not None:
        return f"p-{action.owner_person_id}"
    return f"o-{action.owner_organisation_id}"


def _action_owner_choices(
    meeting: Meeting, action: ActionItem, by_item: dict[int, list[tuple[str, Any]]]
) -> list[tuple[str, Any]]:
    """The owners offered when editing an action: those of its item (need to know), and its
    current owner, so that correcting only the text never fails on the owner."""
    groups = by_item.get(action.agenda_item_id or -1)
    if groups is None:  # an action whose item is gone: the meeting's participants
        groups = [
            (
                "Deelnemers",
                [(f"p-{p.person_id}", p.person.name) for p in _sorted_participants(meeting)],
            )
        ]
    current = _owner_value(action)
    if all(value != current for value, _ in _flat(groups)):
        groups = [("Huidige uitvoerder", [(current, action.owner_label)]), *groups]
    return groups


def _owner_of(value: str | None) -> tuple[Person | None, Organisation | None]:
    kind, _, raw = (value or "").partition("-")
    owner_id = parse_id(raw)
    person = db.session.get(Person, owner_id) if kind == "p" and owner_id else None
    org = db.session.get(Organisation, owner_id) if kind == "o" and owner_id else None
    return person, org


def _readable(minutes: Minutes | None) -> bool:
    return policy.minutes_readable(current_person(), minutes)


def _transient_minutes(meeting: Meeting) -> Minutes:
    """Unsaved minutes for a meeting whose minutes were not started yet (for display)."""
    m = Minutes(status="concept", version=0)
    m.meeting = meeting
    m.versions = []
    taker = next((p.person for p in meeting.participants if p.part == "secretary"), None)
    m.minute_taker_id = (
        current_person().id if policy.is_staff(current_person()) else (taker.id if taker else None)
    )
    return m


def _municipality() -> str:
    """The municipality's name the minutes carry (configuration, passed to the domain)."""
    return current_app.config.get("MUNICIPALITY", "")


def _current_snapshot(minutes: Minutes) -> dict:
    """Approved minutes as their last frozen version; others as they stand now."""
    if minutes.id and minutes.status == "vastgesteld":
        latest = dmin.latest_version(minutes)
        if latest is not None:
            return latest.snapshot
    return dmin.build_snapshot(minutes, municipality=_municipality())


def _render_edit(
    meeting: Meeting,
    minutes: Minutes | None,
    *,
    failed: dict | None = None,
    attendance_errors: dict | None = None,
    acting_chosen: int | None = None,
    status: int = 200,
    deferred_log: list | None = None,
):
    """The minutes editing page. The secretary reads every item in full here: one event
    names the casus among them (references only), written after rendering, or, with
    `deferred_log`, left to the caller (who still has a refused change to roll back)."""
    shown = minutes or _transient_minutes(meeting)
    load_collections((meeting,), (_vacant_seats(),))
    # the meeting's actions once, for the snapshot and for their edit forms
    actions = da.actions_made_at(meeting)
    approved_here, approvable = dmin.approval_lists(meeting)
    snap = dmin.build_snapshot(
        shown, municipality=_municipality(), made=actions, approved_here=approved_here
    )
    hashes = {i["id"]: dmin.text_hash(i["notes"]) for i in snap["items"]}
    owner_choices = _owner_choices(meeting)
    made = actions if minutes is not None else []
    # an action may belong to a measure of the item's topic's plan van aanpak (staff only
    # edit minutes, and they read every plan)
    by_topic = daanpak.measures_for_topics(i.topic_id for i in meeting.agenda_items)
    measure_choices = {
        i.id: [(m.id, m.title) for m in by_topic.get(i.topic_id, [])] if i.topic_id else []
        for i in meeting.agenda_items
    }
    html = render_template(
        "minutes/edit.html",
        meeting=meeting,
        minutes=minutes,
        s=snap,
        hashes=hashes,
        version=minutes.version if minutes is not None else 0,
        owner_choices=owner_choices,
        option_groups=_option_groups(),
        measure_choices=measure_choices,
        edit_owner_choices={a.id: _action_owner_choices(meeting, a, owner_choices) for a in made},
        owner_values={a.id: _owner_value(a) for a in made},
        approvable=approvable,
        failed=failed or {},
        attendance_errors=attendance_errors or {},
        participants=_sorted_participants(meeting),
        acting_chosen=acting_chosen if attendance_errors else _acting_participant_id(meeting),
        vacant_seats=meeting.vacant_seats,
        plain_form=PlainForm(formdata=None),
        destroy=dret.destruction_date(meeting),
        today=today_local(),
    )
    logged = (dmin.casus_shown(snap), minutes if minutes is not None else meeting)
    if deferred_log is None:
        log_shown(*logged)
    else:
        deferred_log.append(logged)
    return html, status


def _acting_participant_id(meeting: Meeting) -> int | None:
    return next(
        (p.id for p in meeting.participants if p.person_id == meeting.acting_chair_id), None
    )


def _sorted_participants(meeting: Meeting) -> list[Participant]:
    order = {"chair": 0, "member": 1, "advisor": 2, "secretary": 3, "guest": 4}
    return sorted(meeting.participants, key=lambda p: (order.get(p.part, 9), p.person.name))


def _render_read(
    meeting: Meeting,
    minutes: Minutes | None,
    *,
    version: MinutesVersion | None = None,
    status: int = 200,
):
    snap = None
    withheld = False
    versions = _versions_of(minutes)  # before the snapshot, which may take the latest
    if minutes is not None and _readable(minutes):
        raw = version.snapshot if version is not None else _current_snapshot(minutes)
        snap, withheld = dmin.redact_for(current_person(), raw)
        # one event naming the casus shown in full (references; case content never logged)
        log_shown(dmin.casus_shown(snap), minutes)
    return render_template(
        "minutes/read.html",
        meeting=meeting,
        minutes=minutes,
        s=snap,
        version=version,
        withheld=withheld,
        versions=versions,
        plain_form=PlainForm(formdata=None),
        destroy=dret.destruction_date(meeting),
    ), status


@lru_cache(maxsize=1)
def _versions() -> Collection:
    return collection(Minutes.versions)


def _versions_of(minutes: Minutes | None) -> list[MinutesVersion]:
    """The frozen versions of the minutes, by a statement made once (the lazy load built its
    statement and cache key on every request: 1-2 ms of the verslag page)."""
    if minutes is None or not minutes.id:
        return []
    load_collections((minutes,), (_versions(),))
    return minutes.versions


def _refuse(
    meeting: Meeting,
    minutes: Minutes | None,
    message: str,
    *,
    yours: str | None = None,
    item: AgendaItem | None = None,
    status: int = 409,
):
    if _wants_json():
        return jsonify({"ok": False, "message": message}), status
    html = render_template(
        "minutes/refused.html",
        meeting=meeting,
        minutes=minutes,
        message=message,
        yours=yours,
        item=item,
    )
    # a staff page showing the item in full: one event naming its casus
    log_shown(casus_references([item]), minutes if minutes is not None else meeting)
    return html, status


def _editable_minutes(meeting, yours=None, item=None):
    """(minutes, None) when the meeting's minutes may be edited (created when missing);
    (None, refusal page) otherwise, with the transaction rolled back and what was typed
    (``yours``) shown again so nothing is lost."""
    minutes = dmin.ensure_minutes(meeting, current_person())
    try:
        dmin.require_editable(minutes)
    except dmin.MinutesError as exc:
        db.session.rollback()
        return None, _refuse(meeting, dmin.get_minutes(meeting), str(exc), yours=yours, item=item)
    return minutes, None


# --- the minutes page ----------------------------------------------------------------------


@bp.route("/overleggen/<int:meeting_id>/verslag")
@access("login")
def page(meeting_id: int):
    meeting = _meeting(meeting_id)
    minutes = dmin.get_minutes(meeting)
    if policy.is_staff(current_person()) and (minutes is None or minutes.status == "concept"):
        not_begun = dmin.not_begun_message(meeting)
        if not_begun is not None:
            return render_template(
                "minutes/not_begun.html", meeting=meeting, minutes=minutes, message=not_begun
            )
        return _render_edit(meeting, minutes)
    return _render_read(meeting, minutes)


@bp.route("/overleggen/<int:meeting_id>/verslag/aanwezigheid", methods=["POST"])
@access("secretaris")
def attendance(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    minutes = dmin.ensure_minutes(meeting, current_person())
    values = {}
    for p in meeting.participants:
        value = request.form.get(f"aanwezigheid-{p.id}", "")
        if value:
            values[p.id] = value
    acting_raw = request.form.get("waarnemend-voorzitter", "")
    acting_id = parse_id(acting_raw)
    if acting_raw and acting_id is None:
        acting_id = -1  # not a participant: refused by the domain with a message
    try:
        dmin.record_attendance(minutes, values, acting_chair_id=acting_id)
        record("attendance_recorded", meeting)
        db.session.commit()
    except (dmin.MinutesFrozen, dmin.MinutesNotBegun) as exc:
        db.session.rollback()
        return _refuse(meeting, dmin.get_minutes(meeting), str(exc))
    except dmin.MinutesError as exc:
        db.session.rollback()
        meeting = _meeting(meeting_id)
        # Show what was chosen, not what is stored; never flushed (a refused value breaks
        # the CHECK constraint), and forgotten after rendering.
        deferred: list = []
        with db.session.no_autoflush:
            for p in meeting.participants:
                p.attendance = values.get(p.id)
            resp = _render_edit(
                meeting,
                dmin.get_minutes(meeting),
                attendance_errors=exc.errors,
                acting_chosen=acting_id,
                status=400,
                deferred_log=deferred,
            )
        db.session.rollback()  # the refused choices, never stored; then the view's event
        for refs, obj in deferred:
            log_shown(refs, obj)
        return resp
    flash("De aanwezigheid is vastgelegd.", "success")
    return redirect(_page_url(meeting, "aanwezigheid"))


# How often a notes save refused by the minutes' version column (another item saved at the
# same moment) is tried again before the conflict screen is shown.
ATTEMPTS = 5


@bp.route("/overleggen/<int:meeting_id>/verslag/punten/<int:item_id>/notities", methods=["POST"])
@access("secretaris")
def save_notes(meeting_id: int, item_id: int):
    meeting = _meeting(meeting_id)
    item = _item_of(meeting, item_id)
    form = NotesForm()
    yours = form.notes.data or ""
    if not form.validate_on_submit():
        message = "; ".join(e for errs in form.errors.values() for e in errs)
        if _wants_json():
            return jsonify({"ok": False, "message": message}), 400
        return _render_edit(
            meeting,
            dmin.get_minutes(meeting),
            status=400,
            failed={"kind": "notes", "item_id": item.id, "form": form},
        )
    # Another save of these minutes (another item, another worker) may commit between this
    # request's read and its write: the version column refuses the UPDATE (StaleDataError).
    # Then save again on what that save left; the domain refuses only when this item's own
    # text changed (MinutesConflict), as for a stale form (bench/load.py found the race).
    for attempt in range(ATTEMPTS):
        existed = dmin.get_minutes(meeting) is not None
        minutes = dmin.ensure_minutes(meeting, current_person())
        base_version = form.version.data
        if not existed and not base_version:
            base_version = minutes.version  # the page showed minutes not yet started
        try:
            changed = dmin.save_notes(
                minutes,
                item,
                yours,
                base_version=base_version,
                base_hash=form.base.data,
                by=current_person(),
            )
            db.session.commit()
            break
        except dmin.MinutesConflict:
            db.session.rollback()
            return _conflict(meeting, item, yours)
        except StaleDataError:
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                return _conflict(meeting, item, yours)
            meeting = _meeting(meeting_id)
            item = _item_of(meeting, item_id)
        except dmin.MinutesError as exc:
            db.session.rollback()
            return _refuse(meeting, dmin.get_minutes(meeting), str(exc), yours=yours, item=item)
    if _wants_json():
        return jsonify(
            {
                "ok": True,
                "changed": changed,
                "version": minutes.version,
                "base": dmin.text_hash(item.notes),
                "saved_at": nl_time(utcnow()),
            }
        )
    flash(
        f"De aantekeningen bij ‘{item.title}’ zijn opgeslagen."
        if changed
        else "Er was niets gewijzigd.",
        "success",
    )
    return redirect(_page_url(meeting, f"punt-{item.id}"))


def _conflict(meeting: Meeting, item: AgendaItem, yours: str):
    """409: show both texts side by side; the reader's own text stays in an editable field."""
    db.session.expire_all()
    meeting = _meeting(meeting.id)
    item = _item_of(meeting, item.id)
    minutes = dmin.get_minutes(meeting)
    theirs = dmin.normalise(item.notes)
    message = (
        "Iemand anders heeft de aantekeningen bij dit agendapunt gewijzigd nadat u de "
        "pagina opende. Uw tekst is niet opgeslagen, maar ook niet weggegooid: "
        "vergelijk beide teksten en sla de juiste versie op."
    )
    if _wants_json():
        return jsonify(
            {
                "ok": False,
                "conflict": True,
                "message": message,
                "theirs": theirs,
                "version": minutes.version if minutes is not None else 0,
            }
        ), 409
    editor = minutes.last_edited_by if minutes is not None else None
    html = render_template(
        "minutes/conflict.html",
        meeting=meeting,
        item=item,
        minutes=minutes,
        yours=dmin.normalise(yours),
        theirs=theirs,
        editor=editor,
        version=minutes.version if minutes is not None else 0,
        base=dmin.text_hash(theirs),
        message=message,
    )
    # a staff page showing the item in full: one event naming its casus
    log_shown(casus_references([item]), minutes if minutes is not None else meeting)
    return html, 409


@bp.route("/overleggen/<int:meeting_id>/verslag/punten/<int:item_id>/besluiten", methods=["POST"])
@access("secretaris")
def add_decision(meeting_id: int, item_id: int):
    meeting = _meeting(meeting_id)
    item = _item_of(meeting, item_id)
    form = DecisionForm()
    minutes, refused = _editable_minutes(meeting, form.text.data, item)
    if refused:
        return refused
    if form.validate_on_submit():
        try:
            decision = dd.add_decision(meeting, item, form.text.data, by=current_person())
            dmin.touch(minutes, current_person())
            db.session.commit()
        except dd.DecisionError as exc:
            db.session.rollback()
            form.text.errors = list(exc.errors.values())
        else:
            flash(f"Besluit {decision.code} is vastgelegd.", "success")
            return redirect(_page_url(meeting, f"punt-{item.id}"))
    db.session.rollback()
    meeting = _meeting(meeting_id)
    return _render_edit(
        meeting,
        dmin.get_minutes(meeting),
        status=400,
        failed={"kind": "decision", "item_id": item_id, "form": form},
    )


@bp.route(
    "/overleggen/<int:meeting_id>/verslag/besluiten/<int:decision_id>/verwijderen", methods=["POST"]
)
@access("secretaris")
def delete_decision(meeting_id: int, decision_id: int):
    meeting = _meeting(meeting_id)
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting.id:
        abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    minutes, refused = _editable_minutes(meeting)
    if refused:
        return refused
    code, item_id = decision.code, decision.agenda_item_id
    dd.delete_decision(decision)
    dmin.touch(minutes, current_person())
    db.session.commit()
    flash(f"Besluit {code} is verwijderd. Het nummer wordt niet opnieuw gebruikt.", "success")
    return redirect(_page_url(meeting, f"punt-{item_id}" if item_id else None))


@bp.route(
    "/overleggen/<int:meeting_id>/verslag/besluiten/<int:decision_id>/wijzigen", methods=["POST"]
)
@access("secretaris")
def edit_decision(meeting_id: int, decision_id: int):
    """Correct a decision of concept minutes: its number stays, the change is logged."""
    meeting = _meeting(meeting_id)
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting.id:
        abort(404)
    form = DecisionForm()
    item = _item_of(meeting, decision.agenda_item_id) if decision.agenda_item_id else None
    minutes, refused = _editable_minutes(meeting, form.text.data, item)
    if refused:
        return refused
    if form.validate_on_submit():
        try:
            changed = dmin.edit_decision(decision, form.text.data, current_person())
            db.session.commit()
        except dmin.MinutesError as exc:
            db.session.rollback()
            form.text.errors = list(exc.errors.values())
        except StaleDataError:
            db.session.rollback()
            form.text.errors = [
                "Iemand anders heeft het verslag intussen gewijzigd. Uw tekst staat hieronder; "
                "sla opnieuw op."
            ]
        else:
            flash(
                f"Besluit {decision.code} is gewijzigd; het nummer blijft hetzelfde."
                if changed
                else "Er was niets gewijzigd.",
                "success",
            )
            return redirect(_page_url(meeting, f"besluit-{decision.id}"))
    db.session.rollback()
    meeting = _meeting(meeting_id)
    return _render_edit(
        meeting,
        dmin.get_minutes(meeting),
        status=400,
        failed={
            "kind": "decision_edit",
            "item_id": decision.agenda_item_id,
            "decision_id": decision_id,
            "form": form,
        },
    )


@bp.route("/overleggen/<int:meeting_id>/verslag/punten/<int:item_id>/actiepunten", methods=["POST"])
@access("secretaris")
def add_action(meeting_id: int, item_id: int):
    meeting = _meeting(meeting_id)
    item = _item_of(meeting, item_id)
    form = ActionForm()
    form.owner.choices = choices(_flat(_owner_choices(meeting).get(item.id, [])))
    minutes, refused = _editable_minutes(meeting, form.what.data, item)
    if refused:
        return refused
    if form.validate_on_submit():
        person, org = _owner_of(form.owner.data)
        measure_id = parse_id(form.measure.data)
        measure = db.session.get(Measure, measure_id) if measure_id else None
        try:
            if form.measure.data and measure is None:
                raise da.ActionError(
                    {"measure": "Kies een maatregel uit het plan van aanpak van dit onderwerp."}
                )
            da.add_action(
                meeting,
                item,
                form.what.data,
                owner_person=person,
                owner_organisation=org,
                due_date=form.due_date.data,
                by=current_person(),
                measure=measure,
            )
            dmin.touch(minutes, current_person())
            db.session.commit()
        except da.ActionError as exc:
            db.session.rollback()
            for key, msg in exc.errors.items():
                fields = ("what", "owner", "due_date", "measure")
                getattr(form, key if key in fields else "what").errors = [msg]
        else:
            flash("Het actiepunt is toegevoegd.", "success")
            return redirect(_page_url(meeting, f"punt-{item.id}"))
    db.session.rollback()
    meeting = _meeting(meeting_id)
    return _render_edit(
        meeting,
        dmin.get_minutes(meeting),
        status=400,
        failed={"kind": "action", "item_id": item_id, "form": form},
    )


def _action_here(meeting: Meeting, action_id: int) -> ActionItem:
    action = db.session.get(ActionItem, action_id)
    if action is None or action.meeting_type_id != meeting.meeting_type_id:
        abort(404)
    return action


@bp.route(
    "/overleggen/<int:meeting_id>/verslag/actiepunten/<int:action_id>/wijzigen", methods=["POST"]
)
@access("secretaris")
def edit_action(meeting_id: int, action_id: int):
    """Correct an action made at this meeting while its minutes are a concept: what, who and
    by when (its status is closed or reopened at a meeting); the change is logged."""
    meeting = _meeting(meeting_id)
    action = _action_here(meeting, action_id)
    if action.meeting_id != meeting.id:
        abort(404)
    form = ActionForm()
    form.owner.choices = choices(
        _flat(_action_owner_choices(meeting, action, _owner_choices(meeting)))
    )
    item = _item_of(meeting, action.agenda_item_id) if action.agenda_item_id else None
    minutes, refused = _editable_minutes(meeting, form.what.data, item)
    if refused:
        return refused
    if form.validate_on_submit():
        person, org = _owner_of(form.owner.data)
        fields = da.ActionFields(
            form.what.data, owner_person=person, owner_organisation=org, due_date=form.due_date.data
        )
        try:
            changed = dmin.edit_action(action, fields, current_person())
            db.session.commit()
        except dmin.MinutesError as exc:
            db.session.rollback()
            for key, msg in exc.errors.items():
                getattr(form, key if key in ("what", "owner", "due_date") else "what").errors = [
                    msg
                ]
        except StaleDataError:
            db.session.rollback()
            form.what.errors = [
                "Iemand anders heeft het verslag intussen gewijzigd. Uw tekst staat hieronder; "
                "sla opnieuw op."
            ]
        else:
            flash(
                "Het actiepunt is gewijzigd." if changed else "Er was niets gewijzigd.", "success"
            )
            return redirect(_page_url(meeting, f"actie-{action.id}"))
    db.session.rollback()
    meeting = _meeting(meeting_id)
    return _render_edit(
        meeting,
        dmin.get_minutes(meeting),
        status=400,
        failed={
            "kind": "action_edit",
            "item_id": action.agenda_item_id,
            "action_id": action_id,
            "form": form,
        },
    )


@bp.route(
    "/overleggen/<int:meeting_id>/verslag/actiepunten/<int:action_id>/verwijderen", methods=["POST"]
)
@access("secretaris")
def delete_action(meeting_id: int, action_id: int):
    meeting = _meeting(meeting_id)
    action = _action_here(meeting, action_id)
    if action.meeting_id != meeting.id or not PlainForm().validate_on_submit():
        abort(400)
    minutes, refused = _editable_minutes(meeting)
    if refused:
        return refused
    item_id = action.agenda_item_id
    db.session.delete(action)
    dmin.touch(minutes, current_person())
    db.session.commit()
    flash("Het actiepunt is verwijderd.", "success")
    return redirect(_page_url(meeting, f"punt-{item_id}" if item_id else None))


@bp.route(
    "/overleggen/<int:meeting_id>/verslag/actiepunten/<int:action_id>/afronden", methods=["POST"]
)
@access("secretaris")
def close_action(meeting_id: int, action_id: int):
    meeting = _meeting(meeting_id)
    action = _action_here(meeting, action_id)
    form = CloseActionForm()
    if not form.validate_on_submit():
        flash("; ".join(e for errs in form.errors.values() for e in errs), "error")
        return redirect(_page_url(meeting, "actielijst")), 303
    minutes, refused = _editable_minutes(meeting)
    if refused:
        return refused
    try:
        da.close_action(action, meeting, form.note.data, by=current_person())
        dmin.touch(minutes, current_person())
        db.session.commit()
    except da.ActionError as exc:
        db.session.rollback()
        return _refuse(meeting, minutes, next(iter(exc.errors.values())), status=400)
    flash("Het actiepunt is afgerond in deze vergadering.", "success")
    return redirect(_page_url(meeting, "actielijst"))


@bp.route(
    "/overleggen/<int:meeting_id>/verslag/actiepunten/<int:action_id>/heropenen", methods=["POST"]
)
@access("secretaris")
def reopen_action(meeting_id: int, action_id: int):
    meeting = _meeting(meeting_id)
    action = _action_here(meeting, action_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    minutes, refused = _editable_minutes(meeting)
    if refused:
        return refused
    try:
        da.reopen_action(action, meeting)
        dmin.touch(minutes, current_person())
        db.session.commit()
    except da.ActionError as exc:
        db.session.rollback()
        return _refuse(meeting, minutes, next(iter(exc.errors.values())), status=400)
    flash("Het actiepunt staat weer open.", "success")
    return redirect(_page_url(meeting, "actielijst"))


# --- lifecycle -----------------------------------------------------------------------------


@bp.route("/overleggen/<int:meeting_id>/verslag/ter-vaststelling", methods=["POST"])
@access("secretaris")
def send(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    minutes = dmin.ensure_minutes(meeting, current_person())
    try:
        messages = dmin.send_for_approval(minutes, current_person())
        record("minutes_sent", minutes)
        db.session.commit()
    except dmin.MinutesError as exc:
        db.session.rollback()
        return _refuse(meeting, minutes, str(exc))
    told = (
        f"{len(messages)} deelnemer krijgt bericht"
        if len(messages) == 1
        else f"{len(messages)} deelnemers krijgen bericht"
    )
    flash(f"Het verslag ligt ter vaststelling; {told}.", "success")
    return redirect(_page_url(meeting))


@bp.route("/overleggen/<int:meeting_id>/verslag/concept", methods=["POST"])
@access("secretaris")
def back_to_concept(meeting_id: int):
    meeting = _meeting(meeting_id)
    minutes = dmin.get_minutes(meeting)
    if minutes is None or not PlainForm().validate_on_submit():
        abort(400)
    try:
        dmin.back_to_concept(minutes, current_person())
        db.session.commit()
    except dmin.MinutesError as exc:
        db.session.rollback()
        return _refuse(meeting, minutes, str(exc))
    flash("Het verslag is terug in concept en kan weer worden bewerkt.", "success")
    return redirect(_page_url(meeting))


@bp.route("/overleggen/<int:meeting_id>/verslag/vaststellen/<int:minutes_id>", methods=["POST"])
@access("secretaris")
def approve(meeting_id: int, minutes_id: int):
    """At this (later) meeting, approve the minutes of an earlier one."""
    meeting = _meeting(meeting_id)
    earlier = db.session.get(Minutes, minutes_id)
    if earlier is None or not PlainForm().validate_on_submit():
        abort(404)
    try:
        version = dmin.approve(earlier, meeting, current_person(), municipality=_municipality())
        record("minutes_approved", earlier)
        db.session.commit()
    except dmin.MinutesError as exc:
        db.session.rollback()
        return _refuse(meeting, dmin.get_minutes(meeting), str(exc))
    flash(
        f"Het verslag van {earlier.meeting.meeting_type.name} van "
        f"{nl_date(earlier.meeting.starts_at, 'long')} is vastgesteld "
        f"(versie {version.number}).",
        "success",
    )
    item = dmin.verslag_item(meeting)
    return redirect(_page_url(meeting, f"punt-{item.id}" if item else None))


@bp.route("/overleggen/<int:meeting_id>/verslag/correctie", methods=["GET", "POST"])
@access("secretaris")
def correction(meeting_id: int):
    meeting = _meeting(meeting_id)
    minutes = dmin.get_minutes(meeting)
    if minutes is None or minutes.status != "vastgesteld":
        return _refuse(
            meeting,
            minutes,
            "Alleen een vastgesteld verslag wordt met een correctie "
            "gewijzigd; een concept bewerkt u op de verslagpagina.",
            status=400 if request.method == "POST" else 409,
        )
    form = CorrectionForm()
    items = [i for i in meeting.agenda_items if getattr(i, "on_agenda", True)]
    values = {i.id: dmin.normalise(i.notes) for i in items}
    decisions, actions = dmin.correction_targets(minutes)
    by_item = _owner_choices(meeting)
    owner_groups = {a.id: _action_owner_choices(meeting, a, by_item) for a in actions}
    decision_values = {d.id: d.text for d in decisions}
    action_values = {
        a.id: {
            "what": a.what,
            "owner": _owner_value(a),
            "due": a.due_date.isoformat() if a.due_date else "",
        }
        for a in actions
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {i.id: request.form.get(f"notes-{i.id}", "") for i in items}
        decision_values = {d.id: request.form.get(f"decision-{d.id}", d.text) for d in decisions}
        action_values = {
            a.id: {
                "what": request.form.get(f"action-{a.id}-what", a.what),
                "owner": request.form.get(f"action-{a.id}-owner", _owner_value(a)),
                "due": request.form.get(f"action-{a.id}-due", ""),
            }
            for a in actions
        }
        fields, errors = _correction_actions(actions, action_values, owner_groups)
        if form.validate_on_submit() and not errors:
            try:
                version = dmin.correct(
                    minutes,
                    values,
                    form.reason.data,
                    current_person(),
                    decisions=decision_values,
                    actions=fields,
                    municipality=_municipality(),
                )
                record("minutes_corrected", minutes)
                db.session.commit()
            except dmin.MinutesError as exc:
                db.session.rollback()
                errors = exc.errors
            else:
                flash(f"De correctie is vastgelegd als versie {version.number}.", "success")
                return redirect(_page_url(meeting))
        if "reason" in errors:
            form.reason.errors = [errors.pop("reason")]
        status = 400
    else:
        status = 200
    html = render_template(
        "minutes/correction.html",
        meeting=meeting,
        minutes=minutes,
        form=form,
        items=items,
        values=values,
        decisions=decisions,
        decision_values=decision_values,
        actions=actions,
        action_values=action_values,
        owner_groups=owner_groups,
        errors=errors,
    )
    log_shown(casus_references(items), minutes)  # every item, in full
    return html, status


def _correction_actions(
    actions: list[ActionItem], typed: dict[int, dict[str, str]], owner_groups: dict
) -> tuple[dict[int, da.ActionFields], dict[str, str]]:
    """The actions as the correction form sets them, and what is wrong with the input (the
    owner must be one offered; the date a date). Dutch messages by ``action_<id>``."""
    from datetime import date

    from ..domain.input import date_in_range

    fields: dict[int, da.ActionFields] = {}
    errors: dict[str, str] = {}
    for a in actions:
        value = typed[a.id]
        offered = {v for v, _ in _flat(owner_groups[a.id])}
        if value["owner"] not in offered:
            errors[f"action_{a.id}"] = "Actiepunt: kies een persoon of organisatie uit de lijst."
            continue
        due = None
        raw = (value["due"] or "").strip()
        if raw:
            try:
                due = date.fromisoformat(raw)
            except ValueError:
                due = None
            if due is None or not date_in_range(due):
                errors[f"action_{a.id}"] = "Actiepunt: vul een geldige datum in (dd-mm-jjjj)."
                continue
        person, org = _owner_of(value["owner"])
        fields[a.id] = da.ActionFields(
            value["what"], owner_person=person, owner_organisation=org, due_date=due
        )
    return fields, errors


@bp.route("/overleggen/<int:meeting_id>/verslag/versies/<int:number>")
@access("login")
def version(meeting_id: int, number: int):
    meeting = _meeting(meeting_id)
    minutes = dmin.get_minutes(meeting)
    if minutes is None:
        abort(404)
    v = next((v for v in minutes.versions if v.number == number), None)
    if v is None:
        abort(404)
    return _render_read(meeting, minutes, version=v)


# --- PDF -----------------------------------------------------------------------------------


def _pdf_response(data: bytes, name: str, sha: str | None = None) -> Response:
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "private, no-store"
    if sha:
        resp.headers["ETag"] = f'"{sha}"'
        resp.headers["X-Content-SHA256"] = sha
    return resp


def _stored_version_pdf(
    v: MinutesVersion, snap: dict[str, Any]
) -> tuple[bytes, str | None, list[str]]:
    """The bytes of a frozen version (``snap``: its snapshot) in the variant this reader may
    see, their SHA-256 and the references of the casus they show in full: the stored full PDF
    for readers entitled to every item in it, the stored one with casus and besloten items by
    reference when that is exactly the reader's view (it shows no casus), else rendered for
    this reader (e.g. a guest invited for one item). SHA-256 for the stored variants only."""
    variant = dmin.stored_variant(current_person(), snap)
    if variant is not None:
        redacted = variant == dmin.STORED_REDACTED
        return *dmin.stored_pdf(v, redacted=redacted), [] if redacted else dmin.casus_shown(snap)
    mine, _ = dmin.redact_for(current_person(), snap)
    return minutes_pdf(mine), None, dmin.casus_shown(mine)


def _export_stored(minutes: Minutes, v: MinutesVersion) -> Response:
    """Serve a frozen version's PDF and record the export (the casus it shows in full)."""
    snap = dmin.frozen_snapshot(v)  # read only
    data, sha, shown = _stored_version_pdf(v, snap)
    name = filename(snap, v.number)  # before the commit expires the version
    record("minutes_exported", minutes, ref=joined_refs(shown))
    db.session.commit()
    return _pdf_response(data, name, sha)


@bp.route("/overleggen/<int:meeting_id>/verslag.pdf")
@access("login")
def pdf(meeting_id: int):
    approved = dmin.approved_for_download(meeting_id, current_person())
    if approved is not None:  # the stored PDF: no need for the meeting's participants, agenda
        return _export_stored(*approved)
    meeting = _meeting(meeting_id)
    minutes = dmin.get_minutes(meeting)
    if minutes is None or not _readable(minutes):
        abort(404)
    latest = dmin.latest_version(minutes)
    if minutes.status == "vastgesteld" and latest is not None:
        return _export_stored(minutes, latest)
    snap, _ = dmin.redact_for(
        current_person(), dmin.build_snapshot(minutes, municipality=_municipality())
    )
    data, name = minutes_pdf(snap), filename(snap)
    record("minutes_exported", minutes, ref=joined_refs(dmin.casus_shown(snap)))
    db.session.commit()
    return _pdf_response(data, name)


@bp.route("/overleggen/<int:meeting_id>/verslag/versies/<int:number>.pdf")
@access("login")
def version_pdf(meeting_id: int, number: int):
    meeting = _meeting(meeting_id)
    minutes = dmin.get_minutes(meeting)
    if minutes is None:
        abort(404)
    v = next((v for v in minutes.versions if v.number == number), None)
    if v is None:
        abort(404)
    return _export_stored(minutes, v)


# --- registers -----------------------------------------------------------------------------


def _body_or_404(code: str) -> MeetingType:
    mt = policy.body_sat_in(current_person(), code)
    if mt is None:
        abort(404)  # a body one does not sit in is not revealed
    return mt


@bp.route("/verslagen")
@access("login")
def index():
    """Minutes of the meetings the person may see: held ones and today's, newest first."""
    from datetime import timedelta

    from ..domain.policy import visible_meetings

    now = utcnow()
    body = request.args.get("overleg", "")
    stmt = (
        visible_meetings(current_person())
        .add_columns(Minutes.status, Minutes.id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(
            Meeting.starts_at < now + timedelta(days=1),
            Meeting.starts_at > now - timedelta(days=730),
            Meeting.status == "gepland",
        )
        .options(selectinload(Meeting.meeting_type))
        .order_by(Meeting.starts_at.desc())
        .limit(300)
    )
    bodies = bodies_seen_by(current_person())  # only bodies the person takes part in
    chosen = next((b for b in bodies if b.code == body), None)
    if chosen is not None:
        stmt = stmt.where(Meeting.meeting_type_id == chosen.id)
    rows = db.session.execute(stmt).all()
    return render_template(
        "minutes/index.html", rows=rows, bodies=bodies, chosen=chosen, labels=MINUTES_STATUS_LABELS
    )


@bp.route("/besluiten")
@access("login")
def registers():
    bodies = bodies_seen_by(current_person())  # only bodies the person takes part in
    return render_template("minutes/registers.html", bodies=bodies)


@lru_cache(maxsize=1)
def _themes_stmt():
    """Every theme with its plan's year, made once (a statement keeps its cache key)."""
    return (
        select(Theme.id, Theme.name, ThemeGroup.year)
        .join(ThemeGroup)
        .order_by(ThemeGroup.year.desc(), ThemeGroup.position, Theme.position)
    )


def _theme_choices() -> list:
    rows = columns(_themes_stmt()).all()
    # Each year's plan has its own priorities, often with the same names: the year tells
    # them apart in the list.
    return choices([("", "Alle thema's")] + [(id_, f"{name} ({year})") for id_, name, year in rows])


def _topic_choices(topics) -> list:
    """Topics found in the register the reader sees (id, reference, title); their title
    only for staff (the register shows a topic's reference to anyone who finds its rows),
    and a casus's never: a year's topics from every meeting are an overview
    (`policy.overview_topic_label`), and the filter is no view of the casus."""
    person = current_person()
    rows = {t.id: t for t in topics if t is not None}.values()
    ordered = sorted(
        (policy.TopicRow(t.id, t.reference, t.title, t.confidentiality == "casus") for t in rows),
        key=lambda t: t.reference,
    )
    if policy.is_staff(person):
        entitled = policy.entitled_topic_ids(person, [t.id for t in ordered])
        labels = [(t.id, policy.overview_topic_label(t, person, entitled)) for t in ordered]
    else:
        labels = [(t.id, t.reference) for t in ordered]
    return choices([("", "Alle onderwerpen"), *labels])


def _topics_year(form, years: list[int]) -> tuple[int | None, str | None]:
    """The year whose topics the "Onderwerp" filter offers: the year chosen, else the
    register's newest (a year's topics, not every topic of ten years), with a line saying so
    when the register has more years."""
    chosen = parse_id(form.jaar.data)
    if chosen in years:
        return chosen, None
    if not years:
        return None, None
    help_text = None
    if len(years) > 1:
        help_text = f"Onderwerpen van {years[0]}; kies een jaar voor die van een ander jaar."
    return years[0], help_text


REGISTER_PAGE_SIZE = 50


def _page_args() -> dict[str, str]:
    """The register's filter as typed, for its Volgende/Vorige links (without the cursor)."""
    return {k: v for k, v in request.args.items() if k != "vanaf" and v}


def _cursor(types):
    """The keyset cursor of the page asked for (None: the first), or the Dutch message."""
    try:
        return keyset.decode(request.args.get("vanaf"), types), None
    except keyset.CursorError as exc:
        return None, str(exc)


@bp.route("/besluiten/<code>")
@access("login")
def decision_register(code: str):
    person = current_person()
    mt = _body_or_404(code)
    form = DecisionFilterForm(request.args)
    # Filter choices come from the decisions the reader finds in this register (meetings
    # they may see), so the filters give nothing away about the others.
    years = dd.register_years(mt, person)
    form.jaar.choices = choices([("", "Alle jaren")] + [(y, y) for y in years])
    form.thema.choices = _theme_choices()
    topics_year, topics_help = _topics_year(form, years)
    form.onderwerp.choices = _topic_choices(
        dd.register_topics(mt, person, topics_year, also=parse_id(form.onderwerp.data))
    )
    cursor, cursor_error = _cursor(dd.CURSOR_TYPES)
    status = 200
    page = None
    if not form.validate() or cursor_error:
        status = 400
        rows = []
    else:
        year, theme_id = parse_id(form.jaar.data), parse_id(form.thema.data)
        topic_id, text = parse_id(form.onderwerp.data), (form.tekst.data or "").strip() or None
        page = dd.register_page(
            mt,
            person,
            cursor=cursor,
            size=REGISTER_PAGE_SIZE,
            year=year,
            theme_id=theme_id,
            topic_id=topic_id,
            text=text,
        )
        rows = page.rows
    html = render_template(
        "minutes/decisions.html",
        body=mt,
        form=form,
        topics_help=topics_help,
        rows=rows,
        page=page,
        page_args=_page_args(),
        cursor_error=cursor_error,
    )
    shown = [r.decision.topic_reference for r in rows if r.visible and r.decision.topic_is_casus]
    log_shown(shown, mt, object_type="decision_register")
    return html, status


@bp.route("/actiepunten/<code>")
@access("login")
def action_register(code: str):
    person = current_person()
    mt = _body_or_404(code)
    form = ActionFilterForm(request.args)
    today = today_local()
    # filter choices from the actions the reader finds in this register (see decisions)
    years = da.register_years(mt, person)
    form.jaar.choices = choices([("", "Alle jaren")] + [(y, y) for y in years])
    form.thema.choices = _theme_choices()
    topics_year, topics_help = _topics_year(form, years)
    form.onderwerp.choices = _topic_choices(
        da.register_topics(mt, person, topics_year, also=parse_id(form.onderwerp.data))
    )
    cursor, cursor_error = _cursor(da.CURSOR_TYPES)
    status = 200
    page = None
    visible: set[int] = set()
    if not form.validate() or cursor_error:
        status = 400
        actions: list[da.ActionRow] = []
    else:
        choice = form.status.data or ""
        status_filter = choice if choice in ("open", "afgerond") else None
        year, theme_id = parse_id(form.jaar.data), parse_id(form.thema.data)
        topic_id, text = parse_id(form.onderwerp.data), (form.tekst.data or "").strip() or None
        page, visible = da.register_view(
            mt,
            person,
            cursor=cursor,
            size=REGISTER_PAGE_SIZE,
            status=status_filter,
            only_overdue=choice == "verlopen",
            on=today,
            year=year,
            theme_id=theme_id,
            topic_id=topic_id,
            text=text,
        )
        actions = page.rows
    html = render_template(
        "minutes/actions.html",
        body=mt,
        form=form,
        topics_help=topics_help,
        actions=actions,
        visible=visible,
        today=today,
        page=page,
        page_args=_page_args(),
        cursor_error=cursor_error,
    )
    log_shown(_actions_casus(actions, visible), mt, object_type="action_register")
    return html, status


@bp.route("/mijn-actiepunten")
@access("login")
def my_actions():
    show_closed = request.args.get("afgerond") == "1"
    found = da.my_actions(current_person(), include_closed=show_closed)
    html = render_template(
        "minutes/mine.html",
        mine=found.mine,
        org=found.org,
        show_closed=show_closed,
        visible=found.visible,
        unseen_meetings=found.unseen_meetings,
        today=today_local(),
    )
    shown = _actions_casus(found.mine + found.org, found.visible)
    log_shown(shown, object_type="my_actions")
    return html


def _actions_casus(actions: list[da.ActionRow], visible: set[int]) -> list[str]:
    """References of the casus whose actions are shown in full."""
    return [
        a.topic_reference
        for a in actions
        if a.id in visible and a.topic_is_casus and a.topic_reference is not None
    ]


def _agenda_actions_visible(meeting: Meeting, actions: list[da.CarriedAction]) -> set[int]:
    return policy.carried_action_ids(current_person(), meeting, actions)


@bp.app_template_global("open_actions_for")
def open_actions_for(meeting: Meeting) -> list[tuple[da.CarriedAction, bool, bool]]:
    """For agenda pages and PDFs: the open actions of earlier meetings of the body that return
    under this meeting's actielijst item, each with whether the viewer may read its text (need
    to know) and whether it is overdue on the meeting's date. Use with
    ``{% include "minutes/_agenda_actions.html" %}``."""
    actions = [a for a in da.carried_actions(meeting) if da.open_at(a, meeting)]
    visible = _agenda_actions_visible(meeting, actions)
    day = da.meeting_day(meeting)
    return [(a, a.id in visible, a.is_overdue(day)) for a in actions]


@bp.app_template_global("agenda_actions_for")
def agenda_actions_for(meeting: Meeting) -> tuple[list, list]:
    """The actielijst of an agenda: (open rows as in `open_actions_for`, rows of actions
    closed between meetings since the previous meeting as (action, visible, closer name)).
    Use with ``{% include "minutes/_agenda_actions.html" %}``."""
    open_, closed = da.actielijst(meeting, da.carried_actions(meeting))
    visible = _agenda_actions_visible(meeting, open_ + closed)
    return da.actielijst_rows(meeting, open_, closed, visible)


@bp.route("/actiepunten/<int:action_id>/afronden", methods=["POST"])
@access("login")
def close_own_action(action_id: int):
    """ "Mijn actiepunten": the named owner (or a secretary) closes an action between
    meetings, with an optional short note."""
    action = db.session.get(ActionItem, action_id)
    if action is None or not da.may_close(current_person(), action):
        abort(404)  # not revealed to anyone else
    form = CloseActionForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash("; ".join(e for errs in form.errors.values() for e in errs), "error")
        return redirect(url_for("minutes.my_actions")), 303
    try:
        da.close_between_meetings(action, current_person(), form.note.data)
        db.session.commit()
    except da.ActionError as exc:
        db.session.rollback()
        flash(next(iter(exc.errors.values())), "error")
        return redirect(url_for("minutes.my_actions")), 303
    flash(
        "Het actiepunt is afgerond. De secretaris ziet het op de actielijst van de "
        "volgende vergadering.",
        "success",
    )
    return redirect(url_for("minutes.my_actions"))
