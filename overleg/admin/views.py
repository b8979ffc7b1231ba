"""Administration (beheerder): organisations, people and accounts, roles and who holds them,
meeting types with roster and agenda template, escalation paths.

A body's roster (vaste deelnemers) and agenda template are also kept by the secretaries
(``@access("secretaris")``); its settings and deletion stay with the beheerder.

Views stay thin: parse the form, call ``overleg.domain.admin``, render. A refused change
comes back as ``AdminError`` and is shown beside its field with status 400."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..access import access, current_person
from ..audit import record, record_change
from ..auth import mfa
from ..auth.reauth import recent_login
from ..auth.services import password_problem, set_password
from ..domain import admin as domain
from ..domain import audit_changes as changes
from ..domain.admin import AdminError
from ..domain.input import one_line
from ..extensions import db
from ..forms import choice
from ..models import (
    AgendaTemplateItem,
    EscalationPath,
    MeetingType,
    Organisation,
    Person,
    Role,
    RoleHolding,
    RosterEntry,
    Unavailability,
)
from ..models.bodies import (
    CONFIDENTIALITY_LABELS,
    DIRECTION_LABELS,
    LEVEL_LABELS,
    PART_LABELS,
    PURPOSE_LABELS,
)
from ..models.people import APP_ROLE_LABELS, ORGANISATION_KIND_LABELS
from ..timeutil import today_local
from . import bp
from .forms import (
    HoldingForm,
    MeetingTypeForm,
    OrganisationForm,
    PasswordForm,
    PathForm,
    PersonForm,
    RoleForm,
    RosterEntryForm,
    RosterPartForm,
    TemplateItemForm,
    UnavailabilityForm,
    id_or_none,
)

LABELS = {
    "app_role": APP_ROLE_LABELS,
    "kind": ORGANISATION_KIND_LABELS,
    "level": LEVEL_LABELS,
    "confidentiality": CONFIDENTIALITY_LABELS,
    "part": PART_LABELS,
    "purpose": PURPOSE_LABELS,
    "direction": DIRECTION_LABELS,
    "standard_kind": domain.STANDARD_KIND_LABELS,
}


@bp.context_processor
def _labels():
    return {"labels": LABELS}


# --- helpers ----------------------------------------------------------------------------


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def _list_params(sorts, default: str):
    q = one_line(request.args.get("q"), 100)  # a search term: on one line
    sort, direction = domain.normalise_sort(
        request.args.get("sort"), request.args.get("richting"), sorts, default
    )
    args = {"q": q} if q else {}
    return q, sort, direction, args


def _field_error(form, error: AdminError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = list(target.errors) + [error.message]
    else:
        form.form_errors.append(error.message)


def _status() -> int:
    return 400 if request.method == "POST" else 200


def _commit_or_refuse(message: str) -> bool:
    """Commit; on a database constraint (a concurrent change) roll back and flash."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        flash(message, "error")
        return False


def _delete(obj, event: str, label: str) -> bool:
    """Delete an object unless something uses it; the refusal (flashed) says what."""
    try:
        record(event, obj)
        if isinstance(obj, Person):
            domain.delete_person(obj, current_person())
        else:
            domain.delete_object(obj)
    except AdminError as err:
        db.session.rollback()
        flash(err.message, "error")
        return False
    if _commit_or_refuse(f"{label} kan niet worden verwijderd: het is nog in gebruik."):
        flash(f"{label} is verwijderd.", "success")
        return True
    return False


def _org_choices(blank: str = "— geen —"):
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return [choice("", blank)] + [choice(str(o.id), o.name) for o in orgs]


def _person_choices(blank: str):
    people = db.session.scalars(
        select(Person).options(joinedload(Person.organisation)).order_by(Person.name)
    ).all()
    choices = [choice("", blank)]
    for p in people:
        label = p.name
        if p.organisation:
            label += f" ({p.organisation.short_name or p.organisation.name})"
        if not p.active:
            label += " – inactief"
        choices.append(choice(str(p.id), label))
    return choices


def _type_choices(blank: str = "— kies —"):
    types = db.session.scalars(select(MeetingType).order_by(MeetingType.name)).all()
    return [choice("", blank)] + [choice(str(t.id), f"{t.name} ({t.code})") for t in types]


