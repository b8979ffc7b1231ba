from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo

from ..forms import Form, email_address, max_length, required


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class LoginForm(Form):
    email = EmailField(
        "E-mailadres",
        filters=[_strip],
        validators=[required("Vul uw e-mailadres in."), email_address(), max_length(254)],
    )
    password = PasswordField("Wachtwoord", validators=[required("Vul uw wachtwoord in.")])


class ConfirmPasswordForm(Form):
    password = PasswordField("Wachtwoord", validators=[required("Vul uw wachtwoord in.")])


class ChangePasswordForm(Form):
    current = PasswordField("Huidig wachtwoord", validators=[required()])
    new = PasswordField("Nieuw wachtwoord", validators=[required()])
    confirm = PasswordField(
        "Herhaal nieuw wachtwoord",
        validators=[
            required(),
            EqualTo("new", message="De twee nieuwe wachtwoorden zijn niet gelijk."),
        ],
    )


class SecondFactorForm(Form):
    code = StringField(
        "Code",
        filters=[_strip],
        validators=[required("Vul de code uit uw app of een herstelcode in."), max_length(40)],
    )


class EnrolForm(Form):
    code = StringField(
        "Code uit de app",
        filters=[_strip],
        validators=[required("Vul de code in die de app nu toont."), max_length(20)],
    )
