from wtforms import EmailField, SelectField, StringField, TextAreaField

from ..forms import Form, choices, email_address, max_length, optional, required
from ..models.bodies import CONFIDENTIALITY_LABELS
from ..plan.forms import coerce_choice


class SignalForm(Form):
    what = TextAreaField(
        "Wat is er aan de hand?",
        validators=[required("Beschrijf wat er aan de hand is."), max_length(4000)],
    )
    location = StringField(
        "Waar is het?",
        validators=[required("Vul in waar het is (straat, plek of wijk)."), max_length(300)],
    )
    theme = SelectField("Onderwerp", validators=[required("Kies een onderwerp, of ‘Anders’.")])
    name = StringField("Uw naam", validators=[optional(), max_length(200)])
    email = EmailField("Uw e-mailadres", validators=[optional(), email_address(), max_length(254)])
    phone = StringField("Uw telefoonnummer", validators=[optional(), max_length(40)])
    # the honeypot: hidden from people, filled in by robots
    website = StringField("Laat dit veld leeg", validators=[optional()])


class TopicFromSignalForm(Form):
    meeting_type = SelectField(
        "Overleg dat het onderwerp behandelt",
        coerce=coerce_choice,
        validators=[required("Kies een overleg.")],
    )
    title = StringField(
        "Titel van het onderwerp",
        validators=[required("Geef het onderwerp een titel."), max_length(300)],
    )
    description = TextAreaField(
        "Omschrijving (in uw eigen woorden, zonder gegevens van de inwoner)",
        validators=[optional(), max_length(5000)],
    )
    confidentiality = SelectField(
        "Vertrouwelijkheid",
        choices=choices([("", "Kies de vertrouwelijkheid"), *CONFIDENTIALITY_LABELS.items()]),
        validators=[required("Kies de vertrouwelijkheid.")],
    )


class MergeForm(Form):
    topic = SelectField(
        "Bestaand onderwerp", coerce=coerce_choice, validators=[required("Kies een onderwerp.")]
    )


class CloseForm(Form):
    reason = TextAreaField(
        "Reden van sluiten (alleen voor de gemeente; de inwoner krijgt een algemeen bericht)",
        validators=[required("Vul de reden in."), max_length(2000)],
    )