# --- index ------------------------------------------------------------------------------


@bp.route("/")
@access("beheerder")
def index():
    return render_template("admin/index.html", counts=domain.counts())


# --- organisations ----------------------------------------------------------------------


@bp.route("/organisaties")
@access("beheerder")
def organisations():
    q, sort, direction, args = _list_params(domain.ORGANISATION_SORTS, "naam")
    rows = domain.list_organisations(q, sort, direction)
    return render_template(
        "admin/organisations.html", rows=rows, q=q, sort=sort, direction=direction, args=args
    )


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
@access("beheerder")
def organisation_new():
    return _organisation_form(Organisation())


@bp.route("/organisaties/<int:org_id>", methods=["GET", "POST"])
@access("beheerder")
def organisation_edit(org_id: int):
    return _organisation_form(_get(Organisation, org_id))


def _organisation_form(org: Organisation):
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        new = org.id is None
        try:
            domain.save_organisation(
                org,
                name=form.name.data,
                short_name=form.short_name.data,
                kind=form.kind.data,
                description=form.description.data,
            )
            record("organisation_created" if new else "organisation_changed", org)
            if _commit_or_refuse("De organisatie kon niet worden opgeslagen. Probeer het opnieuw."):
                flash(
                    f"Organisatie ‘{org.name}’ is {'toegevoegd' if new else 'opgeslagen'}.",
                    "success",
                )
                return redirect(url_for(".organisations"))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    people: Sequence[Person] = []
    roles: Sequence[Role] = []
    if org.id is not None:
        people = db.session.scalars(
            select(Person).where(Person.organisation_id == org.id).order_by(Person.name)
        ).all()
        roles = db.session.scalars(
            select(Role).where(Role.organisation_id == org.id).order_by(Role.name)
        ).all()
    return render_template(
        "admin/organisation_form.html", form=form, org=org, people=people, roles=roles
    ), _status()


@bp.route("/organisaties/<int:org_id>/verwijderen", methods=["POST"])
@access("beheerder")
def organisation_delete(org_id: int):
    org = _get(Organisation, org_id)
    if _delete(org, "organisation_deleted", f"Organisatie ‘{org.name}’"):
        return redirect(url_for(".organisations"))
    return redirect(url_for(".organisation_edit", org_id=org_id))


# --- people -----------------------------------------------------------------------------


@bp.route("/personen")
@access("beheerder")
def people():
    q, sort, direction, args = _list_params(domain.PERSON_SORTS, "naam")
    app_role = request.args.get("rol") if request.args.get("rol") in APP_ROLE_LABELS else ""
    status = (
        request.args.get("status")
        if request.args.get("status") in ("actief", "inactief", "account", "gast")
        else ""
    )
    if app_role:
        args["rol"] = app_role
    if status:
        args["status"] = status
    rows = domain.list_people(q, sort, direction, app_role=app_role or None, status=status or None)
    return render_template(
        "admin/people.html",
        rows=rows,
        q=q,
        sort=sort,
        direction=direction,
        args=args,
        app_role=app_role,
        status=status,
    )


@bp.route("/personen/nieuw", methods=["GET", "POST"])
@access("beheerder")
@recent_login
def person_new():
    return _person_form(Person(active=True, app_role="deelnemer"))


@bp.route("/personen/<int:person_id>", methods=["GET", "POST"])
@access("beheerder")
@recent_login
def person_edit(person_id: int):
    return _person_form(_get(Person, person_id))


def _person_form(person: Person):
    form = PersonForm(obj=person)
    form.organisation_id.choices = _org_choices()
    if request.method == "GET":
        form.organisation_id.data = str(person.organisation_id or "")
    if form.validate_on_submit():
        new = person.id is None
        org_id = id_or_none(form.organisation_id.data)
        before = changes.person_state(person)
        try:
            domain.save_person(
                person,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                organisation=db.session.get(Organisation, org_id) if org_id else None,
                app_role=form.app_role.data,
                active=form.active.data,
                actor=current_person(),
            )
            if not new:
                record("person_changed", person)
            for change in changes.person_changes(person, before):
                record_change(change)
            if _commit_or_refuse("De persoon kon niet worden opgeslagen. Probeer het opnieuw."):
                if new:
                    flash(
                        f"{person.name} is toegevoegd. Maak hieronder een account aan als "
                        "deze persoon moet kunnen inloggen.",
                        "success",
                    )
                    return redirect(url_for(".person_account", person_id=person.id))
                flash(f"De gegevens van {person.name} zijn opgeslagen.", "success")
                return redirect(url_for(".people"))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    holdings: Sequence[RoleHolding] = []
    if person.id is not None:
        holdings = db.session.scalars(
            select(RoleHolding)
            .where((RoleHolding.person_id == person.id) | (RoleHolding.deputy_id == person.id))
            .options(joinedload(RoleHolding.role), joinedload(RoleHolding.person))
            .order_by(RoleHolding.start_date.desc())
        ).all()
    return render_template(
        "admin/person_form.html", form=form, person=person, holdings=holdings, today=today_local()
    ), _status()


