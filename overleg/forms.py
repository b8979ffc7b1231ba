"""Form base class and shared fields: Dutch messages from WTForms' own translations."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, i18n
from wtforms.validators import DataRequired, Email, Length, Optional


class Form(FlaskForm):
    """Every form of the application: CSRF from Flask-WTF, messages in Dutch."""

    class Meta:
        locales = ("nl_NL", "nl")

        def get_translations(self, form):
            return i18n.get_translations(self.locales)


def required(message: str = "Dit veld is verplicht."):
    return DataRequired(message=message)


def email_address():
    return Email(
        message="Vul een geldig e-mailadres in, bijvoorbeeld naam@example.org.",
        check_deliverability=False,
    )


def max_length(n: int):
    return Length(max=n, message=f"Gebruik hoogstens {n} tekens.")


optional = Optional


def choice(value, label: str | None = None) -> SelectChoice:
    """One option of a select, radio or checkbox list (WTForms 3.4 no longer takes tuples).

    The value may stay an int for a ``coerce=int`` field; it is rendered with ``str()``.
    """
    return SelectChoice(value, label)


def choices(pairs) -> list[SelectChoice]:
    """Options from ``(value, label)`` pairs, or from a ``{value: label}`` dict in its order."""
    if isinstance(pairs, dict):
        pairs = pairs.items()
    return [choice(value, label) for value, label in pairs]


MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A filter value as a database id or year: None when empty, not a number or out of range."""
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_ID else None
