"""Jaarplan pages: the plans per year, one plan with all of section 5 and its versions, and
the secretary's editing, copying to a new year and adoption by the Driehoek."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..access import access, current_person
from ..audit import log_shown, record
from ..domain import indicators as di
from ..domain import plan as dp
from ..domain import policy
from ..domain import report as dr
from ..extensions import db
from ..forms import choices, parse_id
from ..models import Meeting, Organisation
from ..models.plan import PRIORITY_TEXT_FIELDS, PlanVersion
from ..timeutil import nl_datetime, today_local
from . import bp
from .charts import charts_for
from .forms import AdoptForm, CopyForm, PriorityForm


def _version(version_id: int) -> PlanVersion:
    version = dp.load_version(version_id)
    if version is None or not policy.can_view_plan_version(current_person(), version):
        abort(404)
    return version


@bp.route("/jaarplan")
@access("login")
def index():
    rows = []
    for plan in reversed(dp.plans()):
        visible = [v for v in plan.versions if policy.can_view_plan_version(current_person(), v)]
        if not visible:
            continue
        rows.append({"plan": plan, "current": dp.current_version(plan), "versions": visible})
    return render_template("plan/index.html", rows=rows)


@bp.route("/jaarplan/<int:year>")
@access("login")
def show(year: int):
    person = current_person()
    plan = dp.plan_of_year(year)
    if plan is None:  # as the progress report says it
        return _refused(404, "Geen jaarplan", f"Er is geen jaarplan voor {year}.")
    visible = [v for v in plan.versions if policy.can_view_plan_version(person, v)]
    if not visible:
        abort(404)
    wanted = parse_id(request.args.get("versie"))
    if wanted is not None:
        version = next((v for v in visible if v.number == wanted), None)
        if version is None:
            abort(404)
    else:
        current = dp.current_version(plan)
        version = current if current in visible else visible[-1]
    version = dp.load_version(version.id) or abort(404)
    groups = dp.clusters(version)
    theme_ids = [p.theme_id for p in version.priorities]
    topics = dp.topics_per_theme(theme_ids, policy.visible_topics_stmt(person))
    all_topics = [t for ts in topics.values() for t in ts]
    entitled = policy.entitled_topic_ids(person, [t.id for t in all_topics])
    headings = {t.id: t.title if t.id in entitled else t.reference for t in all_topics}
    concept = dp.concept_of(plan)
    html = render_template(
        "plan/show.html",
        plan=plan,
        version=version,
        groups=groups,
        fields=PRIORITY_TEXT_FIELDS,
        topics=topics,
        headings=headings,
        versions=visible,
        concept=concept,
        is_current=version is dp.current_version(plan),
        can_report=bool(dr.begun_quarters(plan.year))
        and policy.can_view_report(person, dp.current_version(plan)),
    )
    shown = [t.reference for t in all_topics if t.id in entitled and t.is_casus]
    log_shown(shown, object_type="plan_version")
    return html


@bp.route("/jaarplan/kopie", methods=["GET", "POST"])
@access("secretaris")
def copy():
    form = CopyForm()
    plans = dp.plans()
    if request.method == "GET":
        form.year.data = max([p.year for p in plans], default=today_local().year - 1) + 1
    if form.validate_on_submit():
        try:
            version = dp.copy_to_year(form.year.data, by=current_person())
        except dp.PlanError as exc:
            form.year.errors = [str(exc)]
        else:
            record("plan_copied", version, person=current_person())
            db.session.commit()
            flash(f"Het {version.plan.title} is opgesteld als kopie; pas het aan.", "success")
            return redirect(url_for("plan.show", year=version.plan.year))
    status = 400 if request.method == "POST" else 200
    return render_template("plan/copy.html", form=form, plans=plans), status


def _fill_priority_form(form: PriorityForm) -> None:
    orgs = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    )
    form.partners.choices = choices([(oid, name) for oid, name in orgs])


@bp.route("/jaarplan/versie/<int:version_id>/bewerken", methods=["GET", "POST"])
@access("secretaris")
def edit(version_id: int):
    version = _version(version_id)
    if version.is_frozen:
        try:
            dp.require_editable(version)
        except dp.PlanFrozen as exc:
            flash(str(exc), "error")
        return redirect(url_for("plan.show", year=version.plan.year, versie=version.number))
    if not version.priorities:
        abort(404)
    wanted = parse_id(request.args.get("prioriteit"))
    priority = next((p for p in version.priorities if p.id == wanted), version.priorities[0])
    form = PriorityForm()
    _fill_priority_form(form)
    if request.method == "GET":
        form.heading.data = priority.heading
        for name in dp.TEXT_ATTRIBUTES:
            getattr(form, name).data = getattr(priority, name) or ""
        form.indicators.data = "\n".join(i.text for i in priority.indicators)
        form.partners.data = [p.organisation_id for p in priority.partners]
    form.ambition.label.text = priority.ambition_title
    if form.validate_on_submit():
        try:
            dp.update_priority(
                priority,
                heading=form.heading.data,
                texts={name: getattr(form, name).data for name in dp.TEXT_ATTRIBUTES},
                indicators=(form.indicators.data or "").splitlines(),
                partner_ids=form.partners.data or [],
            )
        except dp.PlanError as exc:
            form.form_errors.append(str(exc))
        else:
            record("plan_changed", version, person=current_person())
            db.session.commit()
            flash(f"De prioriteit ‘{priority.heading}’ is opgeslagen.", "success")
            return redirect(
                url_for("plan.show", year=version.plan.year, versie=version.number)
                + f"#prioriteit-{priority.theme_id}"
            )
    status = 400 if request.method == "POST" else 200
    return render_template("plan/edit.html", form=form, version=version, priority=priority), status


@bp.route("/jaarplan/versie/<int:version_id>/nieuwe-versie", methods=["POST"])
@access("secretaris")
def new_version(version_id: int):
    version = _version(version_id)
    try:
        copy = dp.new_version(version, by=current_person())
    except dp.PlanError as exc:
        flash(str(exc), "error")
        return redirect(url_for("plan.show", year=version.plan.year)), 303
    record("plan_version_created", copy, person=current_person())
    db.session.commit()
    flash(f"Versie {copy.number} is gemaakt als concept; wijzig die versie.", "success")
    return redirect(url_for("plan.show", year=version.plan.year, versie=copy.number))


@bp.route("/jaarplan/versie/<int:version_id>/vaststellen", methods=["GET", "POST"])
@access("secretaris")
def adopt(version_id: int):
    version = _version(version_id)
    if version.is_frozen:
        flash(
            f"Versie {version.number} is al vastgesteld; maak een nieuwe versie om iets te "
            "veranderen.",
            "error",
        )
        return redirect(url_for("plan.show", year=version.plan.year, versie=version.number))
    form = AdoptForm()
    meetings = dp.adoption_meetings()
    form.meeting.choices = choices(
        [("", "Kies een vergadering")]
        + [(m.id, f"{m.meeting_type.name}, {nl_datetime(m.starts_at)}") for m in meetings]
    )
    if request.method == "GET":
        form.text.data = dp.default_decision_text(version)
    if form.validate_on_submit():
        meeting = db.session.get(Meeting, form.meeting.data)
        if meeting is None or meeting not in meetings:
            form.meeting.errors = ["Kies een vergadering uit de lijst."]
        else:
            try:
                decision = dp.adopt(version, meeting, by=current_person(), text=form.text.data)
            except dp.PlanError as exc:
                form.form_errors.append(str(exc))
            else:
                record("plan_adopted", version, person=current_person(), ref=decision.code)
                db.session.commit()
                flash(
                    f"Versie {version.number} van het jaarplan is vastgesteld (besluit "
                    f"{decision.code}).",
                    "success",
                )
                return redirect(url_for("plan.show", year=version.plan.year, versie=version.number))
    status = 400 if request.method == "POST" else 200
    return render_template("plan/adopt.html", form=form, version=version, meetings=meetings), status


# --- indicator figures (the OOV ambtenaar) ---------------------------------------------------

EARLIER_YEARS = 3  # the most recent earlier years with figures, beside this one


def _quarter(year: int) -> int:
    wanted = parse_id(request.values.get("kwartaal"))
    if wanted in di.QUARTERS:
        return wanted
    today = today_local()
    return (today.month - 1) // 3 + 1 if today.year == year else 4


def _indicator_page(year: int, quarter: int, *, errors=None, report=None, status=200):
    plan = dp.plan_of_year(year)
    version = dp.current_version(plan) if plan is not None else None
    if version is None:
        abort(404)
    version = dp.load_version(version.id) or abort(404)
    indicators = di.indicators_of(version)
    lineages = [i.lineage for i in indicators]
    found = di.figures(lineages)
    earlier = sorted({y for (_, y, _) in found if y < year})[-EARLIER_YEARS:]
    years = [*earlier, year]
    return render_template(
        "plan/indicators.html",
        plan=plan,
        version=version,
        groups=dp.clusters(version),
        quarter=quarter,
        quarters=di.QUARTERS,
        years=years,
        figures=found,
        code_of=di.code_of,
        errors=errors or {},
        report=report,
        form_values=request.form if request.method == "POST" else {},
    ), status


@bp.route("/jaarplan/<int:year>/indicatoren", methods=["GET", "POST"])
@access("secretaris")
def indicators(year: int):
    quarter = _quarter(year)
    if request.method == "GET":
        return _indicator_page(year, quarter)
    plan = dp.plan_of_year(year)
    version = dp.current_version(plan) if plan is not None else None
    if version is None:
        abort(404)
    errors: dict[int, str] = {}
    saved = 0
    for indicator in di.indicators_of(version):
        key = str(indicator.id)
        value = request.form.get(f"waarde-{key}", "")
        if not value.strip():
            continue
        try:
            di.record_figure(
                indicator,
                year,
                quarter,
                value=value,
                source=request.form.get(f"bron-{key}"),
                delivered=request.form.get(f"geleverd-{key}"),
                note=request.form.get(f"toelichting-{key}"),
                by=current_person(),
            )
        except di.FigureError as exc:
            errors[indicator.id] = str(exc)
        else:
            saved += 1
    if errors:
        db.session.rollback()
        return _indicator_page(year, quarter, errors=errors, status=400)
    record("indicator_figures_recorded", version, person=current_person(), ref=f"{year}-K{quarter}")
    db.session.commit()
    flash(f"{saved} cijfers voor kwartaal {quarter} van {year} opgeslagen.", "success")
    return redirect(url_for("plan.indicators", year=year, kwartaal=quarter))


@bp.route("/jaarplan/<int:year>/indicatoren/sjabloon.csv")
@access("secretaris")
def indicator_template(year: int):
    plan = dp.plan_of_year(year)
    version = dp.current_version(plan) if plan is not None else None
    if version is None:
        abort(404)
    body = di.template_csv(version)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="indicatoren-{year}.csv"',
        },
    )


@bp.route("/jaarplan/<int:year>/indicatoren/import", methods=["POST"])
@access("secretaris")
def indicator_import(year: int):
    quarter = _quarter(year)
    plan = dp.plan_of_year(year)
    version = dp.current_version(plan) if plan is not None else None
    if version is None:
        abort(404)
    upload = request.files.get("bestand")
    if upload is None or not upload.filename:
        flash("Kies een CSV-bestand om in te lezen.", "error")
        return _indicator_page(year, quarter, status=400)
    data = upload.read(di.MAX_BYTES + 1)
    if len(data) > di.MAX_BYTES:
        flash("Het bestand is te groot voor een kwartaal aan cijfers.", "error")
        return _indicator_page(year, quarter, status=413)
    try:
        report = di.import_csv(version, year, quarter, data, by=current_person())
    except di.FigureError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _indicator_page(year, quarter, status=400)
    record("indicator_figures_imported", version, person=current_person(), ref=f"{year}-K{quarter}")
    db.session.commit()
    return _indicator_page(year, quarter, report=report, status=200)


# --- the progress report (voortgang, the evaluatie jaarplan) ---------------------------------

REPORT_PDF_OPTIONS: dict[str, Any] = {  # as the minutes: PDF/A-2u and PDF/UA-1
    "pdf_variant": "pdf/a-2u",
    "pdf_tags": True,
    "declare_pdfua": True,
}


def _refused(code: int, title: str, text: str, back: tuple[str, str] | None = None):
    back = back or (url_for("plan.index"), "Naar de jaarplannen")
    return render_template("errors/error.html", code=code, title=title, text=text, back=back), code


def _report(year: int):
    """The report the reader asked for, or the response refusing it (a Dutch 4xx)."""
    try:
        plan_version = dr.report_version(year)
    except LookupError:
        return None, _refused(404, "Geen jaarplan", f"Er is geen jaarplan voor {year}.")
    if not policy.can_view_report(current_person(), plan_version[1]):
        abort(404)
    try:
        quarter = dr.parse_quarter(request.args.get("kwartaal"))
        return dr.build(year, quarter, plan_version=plan_version), None
    except dr.ReportError as exc:
        back = (url_for("plan.report", year=year), f"Naar de voortgang van het hele jaar {year}")
        return None, _refused(400, "Ongeldige periode", str(exc), back)


def _report_context(report: dr.Report) -> dict:
    return {
        "r": report,
        "charts": charts_for(report),
        "quarters": dr.QUARTERS,
        "quarter_labels": dr.QUARTER_LABELS,
        "figure_text": dr.figure_text,
    }


def _report_name(report: dr.Report, ext: str) -> str:
    p = report.period
    return f"evaluatie-jaarplan-{p.year}" + (f"-k{p.quarter}" if p.quarter else "") + f".{ext}"


def _report_ref(report: dr.Report) -> str:
    p = report.period
    return f"{p.year}" + (f"-K{p.quarter}" if p.quarter else "")


@bp.route("/jaarplan/<int:year>/voortgang")
@access("login")
def report(year: int):
    found, refused = _report(year)
    if found is None:
        return refused
    return render_template(
        "plan/report.html", begun=dr.begun_quarters(year), **_report_context(found)
    )


@bp.route("/jaarplan/<int:year>/voortgang.pdf")
@access("login")
def report_pdf(year: int):
    found, refused = _report(year)
    if found is None:
        return refused
    from ..pdf import render_pdf

    html = render_template(
        "print/report.html",
        municipality=current_app.config.get("MUNICIPALITY", ""),
        made_on=today_local(),
        **_report_context(found),
    )
    data = render_pdf(html, **REPORT_PDF_OPTIONS)
    record("report_exported", found.version, person=current_person(), ref=_report_ref(found))
    db.session.commit()
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{_report_name(found, "pdf")}"'},
    )


@bp.route("/jaarplan/<int:year>/voortgang.csv")
@access("login")
def report_csv(year: int):
    found, refused = _report(year)
    if found is None:
        return refused
    record("report_exported", found.version, person=current_person(), ref=_report_ref(found))
    db.session.commit()
    return Response(
        dr.to_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_report_name(found, "csv")}"'},
    )
