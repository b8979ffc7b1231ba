"""The agenda page of a meeting and everything the secretary does with its items: add, edit,
reorder (POST buttons, no JavaScript needed), proposals, publication, guests and besloten
items, escalation (opschalen / opdracht geven) and concluding an item."""

from __future__ import annotations

from functools import lru_cache

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import bindparam, literal, select, union_all
from wtforms import SelectChoice

from ..access import access, current_person, get_visible_meeting_or_404
from ..audit import log_shown, record_change
from ..domain import agenda as da
from ..domain import audit_changes as changes
from ..domain import documents as docs
from ..domain import escalation as de
from ..domain import policy
from ..domain.loading import load_collections
from ..extensions import db
from ..forms import choice, choices, parse_id
from ..models import AgendaItem, Meeting, MeetingType, Topic
from ..timeutil import nl_date, nl_time
from . import bp
from .forms import (
    AccessForm,
    ConcludeForm,
    DeclineForm,
    EditItemForm,
    EscalateForm,
    ItemForm,
    ProposeForm,
)


def _meeting(meeting_id: int) -> Meeting:
    return get_visible_meeting_or_404(
        meeting_id,
        current_person(),
        options=docs.agenda_load_options(),
        collections=docs.agenda_collections(),
    )


def _item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404)
    _meeting(item.meeting_id)  # 404 unless the person may see the meeting
    return item


def _participant(meeting: Meeting):
    person_id = current_person().id
    return next((p for p in meeting.participants if p.person_id == person_id), None)


# How many open topics the "add an item" picker offers, of the meeting's own body and of
# the others: a fixed number, whatever the number of years in the database (older ones reach
# an agenda from "Te agenderen").
TOPIC_CHOICES = 100
OTHER_TOPIC_CHOICES = 50


@lru_cache(maxsize=1)
def _topic_choice_statement():
    """`_topic_choices`' query, made once (``type_id`` bound; a statement keeps its cache
    key): the two walks, each with its own limit, as one statement (UNION ALL), the own
    body's first."""
    own = Topic.meeting_type_id == bindparam("type_id")
    parts = [
        select(
            literal(part).label("part"),
            Topic.id,
            Topic.reference,
            Topic.title,
            Topic.confidentiality,
        )
        .where(where, Topic.status != "afgerond")
        .order_by(Topic.id.desc())
        .limit(limit)
        .subquery()
        for part, (where, limit) in enumerate(((own, TOPIC_CHOICES), (~own, OTHER_TOPIC_CHOICES)))
    ]
    both = union_all(*(select(p) for p in parts)).subquery()
    return select(both.c.id, both.c.reference, both.c.title, both.c.confidentiality).order_by(
        both.c.part, both.c.id.desc()
    )


def _topic_choices(meeting: Meeting) -> list[SelectChoice]:
    """The open topics an item may be about: the meeting's own body's newest first, then the
    newest of the other bodies. Each an index walk that stops at its limit. A list of topics
    from every body names a casus as an overview does: by its reference only
    (`policy.overview_topic_label`)."""
    rows = db.session.execute(_topic_choice_statement(), {"type_id": meeting.meeting_type_id})
    topics = [policy.TopicRow(tid, ref, title, kind == "casus") for tid, ref, title, kind in rows]
    person = current_person()
    entitled = policy.entitled_topic_ids(person, {t.id for t in topics})
    labels = [(t.id, policy.overview_topic_label(t, person, entitled)) for t in topics]
    return choices([(0, "Geen: een vrij agendapunt"), *labels])


def _render(meeting: Meeting, *, item_form=None, propose_form=None, status: int = 200):
    # After a refused change the rollback expired what `_meeting` loaded: anew, in the
    # collections' few queries (loaded ones are left as they are).
    load_collections([meeting], docs.agenda_collections())
    # The agenda as this reader may see it (before publication a participant sees only the
    # header and their own proposals); the template branches on what the view says.
    view = docs.agenda_page_view(meeting, current_person())
    if view.can_edit and item_form is None:
        item_form = ItemForm(formdata=None)
    if item_form is not None:
        item_form.topic.choices = _topic_choices(meeting)
    if view.can_propose and propose_form is None and not view.can_edit:
        propose_form = ProposeForm(formdata=None)
    pending = (
        da.change_lines(da.agenda_changes(meeting), current_person())
        if view.can_edit and meeting.agenda_change_pending
        else []
    )
    html = render_template(
        "agenda/view.html",
        meeting=meeting,
        view=view,
        pending_changes=pending,
        item_form=item_form,
        propose_form=propose_form,
        has_pdf="documents.agenda_pdf" in current_app.view_functions,
        has_docs="documents.item_documents" in current_app.view_functions,
    )
    # After rendering: the template has read what the page loaded.
    log_shown(view.casus_shown, meeting)
    return html, status