@bp.route("/personen/<int:person_id>/verwijderen", methods=["POST"])
@access("beheerder")
@recent_login
def person_delete(person_id: int):
    person = _get(Person, person_id)
    if _delete(person, "person_deleted", person.name):
        return redirect(url_for(".people"))
    return redirect(url_for(".person_edit", person_id=person_id))


@bp.route("/personen/<int:person_id>/account", methods=["GET", "POST"])
@access("beheerder")
@recent_login
def person_account(person_id: int):
    person = _get(Person, person_id)
    form = PasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, (person.name, person.email))
        if problem:
            form.password.errors.append(problem)
        else:
            had_account = person.has_account
            before = changes.account_state(person)
            set_password(person, form.password.data)
            if person.id != current_person().id:
                domain.end_all_sessions(person)
            event = "account_password_set" if had_account else "account_created"
            record_change(changes.account_change(event, person, before))
            db.session.commit()
            flash(
                f"{person.name} kan inloggen met {person.email} en het nieuwe wachtwoord. "
                "Geef het wachtwoord op een veilige manier door.",
                "success",
            )
            return redirect(url_for(".person_account", person_id=person.id))
    return render_template(
        "admin/person_account.html",
        form=form,
        person=person,
        factor=mfa.second_factor_of(person),
        factor_required=mfa.required(person),
    ), _status()


@bp.route("/personen/<int:person_id>/account/verwijderen", methods=["POST"])
@access("beheerder")
@recent_login
def person_account_remove(person_id: int):
    person = _get(Person, person_id)
    before = changes.account_state(person)
    try:
        domain.remove_account(person, current_person())
        record_change(changes.account_change("account_removed", person, before))
        db.session.commit()
        flash(
            f"{person.name} kan niet meer inloggen; de persoon blijft bestaan als externe gast.",
            "success",
        )
    except AdminError as err:
        db.session.rollback()
        flash(err.message, "error")
    return redirect(url_for(".person_account", person_id=person_id))


@bp.route("/personen/<int:person_id>/tweede-factor/resetten", methods=["POST"])
@access("beheerder")
@recent_login
def person_second_factor_reset(person_id: int):
    """Remove someone's second factor (a lost phone, no recovery codes left): at the next
    login they set up a new one when it is required, else they log in with the password."""
    person = _get(Person, person_id)
    before = mfa.state(person)
    if mfa.remove(person):
        record("second_factor_reset", person, before=before, after=mfa.state(person))
        db.session.commit()
        flash(
            f"De tweede factor van {person.name} is verwijderd. Bij de volgende keer inloggen "
            + (
                "stelt de persoon een nieuwe in."
                if mfa.required(person)
                else "is alleen het wachtwoord nodig, tot de persoon een nieuwe instelt."
            ),
            "success",
        )
    else:
        flash(f"{person.name} heeft geen tweede factor ingesteld.", "info")
    return redirect(url_for(".person_account", person_id=person_id))


@bp.route("/personen/<int:person_id>/afwezigheid", methods=["GET", "POST"])
@access("beheerder")
def person_unavailability(person_id: int):
    person = _get(Person, person_id)
    form = UnavailabilityForm()
    if form.validate_on_submit():
        try:
            domain.add_unavailability(
                person, form.start_date.data, form.end_date.data, form.reason.data
            )
            record("person_changed", person)
            db.session.commit()
            flash("De afwezigheid is vastgelegd.", "success")
            return redirect(url_for(".person_unavailability", person_id=person_id))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    periods = db.session.scalars(
        select(Unavailability)
        .where(Unavailability.person_id == person.id)
        .order_by(Unavailability.start_date.desc())
    ).all()
    return render_template(
        "admin/person_unavailability.html",
        form=form,
        person=person,
        periods=periods,
        today=today_local(),
    ), _status()


