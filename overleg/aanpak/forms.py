from wtforms import DateField, SelectField, StringField, TextAreaField

from ..forms import Form, coerce_id, max_length, optional, required

DATE_MESSAGE = "Vul een geldige datum in (dd-mm-jjjj)."


def coerce_choice(value) -> int:
    """A select of ids with a placeholder or "none" option (value "" or 0): 0 when none."""
    return 0 if value in ("", None) else coerce_id(value)


def _date_messages(form, *names) -> None:
    for name in names:
        f = getattr(form, name)
        if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
            f.errors[:] = [DATE_MESSAGE]


class MeasureForm(Form):
    title = StringField(
        "Maatregel", validators=[required("Beschrijf de maatregel."), max_length(300)]
    )
    description = TextAreaField("Toelichting", validators=[optional(), max_length(5000)])
    organisation = SelectField(
        "Uitvoerende organisatie",
        coerce=coerce_choice,
        validators=[required("Kies de organisatie die de maatregel uitvoert.")],
    )
    contact = SelectField("Contactpersoon", coerce=coerce_choice, validators=[optional()])
    starts_on = DateField("Start", validators=[optional()])
    due_on = DateField("Gereed uiterlijk", validators=[optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        _date_messages(self, "starts_on", "due_on")
        return ok


class NoteForm(Form):
    noted_on = DateField("Datum", validators=[required("Vul de datum van de voortgang in.")])
    text = TextAreaField(
        "Voortgang", validators=[required("Beschrijf de voortgang."), max_length(5000)]
    )
    status = SelectField("Status", validators=[required("Kies de status.")])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        _date_messages(self, "noted_on")
        if self.status.errors and self.status.data:
            self.status.errors[:] = ["Kies een status uit de lijst."]
        return ok


class AdoptForm(Form):
    meeting = SelectField(
        "Vergadering",
        coerce=coerce_choice,
        validators=[required("Kies de vergadering waarin het plan van aanpak is vastgesteld.")],
    )
    text = TextAreaField(
        "Tekst van het besluit",
        validators=[required("Vul de tekst van het besluit in."), max_length(5000)],
    )


class PlainForm(Form):
    pass
