"""Topic pages: the list (with need-to-know), a topic with its timeline, the backlog per body
and the overview of open escalations."""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime
from functools import lru_cache

from flask import abort, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from ..access import access, current_person
from ..audit import commit_keeping, log_shown, record, record_change
from ..domain import aanpak as daanpak
from ..domain import audit_changes as changes
from ..domain import cancellation as dc
from ..domain import escalation as de
from ..domain import keyset, policy, search
from ..domain import meetings as dm
from ..domain import plan as dp
from ..domain.agenda import AgendaError
from ..domain.input import one_line
from ..domain.labels import concluded_label
from ..domain.topics import (
    LIST_CURSOR_TYPES,
    TIMELINE_MEETINGS,
    TimelineMeeting,
    TopicError,
    allowed_statuses,
    change_status,
    create_topic,
    list_page,
    timeline,
)
from ..extensions import db
from ..forms import choices, parse_id
from ..models import (
    AgendaItem,
    Escalation,
    Meeting,
    MeetingType,
    Organisation,
    Theme,
    Topic,
)
from ..models.topics import TOPIC_STATUS_LABELS
from ..timeutil import nl_date, nl_time, today_local, utcnow
from . import bp
from .forms import EditTopicForm, StatusForm, TopicForm

# The topic page's statement, made once: a statement built per request is walked for its
# cache key on every request, which costs more than its query to run.


@lru_cache(maxsize=1)
def _topic_stmt():
    # its priority theme with it: the topic page names it
    return (
        select(Topic)
        .where(Topic.id == bindparam("topic_id", type_=Integer))
        .options(joinedload(Topic.theme))
    )


@bp.context_processor
def _labels():
    return {"concluded_label": concluded_label}


def _theme_choices(year: int, current: Theme | None = None) -> list[SelectChoice]:
    """The priorities of the topic's year (and the theme it has, when that is of another
    year: it keeps it until changed)."""
    options = [(0, "Geen")] + [(tid, label) for tid, label in dp.year_priorities(year)]
    if current is not None and current.id not in {tid for tid, _ in options}:
        options.append((current.id, f"{current.group.year} · {current.group.name}: {current.name}"))
    return choices(options)


def _check_theme(form, year: int, current: int | None = None) -> bool:
    """The chosen theme is a priority of the topic's year (or none); else a Dutch message
    beside the field."""
    try:
        dp.check_topic_theme(form.theme.data or None, year, current)
    except dp.PlanError as exc:
        form.theme.errors = [*form.theme.errors, str(exc)]
        return False
    return True


def _org_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    )
    return choices([(0, "Onbekend")] + [(oid, name) for oid, name in rows])


def _fill(form, year: int, current: Theme | None = None) -> None:
    if getattr(form, "meeting_type", None) is not None:
        form.meeting_type.choices = choices((b.id, b.name) for b in dm.active_bodies())
    form.theme.choices = _theme_choices(year, current)
    form.aanbrenger.choices = _org_choices()


def _topic_and_level(topic_id: int) -> tuple[Topic, str]:
    """The topic and what the reader reads of it (`policy.topic_level`); 404 for a topic
    they may not find."""
    topic = db.session.scalar(_topic_stmt(), {"topic_id": topic_id})
    level = policy.topic_level(current_person(), topic) if topic is not None else policy.NONE
    if topic is None or level == policy.NONE:
        abort(404)
    return topic, level


def _get_topic(topic_id: int) -> Topic:
    return _topic_and_level(topic_id)[0]


# --- list -----------------------------------------------------------------------------------


@bp.route("/onderwerpen")
@access("login")
def index():
    q = one_line(request.args.get("q"), 200)  # a search term: on one line
    status = request.args.get("status") or ""
    if status not in TOPIC_STATUS_LABELS:
        status = ""
    body = request.args.get("overleg") or ""
    error = None
    page = None
    try:
        cursor = keyset.decode(request.args.get("vanaf"), LIST_CURSOR_TYPES)
        query = search.parse(q) if q else None
    except (keyset.CursorError, search.SearchError) as exc:
        error = str(exc)
    else:
        page = list_page(current_person(), query=query, status=status, body=body, cursor=cursor)
    rows = page.rows if page is not None else []
    html = render_template(
        "topics/index.html",
        rows=rows,
        page=page,
        # the filters as typed, for the Volgende/Vorige links (without the cursor)
        page_args={k: v for k, v in (("q", q), ("status", status), ("overleg", body)) if v},
        q=q,
        status=status,
        body=body,
        bodies=dm.active_bodies(),
        statuses=TOPIC_STATUS_LABELS,
        error=error,
    )
    shown = [r.topic.reference for r in rows if r.full and r.topic.is_casus]
    log_shown(shown, object_type="topic_list")
    return html, 400 if error else 200


