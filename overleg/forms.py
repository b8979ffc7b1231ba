"""Form base class and shared fields: Dutch messages from WTForms' own translations.

Every form refuses hostile input in one place (``Form.validate``), by field type, with the
rules of overleg/domain/input.py: a one-line text field (StringField, URLField, EmailField,
...) refuses every control character, CR/LF included; a TextAreaField keeps tab and line
breaks but refuses the rest; a DateField refuses dates outside 2000-2099. Password fields
are left alone (hashed, never shown or mailed), and so are hidden fields (not typed; the
view checks them, e.g. a version hash).
"""

from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
    i18n,
)
from wtforms.meta import clean_key
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import Input, NumberInput, Select, TextArea

from .domain.input import EARLIEST_DATE, LATEST_DATE, date_in_range, has_control_characters

SINGLE_LINE_MESSAGE = "Gebruik in dit veld geen regeleinden, tabs of andere stuurtekens."
MULTI_LINE_MESSAGE = "Deze tekst bevat stuurtekens (zoals een NUL-teken); haal die weg."
DATE_RANGE_MESSAGE = "Kies een datum tussen 1 januari 2000 en 31 december 2099."
PLACEHOLDER_OPTION = '<option value="">— kies —</option>'


def single_line(message: str = SINGLE_LINE_MESSAGE):
    """Validator: text on one line, without control characters (names, titles, links)."""

    def check(form, field):
        if isinstance(field.data, str) and has_control_characters(field.data):
            raise ValidationError(message)

    return check


def multi_line(message: str = MULTI_LINE_MESSAGE):
    """Validator: text that may hold tab and line breaks, but no other control characters."""

    def check(form, field):
        if isinstance(field.data, str) and has_control_characters(field.data, multiline=True):
            raise ValidationError(message)

    return check


def sensible_date(message: str = DATE_RANGE_MESSAGE):
    """Validator: a date between EARLIEST_DATE and LATEST_DATE (see domain/input.py)."""
    assert EARLIEST_DATE.year == 2000 and LATEST_DATE.year == 2099  # the message says so

    def check(form, field):
        if field.data is not None and not date_in_range(field.data):
            raise ValidationError(message)

    return check


def _input_validators(field) -> list:
    if isinstance(field, PasswordField | HiddenField):
        return []
    if isinstance(field, TextAreaField):
        return [multi_line()]
    if isinstance(field, StringField):
        return [single_line()]
    if isinstance(field, DateField):
        return [sensible_date()]
    return []


@cache
def _translations(locales: tuple[str, ...]):
    """WTForms' Dutch messages, read once per process: asked per form, gettext looks for the
    catalogue on disk and copies it every time (a page with a few forms paid for it each)."""
    return i18n.get_translations(locales)


class Form(FlaskForm):
    """Every form of the application: CSRF from Flask-WTF, messages in Dutch, and the
    input rules above on every text and date field."""

    class Meta:
        locales = ("nl_NL", "nl")

        def get_translations(self, form):
            return _translations(self.locales)

        def render_field(self, field, render_kw):
            """Hidden CSRF fields without an id (one page may hold several forms).

            HTML requires a required single select to start with an empty placeholder
            option (the Nu Html Checker refuses it otherwise): one is added to every such
            select whose first choice has a value. It is only shown: posted, "" is no valid
            choice and the field's required validator answers in Dutch."""
            if field.type == "CSRFTokenField":
                # several forms may share a page: their hidden CSRF fields take no id
                render_kw = {"id": False, **render_kw}
            # DefaultMeta.render_field, with quicker widgets where WTForms' own are used
            kw = {clean_key(k): v for k, v in render_kw.items()}
            other = getattr(field, "render_kw", None)
            if other:
                kw = {**{clean_key(k): v for k, v in other.items()}, **kw}
            html = widget_html(field, kw)
            if _needs_placeholder(field, render_kw):
                head, end, rest = str(html).partition(">")
                html = Markup(head + end + PLACEHOLDER_OPTION + rest)
            return html

    def validate(self, extra_validators=None):
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            rules = _input_validators(field)
            if rules:
                extra[name] = [*extra.get(name, []), *rules]
        return super().validate(extra)


