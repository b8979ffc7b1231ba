from flask_wtf.file import FileField, FileRequired

from ..forms import Form


class UploadForm(Form):
    file = FileField(
        "Bestand", validators=[FileRequired(message="Kies een bestand om te uploaden.")]
    )
