from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import NumberRange

from ..forms import Form, coerce_id, max_length, optional, required

TEXT = [optional(), max_length(10_000)]


def coerce_choice(value) -> int:
    """A required select of ids with a placeholder option (value ""): 0 when none is chosen."""
    return 0 if value in ("", None) else coerce_id(value)


class PriorityForm(Form):
    heading = StringField(
        "Titel van de prioriteit",
        validators=[required("Geef de prioriteit een titel."), max_length(300)],
    )
    ambition = TextAreaField("Gezamenlijke ambitie of doel", validators=TEXT)
    results = TextAreaField("Resultaat", validators=TEXT)
    indicators = TextAreaField(
        "Indicatoren (één per regel)", validators=[optional(), max_length(5000)]
    )
    related_policy = TextAreaField("Samenhangend beleid", validators=TEXT)
    contribution_gemeente = TextAreaField("Bijdrage gemeente", validators=TEXT)
    contribution_politie = TextAreaField("Bijdrage politie", validators=TEXT)
    contribution_om = TextAreaField("Bijdrage O.M.", validators=TEXT)
    contribution_partners = TextAreaField("Bijdrage overige ketenpartners", validators=TEXT)
    partners = SelectMultipleField("Ketenpartners (organisaties)", coerce=coerce_id)


class CopyForm(Form):
    year = IntegerField(
        "Jaar van het nieuwe jaarplan",
        validators=[
            required("Vul het jaar in."),
            NumberRange(min=2000, max=2099, message="Kies een jaar tussen 2000 en 2099."),
        ],
    )


class AdoptForm(Form):
    meeting = SelectField(
        "Vergadering van het Driehoeksoverleg",
        coerce=coerce_choice,
        validators=[required("Kies de vergadering waarin het jaarplan is vastgesteld.")],
    )
    text = TextAreaField(
        "Tekst van het besluit",
        validators=[required("Vul de tekst van het besluit in."), max_length(5000)],
    )
