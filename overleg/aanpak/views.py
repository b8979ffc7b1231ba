"""Plan van aanpak pages: a topic's plan (measures, progress, versions), a frozen version, the
secretary's editing and adoption, and "Maatregelen van mijn organisatie"."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import access, current_person
from ..audit import log_shown, record
from ..domain import aanpak as da
from ..domain import policy
from ..extensions import db
from ..forms import choices
from ..models import Meeting, Organisation, Person, Topic
from ..models.aanpak import Measure
from ..timeutil import nl_datetime, today_local
from . import bp
from .forms import AdoptForm, MeasureForm, NoteForm, PlainForm


@bp.before_request
def _nav_current():
    """A topic's plan sits under "Onderwerpen"; the organisation's list is its own entry."""
    if request.endpoint != "aanpak.mine":
        g.nav_current = "topics.index"


def _topic(topic_id: int) -> Topic:
    """The topic, when the reader reads its plan (the topic in full); else 404."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or topic.id not in policy.measure_topic_ids(current_person(), [topic.id]):
        abort(404)
    return topic


def _measure(measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None:
        abort(404)
    _topic(measure.topic_id)
    return measure


def _fill(form: MeasureForm) -> None:
    orgs = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    )
    form.organisation.choices = choices([("", "Kies een organisatie")] + list(orgs))
    people = db.session.scalars(
        select(Person)
        .where(Person.active.is_(True))
        .options(joinedload(Person.organisation))
        .order_by(Person.name)
    )
    form.contact.choices = choices(
        [(0, "Geen")]
        + [
            (
                p.id,
                p.name
                + (
                    f" ({p.organisation.short_name or p.organisation.name})"
                    if p.organisation
                    else ""
                ),
            )
            for p in people
        ]
    )


def _data(form: MeasureForm) -> da.MeasureData:
    return da.MeasureData(
        title=form.title.data or "",
        description=form.description.data,
        organisation=db.session.get(Organisation, form.organisation.data)
        if form.organisation.data
        else None,
        contact=db.session.get(Person, form.contact.data) if form.contact.data else None,
        starts_on=form.starts_on.data,
        due_on=form.due_on.data,
    )


def _errors_to(form, exc: da.MeasureError) -> None:
    for key, msg in exc.errors.items():
        getattr(form, key if hasattr(form, key) else "title").errors = [msg]


def _note_form(measure: Measure, formdata=None) -> NoteForm:
    form = NoteForm(formdata=formdata, prefix=f"m{measure.id}")
    form.status.choices = choices(da.status_choices(measure))
    if formdata is None:
        form.noted_on.data = today_local()
        form.status.data = measure.status
    return form


def _render_plan(
    topic: Topic,
    *,
    measure_form: MeasureForm | None = None,
    failed_note: tuple[int, NoteForm] | None = None,
    status: int = 200,
):
    measures = da.measures_of(topic)
    versions = da.versions_of(topic)
    actions = da.actions_per_measure(m.id for m in measures)
    all_actions = [a for group in actions.values() for a in group]
    visible_actions = policy.visible_action_ids(current_person(), all_actions)
    editable = policy.can_edit_aanpak(current_person())
    if editable and measure_form is None:
        measure_form = MeasureForm(formdata=None)
        _fill(measure_form)
    note_forms = {}
    if editable:
        for m in measures:
            if failed_note is not None and failed_note[0] == m.id:
                note_forms[m.id] = failed_note[1]
            else:
                note_forms[m.id] = _note_form(m)
    html = render_template(
        "aanpak/plan.html",
        topic=topic,
        measures=measures,
        actions=actions,
        visible_actions=visible_actions,
        versions=versions,
        current=da.current_version(versions),
        concept=da.concept_of(versions),
        version_line=da.version_line,
        editable=editable,
        measure_form=measure_form,
        note_forms=note_forms,
        today=today_local(),
    )
    if topic.is_casus:
        record("casus_viewed", topic)
        db.session.commit()
    return html, status


@bp.route("/onderwerpen/<int:topic_id>/aanpak")
@access("login")
def plan(topic_id: int):
    return _render_plan(_topic(topic_id))


@bp.route("/onderwerpen/<int:topic_id>/aanpak/versie/<int:number>")
@access("login")
def version(topic_id: int, number: int):
    topic = _topic(topic_id)
    versions = da.versions_of(topic)
    found = next((v for v in versions if v.number == number), None)
    if found is None:
        abort(404)
    html = render_template(
        "aanpak/version.html",
        topic=topic,
        version=found,
        frozen=da.version_measures(found) if found.is_frozen else None,
        version_line=da.version_line,
    )
    if topic.is_casus:
        record("casus_viewed", topic)
        db.session.commit()
    return html


def _added_message(topic: Topic, measure: Measure) -> str:
    """The flash message for a new measure: the session cookie is signed, not encrypted, so
    a casus's measure goes by the topic's reference, never by its title."""
    if topic.is_casus:
        return f"De maatregel is toegevoegd aan het plan van aanpak van {topic.reference}."
    return f"De maatregel ‘{measure.title}’ is toegevoegd."


