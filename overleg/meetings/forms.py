from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, NumberRange

from ..forms import Form, choices, coerce_id, max_length, optional, required

DATE_MESSAGE = "Vul een geldige datum in (dd-mm-jjjj)."
TIME_MESSAGE = "Vul een geldige tijd in (uu:mm)."


def _url():
    return URL(message="Vul een geldige link in, beginnend met https://.")


class MeetingForm(Form):
    meeting_type = SelectField(
        "Overleg",
        coerce=coerce_id,
        validators=[required("Kies een overleg.")],
        validate_choice=True,
    )
    day = DateField("Datum", validators=[required(DATE_MESSAGE)])
    start = TimeField("Begintijd", validators=[required(TIME_MESSAGE)])
    end = TimeField("Eindtijd", validators=[optional()])
    location = StringField("Plaats", validators=[optional(), max_length(200)])
    online_url = URLField("Online link", validators=[optional(), max_length(500), _url()])
    remarks = TextAreaField("Opmerkingen", validators=[optional(), max_length(2000)])
    confirm = BooleanField("Toch opslaan")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # One clear Dutch message for a date or time that does not parse.
        for name, message in (
            ("day", DATE_MESSAGE),
            ("start", TIME_MESSAGE),
            ("end", TIME_MESSAGE),
        ):
            f = getattr(self, name)
            if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
                f.errors[:] = [message]
        return ok


class EditMeetingForm(MeetingForm):
    meeting_type = None


class CancelForm(Form):
    reason = TextAreaField(
        "Reden van annuleren",
        validators=[required("Geef een reden voor het annuleren."), max_length(1000)],
    )
    confirm = BooleanField("Ja, zet deze punten terug naar Te agenderen en annuleer het overleg")


class GuestForm(Form):
    person = SelectField(
        "Persoon", validators=[required("Kies een persoon.")], validate_choice=False
    )


class RsvpForm(Form):
    rsvp = RadioField(
        "Uw antwoord",
        choices=choices(
            [
                ("komt", "Ik kom"),
                ("komt_niet", "Ik kom niet"),
                ("onder_voorbehoud", "Onder voorbehoud"),
            ]
        ),
        validators=[required("Kies komt, komt niet of onder voorbehoud.")],
        validate_choice=False,
    )
    note = StringField("Toelichting", validators=[optional(), max_length(500)])


class PlainForm(Form):
    """Only the CSRF token (forms whose fields are built in the template)."""


class SeriesForm(Form):
    meeting_type = SelectField(
        "Overleg", coerce=coerce_id, validators=[required("Kies een overleg.")]
    )
    frequency = SelectField(
        "Herhaling",
        choices=choices(
            [
                ("weekly", "Wekelijks (elke N weken)"),
                ("monthly_weekday", "Maandelijks op een vaste weekdag"),
            ]
        ),
        validators=[required()],
    )
    interval = IntegerField(
        "Elke hoeveel weken of maanden",
        default=1,
        validators=[
            required("Vul een getal in."),
            NumberRange(min=1, max=52, message="Vul een getal tussen 1 en 52 in."),
        ],
    )
    weekday = SelectField(
        "Dag van de week",
        coerce=int,
        choices=choices(
            [
                (0, "maandag"),
                (1, "dinsdag"),
                (2, "woensdag"),
                (3, "donderdag"),
                (4, "vrijdag"),
                (5, "zaterdag"),
                (6, "zondag"),
            ]
        ),
        default=1,
    )
    week_of_month = SelectField(
        "Week van de maand (bij maandelijks)",
        coerce=int,
        choices=choices(
            [(1, "eerste"), (2, "tweede"), (3, "derde"), (4, "vierde"), (-1, "laatste")]
        ),
        default=1,
    )
    first_date = DateField("Eerste datum (vanaf)", validators=[required(DATE_MESSAGE)])
    start_time = TimeField("Begintijd", validators=[required(TIME_MESSAGE)])
    duration_minutes = IntegerField(
        "Duur in minuten",
        validators=[
            optional(),
            NumberRange(min=5, max=720, message="Vul een duur tussen 5 en 720 minuten in."),
        ],
    )
    until_date = DateField("Tot en met (einddatum)", validators=[optional()])
    occurrences = IntegerField(
        "Of: aantal keren",
        validators=[
            optional(),
            NumberRange(min=1, max=160, message="Vul een aantal tussen 1 en 160 in."),
        ],
    )
    location = StringField("Plaats", validators=[optional(), max_length(200)])
    online_url = URLField("Online link", validators=[optional(), max_length(500), _url()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for name, message in (
            ("first_date", DATE_MESSAGE),
            ("until_date", DATE_MESSAGE),
            ("start_time", TIME_MESSAGE),
        ):
            f = getattr(self, name)
            if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
                f.errors[:] = [message]
        for name in ("interval", "duration_minutes", "occurrences"):
            f = getattr(self, name)
            if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
                f.errors[:] = ["Vul een geheel getal in."]
        return ok


class EditSeriesForm(SeriesForm):
    meeting_type = None