@bp.route("/personen/<int:person_id>/afwezigheid/<int:item_id>/verwijderen", methods=["POST"])
@access("beheerder")
def person_unavailability_delete(person_id: int, item_id: int):
    item = _get(Unavailability, item_id)
    if item.person_id != person_id:
        abort(404)
    db.session.delete(item)
    record("person_changed", item.person)
    domain.rosters_changed()
    db.session.commit()
    flash("De afwezigheid is verwijderd.", "success")
    return redirect(url_for(".person_unavailability", person_id=person_id))


# --- roles and holdings -----------------------------------------------------------------


@bp.route("/functies")
@access("beheerder")
def roles():
    q, sort, direction, args = _list_params(domain.ROLE_SORTS, "naam")
    rows = domain.list_roles(q, sort, direction, day=today_local())
    return render_template(
        "admin/roles.html", rows=rows, q=q, sort=sort, direction=direction, args=args
    )


@bp.route("/functies/nieuw", methods=["GET", "POST"])
@access("beheerder")
def role_new():
    return _role_form(Role())


@bp.route("/functies/<int:role_id>", methods=["GET", "POST"])
@access("beheerder")
def role_edit(role_id: int):
    return _role_form(_get(Role, role_id))


def _role_form(role: Role):
    form = RoleForm(obj=role)
    form.organisation_id.choices = _org_choices()
    if request.method == "GET":
        form.organisation_id.data = str(role.organisation_id or "")
    if form.validate_on_submit():
        new = role.id is None
        org_id = id_or_none(form.organisation_id.data)
        try:
            domain.save_role(
                role,
                name=form.name.data,
                organisation=db.session.get(Organisation, org_id) if org_id else None,
                description=form.description.data,
            )
            record("role_created" if new else "role_changed", role)
            if _commit_or_refuse("De functie kon niet worden opgeslagen. Probeer het opnieuw."):
                flash(
                    f"Functie ‘{role.name}’ is {'toegevoegd' if new else 'opgeslagen'}.", "success"
                )
                if new:
                    return redirect(url_for(".holding_new", role_id=role.id))
                return redirect(url_for(".roles"))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    holdings: Sequence[RoleHolding] = []
    roster: Sequence[RosterEntry] = []
    if role.id is not None:
        holdings = db.session.scalars(
            select(RoleHolding)
            .where(RoleHolding.role_id == role.id)
            .options(joinedload(RoleHolding.person), joinedload(RoleHolding.deputy))
            .order_by(RoleHolding.start_date.desc())
        ).all()
        roster = db.session.scalars(
            select(RosterEntry)
            .where(RosterEntry.role_id == role.id)
            .options(joinedload(RosterEntry.meeting_type))
        ).all()
    return render_template(
        "admin/role_form.html",
        form=form,
        role=role,
        holdings=holdings,
        roster=roster,
        today=today_local(),
    ), _status()


@bp.route("/functies/<int:role_id>/verwijderen", methods=["POST"])
@access("beheerder")
def role_delete(role_id: int):
    role = _get(Role, role_id)
    if _delete(role, "role_deleted", f"Functie ‘{role.name}’"):
        return redirect(url_for(".roles"))
    return redirect(url_for(".role_edit", role_id=role_id))


@bp.route("/functies/<int:role_id>/bezetting/nieuw", methods=["GET", "POST"])
@access("beheerder")
@recent_login
def holding_new(role_id: int):
    role = _get(Role, role_id)
    return _holding_form(role, RoleHolding())


@bp.route("/functies/<int:role_id>/bezetting/<int:holding_id>", methods=["GET", "POST"])
@access("beheerder")
@recent_login
def holding_edit(role_id: int, holding_id: int):
    role = _get(Role, role_id)
    holding = _get(RoleHolding, holding_id)
    if holding.role_id != role.id:
        abort(404)
    return _holding_form(role, holding)