class _Select(Select):
    """WTForms' select with the same HTML, its plain options made without ``html_params``
    (which formats every attribute through Markup: a select of 150 topics cost a few ms)."""

    def __call__(self, field, **kwargs):
        # A SelectField's plain options (no groups, no attributes of their own) in one pass,
        # without a Choice and a Markup per option: as WTForms' own, in a third of the time.
        if self.multiple or type(field).iter_choices is not SelectField.iter_choices:
            return super().__call__(field, **kwargs)
        given = field._choices_from_input(field.choices) or []
        if any(c.optgroup is not None or c.render_kw for c in given):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        data, coerce = field.data, field.coerce
        html = [f"<select {_html_params(name=field.name, **kwargs)}>"]
        for c in given:
            value = c.value
            # an id needs no escaping (a bool is no int here: WTForms writes "True")
            shown = (
                value
                if type(value) is int
                else escape(str(value) if value is True or value is False else value)
            )
            selected = "selected " if coerce(value) == data else ""
            label = escape(c.label or value)
            html.append(f'<option {selected}value="{shown}">{label}</option>')
        html.append("</select>")
        return Markup("".join(html))

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')


_SELECTS = {False: _Select(), True: _Select(multiple=True)}


def _html_params(**kwargs) -> Markup:
    """``wtforms.widgets.html_params`` with the same result, each attribute an f-string
    (WTForms formats every one through ``Markup.format``: a tenth of a millisecond a field)."""
    params: list[str] = []
    for k, v in sorted(kwargs.items()):
        k = clean_key(k)
        if v is True:
            params.append(escape(k))
        elif v is not False:
            v = escape(v).replace(Markup('"'), Markup("&quot;"))
            params.append(f'{escape(k)}="{v}"')
    return Markup(" ".join(params))


def _input(widget, field, **kwargs) -> Markup:
    """``wtforms.widgets.Input.__call__`` (and NumberInput's) with `_html_params`."""
    if isinstance(widget, NumberInput):
        for name in ("step", "min", "max"):
            if getattr(widget, name) is not None:
                kwargs.setdefault(name, getattr(widget, name))
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kwargs:
        kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
    flags = getattr(field, "flags", {})
    for k in dir(flags):
        if k in widget.validation_attrs and k not in kwargs:
            value = getattr(flags, k)
            kwargs[k] = value() if callable(value) else value
    return Markup(f"<input {_html_params(name=field.name, **kwargs)}>")


def _textarea(widget, field, **kwargs) -> Markup:
    """``wtforms.widgets.TextArea.__call__`` with `_html_params`."""
    kwargs.setdefault("id", field.id)
    flags = getattr(field, "flags", {})
    for k in dir(flags):
        if k in widget.validation_attrs and k not in kwargs:
            kwargs[k] = getattr(flags, k)
    params = _html_params(name=field.name, **kwargs)
    return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")


def widget_html(field, kw: dict) -> Markup:
    """The field's widget rendered with these (cleaned) attributes: WTForms' own text inputs,
    number inputs, text areas and selects by the quicker copies above (the same HTML,
    `tests/test_form_widgets.py`), any other widget by itself."""
    widget = field.widget
    call = type(widget).__call__
    if call is Input.__call__ or call is NumberInput.__call__:
        return _input(widget, field, **kw)
    if call is TextArea.__call__:
        return _textarea(widget, field, **kw)
    if type(widget) is Select:
        return _SELECTS[widget.multiple](field, **kw)
    return field.widget(field, **kw)


def _needs_placeholder(field, render_kw) -> bool:
    widget = getattr(field, "widget", None)
    if not isinstance(widget, Select) or widget.multiple:
        return False
    attrs = {**(getattr(field, "render_kw", None) or {}), **render_kw}
    if not attrs.get("required", getattr(field.flags, "required", False)):
        return False
    if int(attrs.get("size") or 1) > 1:
        return False
    if field.has_groups():
        first = next((c for _, group in field._iter_groups_normalized() for c in group), None)
    else:
        first = next(iter(field._iter_choices_normalized()), None)
    return first is not None and str(first.value) != ""


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


def coerce_id(value) -> int:
    """``coerce=`` of a select of database ids (0 for none): an int the database can hold,
    else ValueError, which the field shows as an invalid choice."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError("out of range")
    return number


def parse_id(value) -> int | None:
    """A filter value as a database id or year: None when empty, not a number or out of range."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= MAX_ID else None
