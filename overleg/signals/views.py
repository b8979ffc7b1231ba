"""The public page "Veiligheidssignaal doorgeven" (no login, no tracking: a honeypot field,
throttling per address, a size limit) and the secretary's triage list."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..access import access, current_person
from ..audit import record
from ..domain import policy
from ..domain import signals as ds
from ..domain.meetings import active_bodies
from ..extensions import db, limiter
from ..forms import choices
from ..models import MeetingType, Signal, Topic
from ..models.signals import SIGNAL_STATUS_LABELS
from ..timeutil import today_local, utcnow
from . import bp
from .forms import CloseForm, MergeForm, SignalForm, TopicFromSignalForm

ANDERS = "anders"


def _signal_limit() -> str:
    return current_app.config["SIGNAL_RATE_LIMIT"]


def _signal_form() -> SignalForm:
    form = SignalForm()
    options = ds.theme_choices(today_local().year)
    form.theme.choices = choices(
        [("", "Kies een onderwerp")]
        + [(str(c.theme_id), c.label) for c in options]
        + [(ANDERS, "Anders")]
    )
    return form


def _form_page(form, status: int = 200, message: str | None = None):
    return render_template(
        "signals/report.html",
        form=form,
        months=current_app.config["SIGNAL_CONTACT_RETENTION_MONTHS"],
        message=message,
    ), status


@bp.route("/signaal", methods=["GET", "POST"])
@access("public")
@limiter.limit(
    _signal_limit,
    methods=["POST"],
    error_message="U heeft kort na elkaar te veel signalen doorgegeven. Wacht een uur en "
    "probeer het dan opnieuw, of bel de gemeente.",
)
def report():
    if request.method == "POST":
        size = request.content_length or 0
        if size > current_app.config["SIGNAL_MAX_BYTES"]:
            return _form_page(
                _signal_form(),
                413,
                "Uw signaal is te lang en is niet verzonden. Maak de beschrijving korter.",
            )
    form = _signal_form()
    if request.method == "POST" and (form.website.data or "").strip():
        # a robot filled in the hidden field: nothing is kept
        return _form_page(form, 400, "Uw signaal is niet verzonden. Probeer het opnieuw.")
    if form.validate_on_submit():
        theme_id = None if form.theme.data == ANDERS else int(form.theme.data)
        try:
            ds.submit(
                what=form.what.data,
                location=form.location.data,
                theme_id=theme_id,
                year=today_local().year,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
            )
        except ds.SignalError as exc:
            return _form_page(form, 400, str(exc))
        # no audit event: it would keep the sender's address
        db.session.commit()
        return redirect(url_for("signals.thanks"))
    return _form_page(form, 400 if request.method == "POST" else 200)


@bp.route("/signaal/verzonden")
@access("public")
def thanks():
    return render_template(
        "signals/thanks.html", months=current_app.config["SIGNAL_CONTACT_RETENTION_MONTHS"]
    )


# --- triage (the OOV ambtenaar) ---------------------------------------------------------------


def _signal(signal_id: int) -> Signal:
    signal = db.session.get(Signal, signal_id)
    if signal is None or not policy.can_read_signal(current_person()):
        abort(404)
    return signal


@bp.route("/signalen")
@access("secretaris")
def triage():
    if not policy.can_read_signal(current_person()):
        abort(404)
    status = request.args.get("status") or "open"
    if status not in SIGNAL_STATUS_LABELS and status not in ("open", "alle"):
        status = "open"
    rows = ds.triage_list(None if status == "alle" else status)
    return render_template(
        "signals/triage.html", rows=rows, status=status, statuses=SIGNAL_STATUS_LABELS
    )


def _merge_label(topic: Topic, entitled: set[int]) -> str:
    """A topic in the merge list: every open topic at once, so a casus by its reference only
    (`policy.overview_topic_label`); its page, behind the link, shows it in full."""
    return policy.overview_topic_label(topic, current_person(), entitled)


def _forms():
    topic_form = TopicFromSignalForm(prefix="onderwerp")
    bodies = active_bodies()
    topic_form.meeting_type.choices = choices(
        [("", "Kies een overleg")] + [(b.id, b.name) for b in bodies]
    )
    merge_form = MergeForm(prefix="samenvoegen")
    topics = list(
        db.session.scalars(
            select(Topic).where(Topic.status != "afgerond").order_by(Topic.reference)
        )
    )
    entitled = policy.entitled_topic_ids(current_person(), [t.id for t in topics])
    merge_form.topic.choices = choices(
        [("", "Kies een onderwerp")] + [(t.id, _merge_label(t, entitled)) for t in topics]
    )
    return topic_form, merge_form, CloseForm(prefix="sluiten")


def _topic_title(signal: Signal) -> str | None:
    """The title beside the reference of the signal's topic, as an overview names it
    (`policy.overview_topic_heading`): none for a casus, which this page names by its
    reference only (its page, behind the link, shows it in full and logs that)."""
    topic = signal.topic
    if topic is None:
        return None
    entitled = policy.entitled_topic_ids(current_person(), [topic.id])
    heading = policy.overview_topic_heading(topic, current_person(), entitled)
    return None if heading == topic.reference else heading


def _detail(signal, forms, status=200):
    topic_form, merge_form, close_form = forms
    return render_template(
        "signals/signal.html",
        signal=signal,
        topic_title=_topic_title(signal),
        topic_form=topic_form,
        merge_form=merge_form,
        close_form=close_form,
        months=current_app.config["SIGNAL_CONTACT_RETENTION_MONTHS"],
    ), status


@bp.route("/signalen/<int:signal_id>")
@access("secretaris")
def view(signal_id: int):
    signal = _signal(signal_id)
    forms = _forms()
    ovo = db.session.scalar(select(MeetingType.id).where(MeetingType.code == "ovo"))
    forms[0].meeting_type.data = ovo  # the OVO's backlog, unless the secretary picks another
    return _detail(signal, forms)


def _done(signal: Signal, event: str, message: str):
    record(event, signal, person=current_person())
    db.session.commit()
    if signal.reply_message_id is not None:
        g.overleg_outbox_queued = True
    flash(message, "success")
    return redirect(url_for("signals.triage"))


def _refused(signal, forms, exc: ds.SignalError):
    flash(str(exc), "error")
    return _detail(signal, forms, 409 if signal.status not in ds.OPEN else 400)


@bp.route("/signalen/<int:signal_id>/onderwerp", methods=["POST"])
@access("secretaris")
def make_topic(signal_id: int):
    signal = _signal(signal_id)
    forms = _forms()
    form = forms[0]
    if not form.validate_on_submit():
        return _detail(signal, forms, 400)
    body = db.session.get(MeetingType, form.meeting_type.data)
    if body is None:
        form.meeting_type.errors = ["Kies een overleg uit de lijst."]
        return _detail(signal, forms, 400)
    try:
        topic = ds.make_topic(
            signal,
            meeting_type=body,
            title=form.title.data,
            description=form.description.data,
            confidentiality=form.confidentiality.data,
            by=current_person(),
            municipality=current_app.config["MUNICIPALITY"],
            now=utcnow(),
        )
    except ds.SignalError as exc:
        return _refused(signal, forms, exc)
    return _done(
        signal,
        "signal_topic_created",
        f"Onderwerp {topic.reference} staat bij het {body.name} te agenderen.",
    )


@bp.route("/signalen/<int:signal_id>/samenvoegen", methods=["POST"])
@access("secretaris")
def merge(signal_id: int):
    signal = _signal(signal_id)
    forms = _forms()
    form = forms[1]
    if not form.validate_on_submit():
        return _detail(signal, forms, 400)
    topic = db.session.get(Topic, form.topic.data)
    if topic is None:
        form.topic.errors = ["Kies een onderwerp uit de lijst."]
        return _detail(signal, forms, 400)
    try:
        ds.merge(signal, topic, current_person(), current_app.config["MUNICIPALITY"])
    except ds.SignalError as exc:
        return _refused(signal, forms, exc)
    return _done(
        signal, "signal_merged", f"Het signaal is toegevoegd aan onderwerp {topic.reference}."
    )


@bp.route("/signalen/<int:signal_id>/sluiten", methods=["POST"])
@access("secretaris")
def close(signal_id: int):
    signal = _signal(signal_id)
    forms = _forms()
    form = forms[2]
    if not form.validate_on_submit():
        return _detail(signal, forms, 400)
    try:
        ds.close(signal, form.reason.data, current_person(), current_app.config["MUNICIPALITY"])
    except ds.SignalError as exc:
        return _refused(signal, forms, exc)
    return _done(signal, "signal_closed", f"Signaal {signal.reference} is gesloten.")