def _holding_form(role: Role, holding: RoleHolding):
    form = HoldingForm(obj=holding)
    form.person_id.choices = _person_choices("— kies een persoon —")
    form.deputy_id.choices = _person_choices("— geen plaatsvervanger —")
    if request.method == "GET":
        form.person_id.data = str(holding.person_id or "")
        form.deputy_id.data = str(holding.deputy_id or "")
        if holding.id is None:
            # a successor starts the day after the last holder left
            ends = [h.end_date for h in role.holdings]
            form.start_date.data = (
                (max(ends) + timedelta(days=1)) if ends and all(ends) else today_local()
            )
    if form.validate_on_submit():
        new = holding.id is None
        before = changes.holding_state(holding)
        person = db.session.get(Person, id_or_none(form.person_id.data) or 0)
        deputy_id = id_or_none(form.deputy_id.data)
        deputy = db.session.get(Person, deputy_id) if deputy_id else None
        try:
            if person is None:
                raise AdminError("Kies wie de functie vervult.", "person_id")
            domain.save_holding(
                holding,
                role=role,
                person=person,
                deputy=deputy,
                start=form.start_date.data,
                end=form.end_date.data,
            )
            event = "role_holding_created" if new else "role_holding_changed"
            if record_change(changes.holding_change(event, holding, before)) is None:
                record(event, role)  # saved unchanged
            if _commit_or_refuse("De bezetting kon niet worden opgeslagen. Probeer het opnieuw."):
                flash(f"De bezetting van {role.name} is opgeslagen.", "success")
                return redirect(url_for(".role_edit", role_id=role.id))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    others = [h for h in role.holdings if h.id != holding.id]
    return render_template(
        "admin/holding_form.html", form=form, role=role, holding=holding, others=others
    ), _status()


@bp.route("/functies/<int:role_id>/bezetting/<int:holding_id>/verwijderen", methods=["POST"])
@access("beheerder")
@recent_login
def holding_delete(role_id: int, holding_id: int):
    holding = _get(RoleHolding, holding_id)
    if holding.role_id != role_id:
        abort(404)
    role = holding.role
    before = changes.holding_state(holding)
    record_change(changes.holding_change("role_holding_deleted", holding, before))
    db.session.delete(holding)
    domain.rosters_changed(role=role)
    db.session.commit()
    flash("De bezetting is verwijderd.", "success")
    return redirect(url_for(".role_edit", role_id=role_id))


# --- meeting types ----------------------------------------------------------------------


@bp.route("/overlegvormen")
@access("beheerder")
def meeting_types():
    q, sort, direction, args = _list_params(domain.MEETING_TYPE_SORTS, "naam")
    rows = domain.list_meeting_types(q, sort, direction)
    return render_template(
        "admin/meeting_types.html", rows=rows, q=q, sort=sort, direction=direction, args=args
    )


@bp.route("/overlegvormen/nieuw", methods=["GET", "POST"])
@access("beheerder")
def meeting_type_new():
    return _meeting_type_form(
        MeetingType(
            default_duration_minutes=90,
            level="tactisch",
            default_confidentiality="vertrouwelijk",
            active=True,
        )
    )


@bp.route("/overlegvormen/<int:type_id>", methods=["GET", "POST"])
@access("beheerder")
def meeting_type_edit(type_id: int):
    return _meeting_type_form(_get(MeetingType, type_id))


def _meeting_type_form(mt: MeetingType):
    form = MeetingTypeForm(obj=mt)
    if form.validate_on_submit():
        new = mt.id is None
        try:
            domain.save_meeting_type(mt, **{f.name: f.data for f in form if f.name != "csrf_token"})
            record("meeting_type_created" if new else "meeting_type_changed", mt)
            if _commit_or_refuse("De overlegvorm kon niet worden opgeslagen. Probeer het opnieuw."):
                flash(
                    f"Overlegvorm ‘{mt.name}’ is {'toegevoegd' if new else 'opgeslagen'}.",
                    "success",
                )
                if new:
                    return redirect(url_for(".meeting_type_roster", type_id=mt.id))
                return redirect(url_for(".meeting_types"))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    return render_template("admin/meeting_type_form.html", form=form, mt=mt), _status()


