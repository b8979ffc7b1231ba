"""Forms of the beheer screens. Choices of related objects are filled in by the views."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, InputRequired, NumberRange

from ..domain.admin import STANDARD_KIND_LABELS
from ..forms import Form, choice, email_address, max_length, optional, required
from ..models.bodies import (
    CONFIDENTIALITY_LABELS,
    DIRECTION_LABELS,
    LEVEL_LABELS,
    PART_LABELS,
    PARTS,
    PURPOSE_LABELS,
)
from ..models.people import APP_ROLE_LABELS, ORGANISATION_KIND_LABELS


def _choices(labels: dict, keys=None) -> list[SelectChoice]:
    return [choice(k, labels[k]) for k in (keys or labels)]


def chosen():
    """A select that always needs a value (and is not labelled optional)."""
    return InputRequired(message="Maak een keuze.")


def id_or_none(value):
    """Select values are strings; '' means none."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class OrganisationForm(Form):
    name = StringField(
        "Naam", validators=[required("Vul de naam van de organisatie in."), max_length(200)]
    )
    short_name = StringField("Korte naam of afkorting", validators=[optional(), max_length(40)])
    kind = SelectField(
        "Soort organisatie",
        choices=_choices(ORGANISATION_KIND_LABELS),
        default="overig",
        validators=[chosen()],
    )
    description = TextAreaField("Omschrijving", validators=[optional(), max_length(2000)])


class PersonForm(Form):
    name = StringField("Naam", validators=[required("Vul de naam in."), max_length(200)])
    email = EmailField(
        "E-mailadres",
        validators=[required("Vul het e-mailadres in."), email_address(), max_length(254)],
    )
    phone = StringField("Telefoonnummer", validators=[optional(), max_length(40)])
    organisation_id = SelectField("Organisatie", choices=[], validate_choice=True)
    app_role = SelectField(
        "Rol in Overleg",
        choices=_choices(APP_ROLE_LABELS),
        default="deelnemer",
        validators=[chosen()],
    )
    active = BooleanField(
        "Actief (kan worden uitgenodigd en, met een account, inloggen)", default=True
    )


class PasswordForm(Form):
    password = PasswordField("Nieuw wachtwoord", validators=[required("Vul een wachtwoord in.")])
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[
            required("Herhaal het wachtwoord."),
            EqualTo("password", message="De twee wachtwoorden zijn niet gelijk."),
        ],
    )


class UnavailabilityForm(Form):
    start_date = DateField("Afwezig vanaf", validators=[InputRequired("Vul de eerste dag in.")])
    end_date = DateField("Afwezig tot en met", validators=[InputRequired("Vul de laatste dag in.")])
    reason = StringField("Reden", validators=[optional(), max_length(200)])


class RoleForm(Form):
    name = StringField(
        "Naam van de functie",
        validators=[required("Vul de naam van de functie in."), max_length(200)],
    )
    organisation_id = SelectField("Organisatie", choices=[])
    description = TextAreaField("Omschrijving", validators=[optional(), max_length(2000)])


class HoldingForm(Form):
    person_id = SelectField(
        "Functionaris", choices=[], validators=[required("Kies wie de functie vervult.")]
    )
    deputy_id = SelectField("Plaatsvervanger", choices=[])
    start_date = DateField("Vanaf", validators=[InputRequired("Vul de begindatum in.")])
    end_date = DateField("Tot en met", validators=[optional()])


class MeetingTypeForm(Form):
    name = StringField(
        "Naam", validators=[required("Vul de naam van de overlegvorm in."), max_length(200)]
    )
    code = StringField(
        "Code", validators=[required("Vul een korte code in, bijvoorbeeld tvo."), max_length(20)]
    )
    level = SelectField(
        "Niveau", choices=_choices(LEVEL_LABELS), default="tactisch", validators=[chosen()]
    )
    description = TextAreaField("Omschrijving", validators=[optional(), max_length(4000)])
    default_duration_minutes = IntegerField(
        "Standaardduur (minuten)",
        default=90,
        validators=[
            InputRequired("Vul de standaardduur in minuten in."),
            NumberRange(min=1, max=720, message="Kies een duur van 1 tot 720 minuten."),
        ],
    )
    default_location = StringField("Standaardlocatie", validators=[optional(), max_length(200)])
    agenda_deadline_days = IntegerField(
        "Agenda publiceren (werkdagen voor het overleg)",
        default=5,
        validators=[
            optional(),
            NumberRange(min=0, max=60, message="Kies 0 tot 60 werkdagen voor het overleg."),
        ],
    )
    default_confidentiality = SelectField(
        "Standaard vertrouwelijkheid",
        choices=_choices(CONFIDENTIALITY_LABELS),
        default="vertrouwelijk",
        validators=[chosen()],
    )
    retention_category = StringField(
        "Categorie selectielijst", validators=[optional(), max_length(20)]
    )
    retention_years = IntegerField(
        "Bewaartermijn (jaren)",
        validators=[
            optional(),
            NumberRange(min=1, max=200, message="Kies een bewaartermijn van 1 tot 200 jaar."),
        ],
    )
    active = BooleanField("Actief (kan worden gepland)", default=True)


class RosterEntryForm(Form):
    role_id = SelectField("Functie", choices=[], validators=[required("Kies een functie.")])
    part = SelectField(
        "Deelname als",
        choices=_choices(PART_LABELS, PARTS),
        default="member",
        validators=[chosen()],
    )


class RosterPartForm(Form):
    part = SelectField("Deelname als", choices=_choices(PART_LABELS, PARTS), validators=[chosen()])


class TemplateItemForm(Form):
    title = StringField(
        "Titel", validators=[required("Vul de titel van het agendapunt in."), max_length(200)]
    )
    standard_kind = SelectField(
        "Soort standaardpunt",
        choices=_choices(STANDARD_KIND_LABELS),
        default="overig",
        validators=[chosen()],
    )
    purpose = SelectField(
        "Doel", choices=_choices(PURPOSE_LABELS), default="informatie", validators=[chosen()]
    )
    duration_minutes = IntegerField(
        "Minuten",
        default=5,
        validators=[
            optional(strip_whitespace=True),
            NumberRange(min=0, max=480, message="Kies een duur van 0 tot 480 minuten."),
        ],
    )


class PathForm(Form):
    from_type_id = SelectField(
        "Van overleg", choices=[], validators=[required("Kies de overlegvorm waar het pad begint.")]
    )
    to_type_id = SelectField(
        "Naar overleg",
        choices=[],
        validators=[required("Kies de overlegvorm waar het pad heen gaat.")],
    )
    direction = SelectField(
        "Richting", choices=_choices(DIRECTION_LABELS), default="up", validators=[chosen()]
    )
