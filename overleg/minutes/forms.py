from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional as OptionalValidator

from ..forms import Form, max_length, optional, required

DATE_MESSAGE = "Vul een geldige datum in (dd-mm-jjjj)."


class NotesForm(Form):
    notes = TextAreaField("Aantekeningen", validators=[optional(), max_length(50000)])
    version = IntegerField("Versie", validators=[OptionalValidator()])
    base = HiddenField("Basis")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.version.errors:  # a hidden field: say it where the user looks
            self.notes.errors = [
                *self.notes.errors,
                "Deze pagina is niet meer geldig. Laad het verslag opnieuw en sla dan op.",
            ]
        return ok


class DecisionForm(Form):
    text = TextAreaField(
        "Besluit", validators=[required("Vul de tekst van het besluit in."), max_length(5000)]
    )


class ActionForm(Form):
    what = TextAreaField(
        "Actie", validators=[required("Beschrijf wat er moet gebeuren."), max_length(2000)]
    )
    owner = SelectField(
        "Wie", validators=[required("Kies wie het actiepunt uitvoert.")], validate_choice=True
    )
    due_date = DateField("Uiterlijk", validators=[optional()])
    # the measure of the topic's plan van aanpak the action belongs to ("" or absent: none);
    # checked against the item's topic by the domain
    measure = StringField("Maatregel", validators=[optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        f = self.due_date
        if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
            f.errors[:] = [DATE_MESSAGE]
        if self.owner.errors and self.owner.data:
            self.owner.errors[:] = ["Kies een persoon of organisatie uit de lijst."]
        return ok


class CloseActionForm(Form):
    note = StringField("Toelichting", validators=[optional(), max_length(1000)])


class PlainForm(Form):
    pass


class CorrectionForm(Form):
    reason = TextAreaField(
        "Reden van de correctie",
        validators=[required("Geef de reden van de correctie op."), max_length(2000)],
    )


def _filter(label: str, **kwargs) -> SelectField:
    """A filter's select: any value is taken (the view checks it); its options are written in
    one pass by the form's quicker select (`overleg.forms`), a year's topics and all."""
    return SelectField(
        label,
        validators=[optional()],
        validate_choice=False,
        **kwargs,
    )


class DecisionFilterForm(Form):
    class Meta:
        csrf = False

    jaar = _filter("Jaar")
    thema = _filter("Thema")
    onderwerp = _filter("Onderwerp")
    tekst = StringField("Zoek in tekst", validators=[optional(), max_length(200)])


class ActionFilterForm(Form):
    class Meta:
        csrf = False

    status = _filter(
        "Status",
        choices=[
            SelectChoice("", "Alle"),
            SelectChoice("open", "Open"),
            SelectChoice("afgerond", "Afgerond"),
            SelectChoice("verlopen", "Verlopen"),
        ],
    )
    jaar = _filter("Jaar")
    thema = _filter("Thema")
    onderwerp = _filter("Onderwerp")
    tekst = StringField("Zoek in tekst", validators=[optional(), max_length(200)])


class HoldForm(Form):
    reason = TextAreaField(
        "Reden van de bevriezing",
        validators=[required("Vul de reden van de bevriezing in."), max_length(500)],
    )
    held_since = DateField(
        "Bewaarplicht vanaf",
        validators=[required("Vul de datum in vanaf wanneer de bewaarplicht geldt.")],
    )


class LiftHoldForm(Form):
    reason = StringField(
        "Reden van de opheffing",
        validators=[required("Vul de reden van de opheffing in."), max_length(500)],
    )