@bp.route("/onderwerpen/<int:topic_id>/aanpak/maatregelen", methods=["POST"])
@access("secretaris")
def add_measure(topic_id: int):
    topic = _topic(topic_id)
    form = MeasureForm()
    _fill(form)
    if form.validate_on_submit():
        try:
            measure = da.add_measure(topic, _data(form), by=current_person())
        except da.MeasureError as exc:
            db.session.rollback()
            _errors_to(form, exc)
        else:
            record("measure_added", measure, ref=topic.reference)
            db.session.commit()
            flash(_added_message(topic, measure), "success")
            return redirect(url_for("aanpak.plan", topic_id=topic.id) + f"#maatregel-{measure.id}")
    return _render_plan(topic, measure_form=form, status=400)


@bp.route("/maatregelen/<int:measure_id>/bewerken", methods=["GET", "POST"])
@access("secretaris")
def edit_measure(measure_id: int):
    measure = _measure(measure_id)
    topic = measure.topic
    form = MeasureForm(obj=measure if request.method == "GET" else None)
    _fill(form)
    if request.method == "GET":
        form.organisation.data = measure.organisation_id
        form.contact.data = measure.contact_id or 0
    if form.validate_on_submit():
        try:
            changed = da.update_measure(measure, _data(form), by=current_person())
        except da.MeasureError as exc:
            db.session.rollback()
            measure = _measure(measure_id)
            _errors_to(form, exc)
        else:
            if changed:
                record("measure_changed", measure, ref=topic.reference)
            db.session.commit()
            flash(
                "De maatregel is opgeslagen." if changed else "Er was niets gewijzigd.", "success"
            )
            return redirect(url_for("aanpak.plan", topic_id=topic.id) + f"#maatregel-{measure.id}")
    status = 400 if request.method == "POST" else 200
    html = render_template("aanpak/edit.html", form=form, measure=measure, topic=topic)
    if topic.is_casus:
        # the form shows a measure of the casus's plan in full, as the plan page does
        log_shown([topic.reference], topic)
    return html, status


@bp.route("/maatregelen/<int:measure_id>/verwijderen", methods=["POST"])
@access("secretaris")
def remove_measure(measure_id: int):
    measure = _measure(measure_id)
    topic = measure.topic
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        da.remove_measure(measure, by=current_person())
    except da.AanpakError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("aanpak.plan", topic_id=topic.id)), 303
    record("measure_removed", object_type="measure", object_id=measure_id, ref=topic.reference)
    db.session.commit()
    flash("De maatregel is uit het plan van aanpak gehaald.", "success")
    return redirect(url_for("aanpak.plan", topic_id=topic.id))


@bp.route("/maatregelen/<int:measure_id>/voortgang", methods=["POST"])
@access("secretaris")
def add_note(measure_id: int):
    measure = _measure(measure_id)
    topic = measure.topic
    form = _note_form(measure, formdata=request.form)
    if form.validate_on_submit():
        try:
            da.add_note(
                measure,
                noted_on=form.noted_on.data,
                text=form.text.data,
                status=form.status.data,
                by=current_person(),
                today=today_local(),
            )
        except da.MeasureError as exc:
            db.session.rollback()
            measure = _measure(measure_id)
            topic = measure.topic
            _errors_to(form, exc)
        else:
            record("measure_progress", measure, ref=topic.reference)
            db.session.commit()
            flash("De voortgang is vastgelegd.", "success")
            return redirect(url_for("aanpak.plan", topic_id=topic.id) + f"#maatregel-{measure.id}")
    return _render_plan(topic, failed_note=(measure.id, form), status=400)


@bp.route("/onderwerpen/<int:topic_id>/aanpak/vaststellen", methods=["GET", "POST"])
@access("secretaris")
def adopt(topic_id: int):
    topic = _topic(topic_id)
    versions = da.versions_of(topic)
    concept = da.concept_of(versions)
    if concept is None:
        flash(
            "Er is geen conceptversie om vast te stellen; een wijziging van het plan maakt er een.",
            "error",
        )
        return redirect(url_for("aanpak.plan", topic_id=topic.id))
    form = AdoptForm()
    meetings = da.adoption_meetings(topic)
    form.meeting.choices = choices(
        [("", "Kies een vergadering")]
        + [(m.id, f"{m.meeting_type.name}, {nl_datetime(m.starts_at)}") for m in meetings]
    )
    if request.method == "GET":
        form.text.data = da.default_decision_text(topic, concept)
    if form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting.data)
        if meeting is None or meeting not in meetings:
            form.meeting.errors = ["Kies een vergadering uit de lijst."]
        else:
            try:
                decision = da.adopt(concept, meeting, by=current_person(), text=form.text.data)
            except da.AanpakError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                record("aanpak_adopted", concept, ref=decision.code)
                db.session.commit()
                flash(
                    f"Versie {concept.number} van het plan van aanpak is vastgesteld (besluit "
                    f"{decision.code}).",
                    "success",
                )
                return redirect(url_for("aanpak.plan", topic_id=topic.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "aanpak/adopt.html", form=form, topic=topic, version=concept, meetings=meetings
    ), status


@bp.route("/maatregelen")
@access("login")
def mine():
    """Maatregelen van mijn organisatie: what the reader's organisation carries out, of the
    plans the read policy lets them read."""
    org = current_person().organisation
    measures = da.organisation_measures(
        org.id if org is not None else None, policy.measure_visibility_clause(current_person())
    )
    html = render_template(
        "aanpak/mine.html", organisation=org, measures=measures, today=today_local()
    )
    shown = [m.topic.reference for m in measures if m.topic.is_casus]
    log_shown(shown, object_type="measure_list")
    return html
