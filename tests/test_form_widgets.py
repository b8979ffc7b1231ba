"""overleg/forms.py renders WTForms' text inputs, number inputs, text areas and selects by
quicker copies of their widgets: the HTML is WTForms' own, for every field of every form of
the application, empty and filled with text that needs escaping."""

from __future__ import annotations

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms.widgets import html_params

from overleg.forms import _html_params, widget_html
from tests.forms_support import all_form_classes

pytestmark = pytest.mark.usefixtures("seeded")

HOSTILE = "A & B <b>\"quoted\"</b> 'single'"
ATTRIBUTES = [
    {},
    {"class": "utrecht-textbox utrecht-textbox--html-input"},
    {"class": "x", "aria-describedby": "a-help a-error", "aria-invalid": "true"},
    {"autofocus": True, "required": False, "placeholder": HOSTILE, "data-x": 3},
    {"id": False, "rows": 6, "title": Markup('<i>"safe"</i>')},
]


def test_html_params_as_wtforms():
    for attrs in ATTRIBUTES + [{"name": HOSTILE, "value": None, "data_role": "x", "for_": 1}]:
        assert _html_params(**attrs) == html_params(**attrs), attrs


@pytest.mark.parametrize("filled", [False, True])
def test_every_field_renders_as_wtforms_renders_it(app, filled):
    classes = all_form_classes()
    assert len(classes) > 20  # all blueprints are imported by create_app
    compared = {"input": 0, "textarea": 0, "select": 0}
    with app.test_request_context("/"):
        for cls in classes:
            form = cls(formdata=None)
            if filled:
                data = MultiDict()
                for field in form:
                    choices = getattr(field, "choices", None)
                    if choices:
                        first = next(iter(form[field.name].iter_choices()), None)
                        data.add(field.name, str(first.value) if first else HOSTILE)
                    else:
                        data.add(field.name, HOSTILE)
                form = cls(formdata=data)
            for field in form:
                for attrs in ATTRIBUTES:
                    ours = widget_html(field, dict(attrs))
                    theirs = field.widget(field, **dict(attrs))
                    assert str(ours) == str(theirs), (cls.__name__, field.name, attrs)
                    assert isinstance(ours, Markup)
                html = str(theirs)
                for tag in compared:
                    compared[tag] += html.startswith(f"<{tag}")
    # the quicker widgets were compared, not only the others
    assert all(n > 10 for n in compared.values()), compared