@bp.route("/onderwerpen/nieuw", methods=["GET", "POST"])
@access("secretaris")
def new():
    form = TopicForm()
    year = today_local().year  # the year of the new topic's reference
    _fill(form, year)
    if request.method == "GET":
        code = request.args.get("overleg")
        match = next((b for b in dm.active_bodies() if b.code == code), None)
        if match is not None:
            form.meeting_type.data = match.id
            form.confidentiality.data = match.default_confidentiality
    if form.validate_on_submit() and _check_theme(form, year):
        body = db.get_or_404(MeetingType, form.meeting_type.data)
        topic = create_topic(
            title=form.title.data,
            description=form.description.data,
            meeting_type=body,
            confidentiality=form.confidentiality.data,
            theme=db.session.get(Theme, form.theme.data) if form.theme.data else None,
            aanbrenger=db.session.get(Organisation, form.aanbrenger.data)
            if form.aanbrenger.data
            else None,
            by=current_person(),
            year=year,
        )
        db.session.commit()
        flash(f"Onderwerp {topic.reference} is aangemaakt.", "success")
        return redirect(url_for("topics.view", topic_id=topic.id))
    status = 400 if request.method == "POST" else 200
    return render_template("topics/form.html", form=form, topic=None), status


@bp.route("/onderwerpen/<int:topic_id>/bewerken", methods=["GET", "POST"])
@access("secretaris")
def edit(topic_id: int):
    topic = _get_topic(topic_id)
    form = EditTopicForm(obj=topic if request.method == "GET" else None)
    year = dp.topic_year(topic)
    _fill(form, year, topic.theme)
    if request.method == "GET":
        form.theme.data = topic.theme_id or 0
        form.aanbrenger.data = topic.aanbrenger_id or 0
    if form.validate_on_submit() and _check_theme(form, year, topic.theme_id):
        topic.title = form.title.data.strip()
        topic.description = (form.description.data or "").strip() or None
        topic.theme_id = form.theme.data or None
        topic.aanbrenger_id = form.aanbrenger.data or None
        was = topic.confidentiality
        topic.confidentiality = form.confidentiality.data
        from ..domain.topics import add_event

        add_event(topic, "gewijzigd", by=current_person())
        record_change(changes.confidentiality_change(topic, was))
        db.session.commit()
        flash("Het onderwerp is opgeslagen.", "success")
        return redirect(url_for("topics.view", topic_id=topic.id))
    status = 400 if request.method == "POST" else 200
    html = render_template("topics/form.html", form=form, topic=topic)
    if topic.is_casus:
        # the form shows the casus in full (its title and description, or what was sent)
        log_shown([topic.reference], topic)
    return html, status


# --- the topic page with its timeline --------------------------------------------------------