@bp.route("/overleggen/<int:meeting_id>/agenda")
@access("login")
def view(meeting_id: int):
    return _render(_meeting(meeting_id))


def _back(meeting_id: int, anchor: str | None = None):
    return redirect(
        url_for("agenda.view", meeting_id=meeting_id, _anchor=anchor)
        if anchor
        else url_for("agenda.view", meeting_id=meeting_id)
    )


def _apply(form, errors: dict[str, str], flash_general: bool = False) -> None:
    for name, message in errors.items():
        f = getattr(form, name, None) if name != "_" else None
        if f is not None and hasattr(f, "errors"):
            f.errors = list(f.errors) + [message]
        else:
            form.form_errors.append(message)
            if flash_general:  # the agenda page hides the form on a cancelled meeting
                flash(message, "error")


@bp.route("/overleggen/<int:meeting_id>/agenda/punten", methods=["POST"])
@access("secretaris")
def add(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = ItemForm()
    form.topic.choices = _topic_choices(meeting)
    if form.validate_on_submit():
        topic = db.session.get(Topic, form.topic.data) if form.topic.data else None
        try:
            item = da.add_item(
                meeting,
                title=form.title.data or "",
                topic=topic,
                purpose=form.purpose.data,
                duration_minutes=form.duration_minutes.data,
                presenter=form.presenter.data,
                description=form.description.data,
                by=current_person(),
            )
            db.session.commit()
        except da.AgendaError as exc:
            db.session.rollback()
            _apply(form, exc.errors, flash_general=True)
        else:
            flash("Het agendapunt is toegevoegd.", "success")
            return _back(meeting.id, f"punt-{item.id}")
    return _render(meeting, item_form=form, status=400)


def _item_page(template: str, item: AgendaItem, status: int, **context):
    """A page about one agenda item, for the secretary, who reads it in full: rendered, then
    one event naming its casus (references only), as the agenda page logs its items."""
    html = render_template(template, item=item, **context)
    log_shown(docs.casus_references([item]), item.meeting)
    return html, status


@bp.route("/agendapunten/<int:item_id>/bewerken", methods=["GET", "POST"])
@access("secretaris")
def edit(item_id: int):
    item = _item(item_id)
    form = EditItemForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            da.update_item(
                item,
                title=form.title.data,
                purpose=form.purpose.data,
                duration_minutes=form.duration_minutes.data,
                presenter=form.presenter.data,
                description=form.description.data,
            )
            db.session.commit()
        except da.AgendaError as exc:
            db.session.rollback()
            _apply(form, exc.errors)
        else:
            flash("Het agendapunt is opgeslagen.", "success")
            return _back(item.meeting_id, f"punt-{item.id}")
    status = 400 if request.method == "POST" else 200
    return _item_page("agenda/item_form.html", item, status, form=form, meeting=item.meeting)


@bp.route("/agendapunten/<int:item_id>/verwijderen", methods=["POST"])
@access("secretaris")
def remove(item_id: int):
    item = _item(item_id)
    meeting_id = item.meeting_id
    try:
        for doc in item.documents:  # they go with their item
            record_change(changes.document_change("document_removed", doc))
        da.remove_item(item)
        db.session.commit()
    except da.AgendaError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(_meeting(meeting_id), status=400)
    flash("Het agendapunt is verwijderd.", "success")
    return _back(meeting_id)


@bp.route("/agendapunten/<int:item_id>/<any(omhoog, omlaag):direction>", methods=["POST"])
@access("secretaris")
def move(item_id: int, direction: str):
    item = _item(item_id)
    try:
        moved = da.move_item(item, "up" if direction == "omhoog" else "down")
        db.session.commit()
    except da.AgendaError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(_meeting(item.meeting_id), status=400)
    if not moved:
        flash(
            "Dit agendapunt staat al " + ("bovenaan." if direction == "omhoog" else "onderaan."),
            "info",
        )
    return _back(item.meeting_id, f"punt-{item.id}")


# --- proposals ----------------------------------------------------------------------------


@bp.route("/overleggen/<int:meeting_id>/agenda/voorstellen", methods=["POST"])
@access("login")
def propose(meeting_id: int):
    meeting = _meeting(meeting_id)
    if _participant(meeting) is None and not policy.is_staff(current_person()):
        abort(403)
    form = ProposeForm()
    if form.validate_on_submit():
        try:
            da.propose_item(
                meeting,
                current_person(),
                title=form.title.data,
                purpose=form.purpose.data,
                duration_minutes=form.duration_minutes.data,
                description=form.description.data,
            )
            db.session.commit()
        except da.AgendaError as exc:
            db.session.rollback()
            _apply(form, exc.errors, flash_general=True)
        else:
            flash("Uw voorstel is naar de secretaris gestuurd.", "success")
            return _back(meeting.id, "voorstellen")
    return _render(meeting, propose_form=form, status=400)


@bp.route("/agendapunten/<int:item_id>/accepteren", methods=["POST"])
@access("secretaris")
def accept(item_id: int):
    item = _item(item_id)
    try:
        da.accept_proposal(item)
        db.session.commit()
    except da.AgendaError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(_meeting(item.meeting_id), status=400)
    flash("Het voorstel staat op de agenda.", "success")
    return _back(item.meeting_id, f"punt-{item.id}")


@bp.route("/agendapunten/<int:item_id>/afwijzen", methods=["GET", "POST"])
@access("secretaris")
def decline(item_id: int):
    item = _item(item_id)
    if item.proposal_status != "voorgesteld":  # handled meanwhile (another tab, a colleague)
        flash("Dit voorstel is al behandeld.", "info")
        return _back(item.meeting_id, "voorstellen")
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            da.decline_proposal(item, form.reason.data)
            db.session.commit()
        except da.AgendaError as exc:
            db.session.rollback()
            _apply(form, exc.errors)
        else:
            flash("Het voorstel is afgewezen.", "success")
            return _back(item.meeting_id, "voorstellen")
    status = 400 if request.method == "POST" else 200
    return _item_page("agenda/decline.html", item, status, form=form, meeting=item.meeting)


# --- publication --------------------------------------------------------------------------


def _publication_step(meeting_id: int, step, done: str):
    """Run a publication step on the meeting's agenda; a refusal re-renders it with the
    Dutch message (400)."""
    meeting = _meeting(meeting_id)
    try:
        step(meeting)
        db.session.commit()
    except da.AgendaError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render(meeting, status=400)
    flash(done, "success")
    return _back(meeting.id)


@bp.route("/overleggen/<int:meeting_id>/agenda/publiceren", methods=["POST"])
@access("secretaris")
def publish(meeting_id: int):
    return _publication_step(
        meeting_id, da.publish_agenda, "De agenda is gepubliceerd; de deelnemers krijgen bericht."
    )


@bp.route("/overleggen/<int:meeting_id>/agenda/wijziging-melden", methods=["POST"])
@access("secretaris")
def report_change(meeting_id: int):
    return _publication_step(
        meeting_id,
        da.report_agenda_change,
        "De deelnemers krijgen bericht dat de agenda is gewijzigd.",
    )


# --- guests per item, besloten ------------------------------------------------------------


@bp.route("/agendapunten/<int:item_id>/toegang", methods=["GET", "POST"])
@access("secretaris")
def item_access(item_id: int):
    item = _item(item_id)
    meeting = item.meeting
    participants = sorted(meeting.participants, key=lambda p: p.person.name)
    form = AccessForm()
    form.guests.choices = [
        choice(p.person_id, p.person.name) for p in participants if p.part == "guest"
    ]
    form.members.choices = [
        choice(p.person_id, f"{p.person.name} ({p.part_label.lower()})") for p in participants
    ]
    if request.method == "GET":
        current = da.item_access_map(meeting).get(item.id, {})
        form.guests.data = current.get("gast", [])
        form.members.data = current.get("besloten", [])
        form.besloten.data = item.besloten
    if form.validate_on_submit():
        before = changes.item_access_state(item)
        try:
            da.set_item_access(item, "gast", set(form.guests.data or []))
            besloten = bool(form.besloten.data)
            if besloten and not (item.topic is not None and item.topic.is_casus):
                raise da.AgendaError({"besloten": "Alleen een casus-agendapunt kan besloten zijn."})
            da.set_besloten(item, besloten, set(form.members.data or []))
            for change in changes.item_access_changes(
                item, before, changes.item_access_state(item)
            ):
                record_change(change)
            db.session.commit()
        except da.AgendaError as exc:
            db.session.rollback()
            _apply(form, {("members" if k == "people" else k): v for k, v in exc.errors.items()})
        else:
            flash("Wie bij dit agendapunt mag zijn, is opgeslagen.", "success")
            return _back(item.meeting_id, f"punt-{item.id}")
    status = 400 if request.method == "POST" else 200
    return _item_page("agenda/access.html", item, status, form=form, meeting=meeting)


# --- escalation and conclusion -------------------------------------------------------------


def _escalate_choices(form, meeting: Meeting, wanted: int | None):
    """The paths from the meeting's body, the one chosen (``wanted``, or the only one), and
    "Agenderen op" with the chosen body's meetings only (none before one is chosen)."""
    paths = de.paths_from(meeting.meeting_type)
    form.to_type.choices = [
        choice(p.to_type_id, f"{p.direction_label}: {p.to_type.name}") for p in paths
    ]
    chosen = next((p for p in paths if p.to_type_id == wanted), None)
    if chosen is None and len(paths) == 1:
        chosen = paths[0]
    meetings = [choice(0, "Automatisch: de eerstvolgende open agenda")]
    if chosen is not None:
        after = de.not_before(meeting)  # never before the meeting the topic comes from
        for m in de.candidate_meetings(chosen.to_type, after):
            published = " (agenda gepubliceerd)" if m.agenda_status == "gepubliceerd" else ""
            meetings.append(
                choice(
                    m.id,
                    f"{chosen.to_type.name}, {nl_date(m.starts_at)} {nl_time(m.starts_at)}"
                    f"{published}",
                )
            )
    form.meeting.choices = meetings
    return paths, chosen


@bp.route("/agendapunten/<int:item_id>/opschalen", methods=["GET", "POST"])
@access("secretaris")
def escalate(item_id: int):
    item = _item(item_id)
    meeting = item.meeting
    form = EscalateForm()
    if request.method == "POST":
        wanted = parse_id(request.form.get("to_type"))
    else:
        wanted = parse_id(request.args.get("naar"))
    paths, chosen = _escalate_choices(form, meeting, wanted)
    if form.validate_on_submit():
        to_type = db.get_or_404(MeetingType, form.to_type.data)
        target = db.session.get(Meeting, form.meeting.data) if form.meeting.data else None
        try:
            esc = de.escalate(
                item,
                to_type,
                question=form.question.data,
                reason=form.reason.data,
                by=current_person(),
                target_meeting=target,
            )
            db.session.commit()
        except de.NotAllowed:
            db.session.rollback()
            abort(403)
        except de.EscalationError as exc:
            db.session.rollback()
            _apply(form, {exc.field: str(exc)})
            # the rollback expired the paths and their bodies: asked anew, in their query
            paths, chosen = _escalate_choices(form, meeting, wanted)
        else:
            if esc.target_item is not None:
                flash(
                    f"{esc.topic.reference} staat op de agenda van {esc.to_type.name} van "
                    f"{_nl(esc.target_item.meeting.starts_at)}.",
                    "success",
                )
            else:
                flash(
                    f"{esc.topic.reference} staat bij {esc.to_type.name} op ‘te agenderen’: er "
                    "is nog geen overleg met een open agenda.",
                    "success",
                )
            return _back(meeting.id, f"punt-{item.id}")
    status = 400 if request.method == "POST" else 200
    return _item_page(
        "agenda/escalate.html",
        item,
        status,
        form=form,
        meeting=meeting,
        paths=paths,
        chosen=chosen,
        heading=policy.item_heading(item, current_person()),
    )


def _nl(value) -> str:
    return nl_date(value)


@bp.route("/agendapunten/<int:item_id>/afhandelen", methods=["GET", "POST"])
@access("secretaris")
def conclude(item_id: int):
    item = _item(item_id)
    form = ConcludeForm()
    if form.validate_on_submit():
        try:
            esc = de.conclude(
                item,
                outcome=form.outcome.data,
                outcome_kind=form.outcome_kind.data,
                by=current_person(),
            )
            db.session.commit()
        except de.NotAllowed:
            db.session.rollback()
            abort(403)
        except de.EscalationError as exc:
            db.session.rollback()
            _apply(form, {exc.field: str(exc)})
        else:
            if esc is not None and esc.feedback_item is not None:
                flash(
                    f"Afgehandeld. De terugkoppeling staat op de agenda van {esc.from_type.name} "
                    f"van {_nl(esc.feedback_item.meeting.starts_at)}.",
                    "success",
                )
            elif esc is not None:
                flash(
                    f"Afgehandeld. De terugkoppeling wacht bij {esc.from_type.name} op "
                    "‘te agenderen’.",
                    "success",
                )
            else:
                flash("De uitkomst is opgeslagen.", "success")
            return _back(item.meeting_id, f"punt-{item.id}")
    status = 400 if request.method == "POST" else 200
    return _item_page(
        "agenda/conclude.html",
        item,
        status,
        form=form,
        meeting=item.meeting,
        heading=policy.item_heading(item, current_person()),
    )
