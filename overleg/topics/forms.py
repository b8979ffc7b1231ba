from wtforms import SelectField, StringField, TextAreaField

from ..forms import Form, choices, coerce_id, max_length, optional, required
from ..models.bodies import CONFIDENTIALITY_LABELS


class TopicForm(Form):
    title = StringField(
        "Titel", validators=[required("Geef het onderwerp een titel."), max_length(300)]
    )
    description = TextAreaField("Omschrijving", validators=[optional(), max_length(5000)])
    meeting_type = SelectField(
        "Overleg dat het onderwerp behandelt",
        coerce=coerce_id,
        validators=[required("Kies een overleg.")],
    )
    # the choices are the priorities of the topic's year; checked by plan.check_topic_theme
    theme = SelectField(
        "Prioriteit (thema)", coerce=coerce_id, validators=[optional()], validate_choice=False
    )
    aanbrenger = SelectField("Aanbrenger", coerce=coerce_id, validators=[optional()])
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
