from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import Form, choice, choices, coerce_id, max_length, optional, required
from ..models.bodies import PURPOSE_LABELS
from ..models.topics import OUTCOME_KIND_LABELS

DURATION_MESSAGE = "Vul een duur in minuten in, van 0 tot 480."


def _duration():
    return IntegerField(
        "Duur (minuten)",
        default=15,
        validators=[
            InputRequired(message=DURATION_MESSAGE),
            NumberRange(min=0, max=480, message=DURATION_MESSAGE),
        ],
    )


class ItemForm(Form):
    topic = SelectField("Onderwerp", coerce=coerce_id, default=0, validators=[optional()])
    title = StringField("Titel", validators=[optional(), max_length(300)])
    description = TextAreaField("Toelichting", validators=[optional(), max_length(5000)])
    purpose = SelectField(
        "Doel",
        choices=choices(PURPOSE_LABELS),
        default="bespreking",
        validators=[required("Kies het doel van het agendapunt.")],
    )
    duration_minutes = _duration()
    presenter = StringField("Inbrenger / presentator", validators=[optional(), max_length(200)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.duration_minutes.errors:
            self.duration_minutes.errors = [DURATION_MESSAGE]
        if not self.topic.data and not (self.title.data or "").strip():
            self.title.errors = list(self.title.errors) + [
                "Geef het agendapunt een titel, of kies een onderwerp."
            ]
            ok = False
        return ok


class EditItemForm(ItemForm):
    topic = None

    def validate(self, extra_validators=None):
        ok = Form.validate(self, extra_validators)
        if self.duration_minutes.errors:
            self.duration_minutes.errors = [DURATION_MESSAGE]
        if not (self.title.data or "").strip():
            self.title.errors = list(self.title.errors) + ["Geef het agendapunt een titel."]
            ok = False
        return ok


class ProposeForm(Form):
    title = StringField(
        "Titel", validators=[required("Geef uw voorstel een titel."), max_length(300)]
    )
    description = TextAreaField("Toelichting", validators=[optional(), max_length(5000)])
    purpose = SelectField(
        "Doel",
        choices=choices(PURPOSE_LABELS),
        default="bespreking",
        validators=[required("Kies het doel van het agendapunt.")],
    )
    duration_minutes = _duration()


class DeclineForm(Form):
    reason = TextAreaField(
        "Reden",
        validators=[
            required("Geef een reden waarom het voorstel niet op de agenda komt."),
            max_length(1000),
        ],
    )


class EscalateForm(Form):
    to_type = SelectField(
        "Naar overleg",
        coerce=coerce_id,
        validators=[required("Kies een overleg.")],
        validate_choice=False,
    )
    question = TextAreaField(
        "Vraag aan het andere overleg",
        validators=[
            required("Geef aan wat er aan het andere overleg wordt gevraagd."),
            max_length(2000),
        ],
    )
    reason = TextAreaField(
        "Reden",
        validators=[required("Geef de reden van de opschaling of opdracht."), max_length(2000)],
    )
    meeting = SelectField(
        "Agenderen op", coerce=coerce_id, default=0, validators=[optional()], validate_choice=False
    )


class ConcludeForm(Form):
    outcome = TextAreaField(
        "Uitkomst", validators=[required("Beschrijf de uitkomst."), max_length(5000)]
    )
    outcome_kind = SelectField(
        "Soort",
        choices=[
            choice(k, "Alleen uitkomst (geen besluit of opdracht)" if k == "geen" else v)
            for k, v in OUTCOME_KIND_LABELS.items()
        ],
        default="geen",
        validators=[required("Kies de soort: alleen uitkomst, besluit of opdracht.")],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AccessForm(Form):
    guests = MultiCheckboxField(
        "Gasten die voor dit agendapunt zijn uitgenodigd", coerce=coerce_id, validate_choice=False
    )
    besloten = BooleanField("Besloten agendapunt: alleen voor de gekozen deelnemers")
    members = MultiCheckboxField(
        "Deelnemers bij het besloten agendapunt", coerce=coerce_id, validate_choice=False
    )