@bp.route("/overlegvormen/<int:type_id>/verwijderen", methods=["POST"])
@access("beheerder")
def meeting_type_delete(type_id: int):
    mt = _get(MeetingType, type_id)
    if _delete(mt, "meeting_type_deleted", f"Overlegvorm ‘{mt.name}’"):
        return redirect(url_for(".meeting_types"))
    return redirect(url_for(".meeting_type_edit", type_id=type_id))


@bp.route("/overlegvormen/<int:type_id>/deelnemers", methods=["GET", "POST"])
@access("secretaris")
def meeting_type_roster(type_id: int):
    mt = _get(MeetingType, type_id)
    form = _roster_form()
    if form.validate_on_submit():
        role = db.session.get(Role, id_or_none(form.role_id.data) or 0)
        try:
            if role is None:
                raise AdminError("Kies een functie.", "role_id")
            domain.add_roster_entry(mt, role, form.part.data)
            record("meeting_type_changed", mt)
            if _commit_or_refuse("De functie kon niet worden toegevoegd. Probeer het opnieuw."):
                flash(f"{role.name} is toegevoegd aan de vaste deelnemers.", "success")
                return redirect(url_for(".meeting_type_roster", type_id=type_id))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    return _render_roster(mt, form, status=_status())


def _roster_form(blank: bool = False) -> RosterEntryForm:
    """The add-a-role form; ``blank`` ignores the request (another form was posted)."""
    form = RosterEntryForm(formdata=None) if blank else RosterEntryForm()
    roles = db.session.scalars(select(Role).order_by(Role.name)).all()
    form.role_id.choices = [choice("", "— kies een functie —")] + [
        choice(str(r.id), r.name) for r in roles
    ]
    return form


def _render_roster(mt: MeetingType, form, status: int = 200, part_errors=None):
    entries = domain.roster_with_roles(mt)
    return render_template(
        "admin/meeting_type_roster.html",
        mt=mt,
        form=form,
        entries=entries,
        today=today_local(),
        part_errors=part_errors or {},
    ), status


@bp.route("/overlegvormen/<int:type_id>/deelnemers/<int:entry_id>", methods=["POST"])
@access("secretaris")
def roster_entry_update(type_id: int, entry_id: int):
    entry = _get(RosterEntry, entry_id)
    if entry.meeting_type_id != type_id:
        abort(404)
    form = RosterPartForm()
    if not form.validate_on_submit():
        message = "Kies hoe de functie deelneemt: voorzitter, lid, adviseur of secretaris."
        return _render_roster(
            entry.meeting_type,
            _roster_form(blank=True),
            status=400,
            part_errors={entry.id: message},
        )
    domain.change_roster_part(entry, form.part.data)
    record("meeting_type_changed", entry.meeting_type)
    db.session.commit()
    flash(f"{entry.role.name} neemt deel als {entry.part_label.lower()}.", "success")
    return redirect(url_for(".meeting_type_roster", type_id=type_id))


@bp.route("/overlegvormen/<int:type_id>/deelnemers/<int:entry_id>/verwijderen", methods=["POST"])
@access("secretaris")
def roster_entry_delete(type_id: int, entry_id: int):
    entry = _get(RosterEntry, entry_id)
    if entry.meeting_type_id != type_id:
        abort(404)
    name = entry.role.name
    mt = entry.meeting_type
    record("meeting_type_changed", mt)
    db.session.delete(entry)
    domain.rosters_changed(meeting_type=mt)
    db.session.commit()
    flash(f"{name} is van de vaste deelnemers gehaald.", "success")
    return redirect(url_for(".meeting_type_roster", type_id=type_id))


@bp.route("/overlegvormen/<int:type_id>/agenda", methods=["GET", "POST"])
@access("secretaris")
def meeting_type_template(type_id: int):
    mt = _get(MeetingType, type_id)
    form = TemplateItemForm()
    if form.validate_on_submit():
        domain.add_template_item(
            mt,
            title=form.title.data,
            standard_kind=form.standard_kind.data,
            purpose=form.purpose.data,
            duration_minutes=form.duration_minutes.data or 0,
        )
        record("meeting_type_changed", mt)
        db.session.commit()
        flash(f"‘{form.title.data.strip()}’ is toegevoegd aan de standaardagenda.", "success")
        return redirect(url_for(".meeting_type_template", type_id=type_id))
    items = db.session.scalars(
        select(AgendaTemplateItem)
        .where(AgendaTemplateItem.meeting_type_id == mt.id)
        .order_by(AgendaTemplateItem.position, AgendaTemplateItem.id)
    ).all()
    return render_template(
        "admin/meeting_type_template.html", mt=mt, form=form, items=items
    ), _status()