def _render_topic(topic: Topic, status_form=None, code: int = 200, *, level: str | None = None):
    """The topic page; `level`: the reader's `policy.topic_level`, when asked already."""
    person = current_person()
    full = level == policy.FULL if level is not None else policy.can_see_casus(person, topic)
    # the latest meetings only, unless asked for the whole timeline (?tijdlijn=alles): the
    # page stays the same size however long the topic runs
    whole = request.args.get("tijdlijn") == "alles"
    tl = timeline(topic, None if whole else TIMELINE_MEETINGS)
    # Each timeline entry by the item-level check (a besloten item stays closed to those not
    # named on it, whatever the topic's confidentiality).
    entitled = policy.entitled_among(person, [e.item for e in tl.entries])
    # Only meetings the reader takes part in, and whose agenda is out, are on the timeline
    # (the others' body and date stay unseen); the page only says that there were others.
    seen = policy.visible_meeting_ids(person, {g.meeting.id for g in tl.meetings})
    groups = [
        g
        for g in tl.meetings
        if g.meeting.id in seen and policy.agenda_visible_to(person, g.meeting)
    ]
    shown_items = {e.item.id for g in groups for e in g.entries}
    # "teruggezet: … geannuleerd": on the timeline at the cancelled meeting, for who reads
    # the topic in full and sees that meeting (also when the item has moved on since)
    returned = tl.returned if full else []
    returned_seen = policy.visible_meeting_ids(person, {ev.meeting_id for ev in returned})
    returned_by_meeting: dict[int, list] = {}
    for ev in returned:
        if ev.meeting_id in returned_seen:
            returned_by_meeting.setdefault(ev.meeting_id, []).append(ev)
    missing = set(returned_by_meeting) - {g.meeting.id for g in groups}
    if missing:
        extra = db.session.scalars(
            select(Meeting)
            .where(Meeting.id.in_(missing))
            .options(selectinload(Meeting.meeting_type))
        )
        # a partial timeline starts at its earliest meeting: no cancelled one from before
        start = tl.meetings[0].meeting.starts_at if tl.partial and tl.meetings else None
        groups = sorted(
            groups
            + [TimelineMeeting(m, []) for m in extra if start is None or m.starts_at >= start],
            key=lambda g: (g.meeting.starts_at, g.meeting.id),
        )
    hidden_meetings = len(tl.meetings) - len(groups)
    # An escalation's question belongs to the item it came from: shown only with that item.
    question_visible = {
        e.id: full
        and policy.escalation_question_visible(person, e.origin_item_id, shown_items, entitled)
        for e in tl.escalations
    }
    # The plan van aanpak is part of the topic: only for who reads the topic in full.
    plan_readable = policy.topic_plan_readable(full)
    measures = daanpak.measures_of(topic) if plan_readable else []
    if status_form is None and policy.is_staff(person):
        status_form = StatusForm(formdata=None)
    if status_form is not None:
        status_form.status.choices = choices(allowed_statuses(topic))
    html = render_template(
        "topics/view.html",
        topic=topic,
        full=full,
        tl=tl,
        entitled=entitled,
        groups=groups,
        returned_by_meeting=returned_by_meeting,
        returned_notes=dc.returned_notes([e.id for e in tl.open_escalations]) if full else {},
        hidden_meetings=hidden_meetings,
        whole_timeline_url=(
            url_for("topics.view", topic_id=topic.id, tijdlijn="alles", _anchor="tijdlijn")
            if tl.partial
            else None
        ),
        timeline_shown=len(tl.meetings),
        question_visible=question_visible,
        # that (and where) a topic was escalated is part of it: only with the topic in full
        open_escalations=tl.open_escalations if full else None,
        status_form=status_form,
        plan_readable=plan_readable,
        measures=measures,
        today=today_local(),
        now=utcnow(),
        waiting_days=de.waiting_days,
    )
    if topic.is_casus and full:
        record("casus_viewed", topic)
        commit_keeping()
    return html, code


@bp.route("/onderwerpen/<int:topic_id>")
@access("login")
def view(topic_id: int):
    topic, level = _topic_and_level(topic_id)
    return _render_topic(topic, level=level)


@bp.route("/onderwerpen/<int:topic_id>/status", methods=["POST"])
@access("secretaris")
def set_status(topic_id: int):
    topic = _get_topic(topic_id)
    form = StatusForm()
    form.status.choices = choices(allowed_statuses(topic))
    if form.validate_on_submit():
        try:
            change_status(topic, form.status.data, by=current_person(), note=form.note.data or None)
        except TopicError as exc:
            db.session.rollback()
            form.status.errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"De status is nu ‘{topic.status_label}’.", "success")
            return redirect(url_for("topics.view", topic_id=topic.id))
    elif request.form.get("status") and request.form.get("status") not in {
        c.value for c in form.status.choices
    }:
        form.status.errors = [f"Deze status is vanuit ‘{topic.status_label}’ niet toegestaan."]
    return _render_topic(topic, status_form=form, code=400)


# --- backlog and escalations ------------------------------------------------------------------


@bp.before_request
def _nav_current():
    """Topic pages sit under "Onderwerpen"; backlog pages under "Escalaties"."""
    g.nav_current = (
        "topics.escalations"
        if request.endpoint in ("topics.backlog", "topics.backlogs")
        else "topics.index"
    )


def _body_or_404(code: str) -> MeetingType:
    body = dm.body_by_code(code)
    if body is None:
        abort(404)
    return body


@bp.route("/te-agenderen")
@access("secretaris")
def backlogs():
    bodies = dm.active_bodies()
    if not bodies:
        abort(404)
    return redirect(url_for("topics.backlog", code=bodies[0].code))


@bp.route("/te-agenderen/<code>")
@access("secretaris")
def backlog(code: str):
    body = _body_or_404(code)
    return _render_backlog(body)


def _meeting_options(meetings: list[Meeting]):
    """The ``<option>``s of these meetings (in order of start), each rendered once, and for
    a moment the options of the meetings after it: every form of a long backlog looks its
    choices up instead of rendering them again."""
    starts = [m.starts_at for m in meetings]
    options = [
        Markup('<option value="{}">{} {}{}</option>').format(
            m.id,
            nl_date(m.starts_at),
            nl_time(m.starts_at),
            " (agenda gepubliceerd)" if m.agenda_status == "gepubliceerd" else "",
        )
        for m in meetings
    ]
    after = [Markup("").join(options[i:]) for i in range(len(options) + 1)]

    def options_after(moment: datetime | None) -> Markup:
        return after[bisect_right(starts, moment) if moment is not None else 0]

    return options_after


