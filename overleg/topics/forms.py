from wtforms import SelectField, StringField, TextAreaField

from ..forms import Form, choices, max_length, optional, required
from ..models.bodies import CONFIDENTIALITY_LABELS


class TopicForm(Form):
    title = StringField(
        "Titel", validators=[required("Geef het onderwerp een titel."), max_length(300)]
    )
    description = TextAreaField("Omschrijving", validators=[optional(), max_length(5000)])
    meeting_type = SelectField(
        "Overleg dat het onderwerp behandelt",
        coerce=int,
        validators=[required("Kies een overleg.")],
    )
    theme = SelectField("Prioriteit (thema)", coerce=int, validators=[optional()])
    aanbrenger = SelectField("Aanbrenger", coerce=int, validators=[optional()])
    confidentiality = SelectField(
        "Vertrouwelijkheid",
        choices=choices(CONFIDENTIALITY_LABELS),
        validators=[required("Kies de vertrouwelijkheid.")],
    )


class EditTopicForm(TopicForm):
    meeting_type = None


class StatusForm(Form):
    status = SelectField("Nieuwe status", validators=[required("Kies een status.")])
    note = StringField("Toelichting", validators=[optional(), max_length(500)])