def _template_item(type_id: int, item_id: int) -> AgendaTemplateItem:
    item = _get(AgendaTemplateItem, item_id)
    if item.meeting_type_id != type_id:
        abort(404)
    return item


@bp.route("/overlegvormen/<int:type_id>/agenda/<int:item_id>", methods=["GET", "POST"])
@access("secretaris")
def template_item_edit(type_id: int, item_id: int):
    item = _template_item(type_id, item_id)
    form = TemplateItemForm(obj=item)
    if form.validate_on_submit():
        domain.save_template_item(
            item,
            title=form.title.data,
            standard_kind=form.standard_kind.data,
            purpose=form.purpose.data,
            duration_minutes=form.duration_minutes.data or 0,
        )
        record("meeting_type_changed", item.meeting_type)
        db.session.commit()
        flash("Het agendapunt is opgeslagen.", "success")
        return redirect(url_for(".meeting_type_template", type_id=type_id))
    return render_template(
        "admin/template_item_form.html", mt=item.meeting_type, item=item, form=form
    ), _status()


@bp.route(
    "/overlegvormen/<int:type_id>/agenda/<int:item_id>/<any(omhoog, omlaag):where>",
    methods=["POST"],
)
@access("secretaris")
def template_item_move(type_id: int, item_id: int, where: str):
    item = _template_item(type_id, item_id)
    domain.move_template_item(item, -1 if where == "omhoog" else 1)
    record("meeting_type_changed", item.meeting_type)
    db.session.commit()
    return redirect(url_for(".meeting_type_template", type_id=type_id) + f"#punt-{item.id}")


@bp.route("/overlegvormen/<int:type_id>/agenda/<int:item_id>/verwijderen", methods=["POST"])
@access("secretaris")
def template_item_delete(type_id: int, item_id: int):
    item = _template_item(type_id, item_id)
    title = item.title
    record("meeting_type_changed", item.meeting_type)
    domain.delete_template_item(item)
    db.session.commit()
    flash(f"‘{title}’ is van de standaardagenda gehaald.", "success")
    return redirect(url_for(".meeting_type_template", type_id=type_id))


# --- escalation paths -------------------------------------------------------------------


@bp.route("/escalatiepaden", methods=["GET", "POST"])
@access("beheerder")
def paths():
    q, sort, direction, args = _list_params(domain.PATH_SORTS, "van")
    form = PathForm()
    form.from_type_id.choices = _type_choices()
    form.to_type_id.choices = _type_choices()
    if form.validate_on_submit():
        src = db.session.get(MeetingType, id_or_none(form.from_type_id.data) or 0)
        dst = db.session.get(MeetingType, id_or_none(form.to_type_id.data) or 0)
        try:
            if src is None:
                raise AdminError("Kies de overlegvorm waar het pad begint.", "from_type_id")
            if dst is None:
                raise AdminError("Kies de overlegvorm waar het pad heen gaat.", "to_type_id")
            path = domain.add_path(src, dst, form.direction.data)
            record("escalation_path_created", path)
            if _commit_or_refuse("Het pad kon niet worden toegevoegd. Probeer het opnieuw."):
                flash(f"Het pad van {src.name} naar {dst.name} is toegevoegd.", "success")
                return redirect(url_for(".paths"))
        except AdminError as err:
            db.session.rollback()
            _field_error(form, err)
    rows = domain.list_paths(q, sort, direction)
    return render_template(
        "admin/paths.html", rows=rows, form=form, q=q, sort=sort, direction=direction, args=args
    ), _status()


@bp.route("/escalatiepaden/<int:path_id>/verwijderen", methods=["POST"])
@access("beheerder")
def path_delete(path_id: int):
    path = _get(EscalationPath, path_id)
    text = f"Het pad van {path.from_type.name} naar {path.to_type.name}"
    record("escalation_path_deleted", path)
    db.session.delete(path)
    db.session.commit()
    flash(f"{text} is verwijderd.", "success")
    return redirect(url_for(".paths"))