# ``?alle=`` on Te agenderen: the list shown in full (the others show their oldest few)
BACKLOG_WHOLE = {"wacht": "waiting", "geagendeerd": "placed", "terugkoppelingen": "feedback"}


def _render_backlog(body: MeetingType, error: str | None = None, status: int = 200):
    returned = dc.returned_items(body)
    entitled = policy.entitled_among(current_person(), returned)
    whole = BACKLOG_WHOLE.get(request.args.get("alle") or "")
    lists = de.backlog(body, whole=whole)
    html = render_template(
        "topics/backlog.html",
        body=body,
        bodies=dm.active_bodies(),
        lists=lists,
        whole=whole,
        whole_arg={v: k for k, v in BACKLOG_WHOLE.items()},
        shown=de.BACKLOG_SHOWN,
        returned_notes=dc.returned_notes([e.id for e in lists["waiting"]]),
        returned=[
            {
                "item": i,
                "heading": policy.item_heading(i, current_person(), entitled),
                "full": i.id in entitled,
            }
            for i in returned
        ],
        error=error,
        options_after=_meeting_options(de.candidate_meetings(body)),
        now=utcnow(),
        waiting_days=de.waiting_days,
    )
    # the page names every topic by its title: a casus shown so is logged (references only)
    shown = [e.topic for key in ("waiting", "placed", "feedback") for e in lists[key]]
    shown += [i.topic for i in returned if i.id in entitled and i.topic is not None]
    log_shown([t.reference for t in shown if t.is_casus], body, object_type="backlog")
    return html, status


@bp.route("/escalaties")
@access("secretaris")
def escalations():
    items = de.open_escalations(current_person())
    return render_template(
        "topics/escalations.html",
        escalations=items,
        returned_notes=dc.returned_notes([e.id for e in items if e.status == "te_agenderen"]),
        now=utcnow(),
        waiting_days=de.waiting_days,
        bodies=dm.active_bodies(),
    )


def _escalation_or_404(esc_id: int) -> Escalation:
    esc = db.session.get(Escalation, esc_id)
    if esc is None:
        abort(404)
    return esc


def _chosen_meeting(body: MeetingType) -> Meeting | None:
    meeting_id = parse_id(request.form.get("meeting"))  # None for junk or out of range
    return db.session.get(Meeting, meeting_id) if meeting_id else None


@bp.route("/escalaties/<int:esc_id>/agenderen", methods=["POST"])
@access("secretaris")
def place(esc_id: int):
    esc = _escalation_or_404(esc_id)
    meeting = _chosen_meeting(esc.to_type)
    if meeting is None:
        flash("Kies een overleg.", "error")
        return redirect(url_for("topics.backlog", code=esc.to_type.code)), 303
    try:
        de.place(esc, meeting, by=current_person())
    except de.EscalationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render_backlog(esc.to_type, str(exc), 400)
    db.session.commit()
    flash(f"{esc.topic.reference} staat op de agenda van {meeting.meeting_type.name}.", "success")
    return redirect(url_for("topics.backlog", code=esc.to_type.code))


@bp.route("/escalaties/<int:esc_id>/terugkoppeling-agenderen", methods=["POST"])
@access("secretaris")
def place_feedback(esc_id: int):
    esc = _escalation_or_404(esc_id)
    meeting = _chosen_meeting(esc.from_type)
    if meeting is None:
        flash("Kies een overleg.", "error")
        return redirect(url_for("topics.backlog", code=esc.from_type.code)), 303
    try:
        de.place_feedback(esc, meeting, by=current_person())
    except de.EscalationError as exc:
        db.session.rollback()
        return _render_backlog(esc.from_type, str(exc), 400)
    db.session.commit()
    flash("De terugkoppeling staat op de agenda.", "success")
    return redirect(url_for("topics.backlog", code=esc.from_type.code))


@bp.route("/agendapunten/<int:item_id>/opnieuw-agenderen", methods=["POST"])
@access("secretaris")
def place_returned(item_id: int):
    """A topic item or proposal of a cancelled meeting, put on another meeting of its body."""
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        abort(404)
    body = item.meeting.meeting_type
    meeting = _chosen_meeting(body)
    if meeting is None:
        flash("Kies een overleg.", "error")
        return redirect(url_for("topics.backlog", code=body.code)), 303
    try:
        dc.place_returned(item, meeting, by=current_person())
    except (de.EscalationError, AgendaError) as exc:
        db.session.rollback()
        return _render_backlog(body, str(exc), 400)
    db.session.commit()
    flash(
        f"Het agendapunt staat op de agenda van {meeting.meeting_type.name} van "
        f"{nl_date(meeting.starts_at)}.",
        "success",
    )
    return redirect(url_for("topics.backlog", code=body.code))
