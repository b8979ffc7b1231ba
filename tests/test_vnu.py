"""The Nu Html Checker can fail (tests/vnu_support.py; the demo crawl runs it over every page),
and the two rules the forms keep for it: a placeholder first in every required select, and no
id on the hidden CSRF fields, so two forms fit on one page."""

from __future__ import annotations

import re

import pytest
from wtforms import SelectField

from overleg.forms import Form, choices, required
from tests import vnu_support

PAGE = '<!DOCTYPE html><html lang="nl"><head><title>Proef</title></head><body>{}</body></html>'


class TwoSelects(Form):
    kind = SelectField("Soort", choices=choices({"a": "A", "b": "B"}), validators=[required()])
    optional = SelectField("Vrij", choices=choices({"a": "A", "b": "B"}))
    placeholder = SelectField(
        "Met lege keuze", choices=choices({"": "geen", "b": "B"}), validators=[required()]
    )


def test_checker_reports_errors_with_their_url_and_passes_a_good_page():
    unavailable = vnu_support.missing()
    if unavailable:
        pytest.fail(unavailable)
    bad_select = '<select name="s" required><option value="a">A</option></select>'
    twice = '<input type="hidden" id="x" name="x"><input type="hidden" id="x" name="y">'
    errors = vnu_support.check_pages(
        {
            "/goed": PAGE.format("<p>Goed</p>"),
            "/keuze": PAGE.format(f"<label>S {bad_select}</label>"),
            "/dubbel": PAGE.format(twice),
        }
    )
    assert not [e for e in errors if e.startswith("/goed ")], errors
    assert any(e.startswith("/keuze r1: The first “option”") for e in errors), errors
    assert any(e.startswith("/dubbel r1: Duplicate ID “x”") for e in errors), errors


def test_required_selects_get_a_placeholder_and_csrf_fields_no_id(app):
    with app.test_request_context("/"):
        form = TwoSelects(meta={"csrf": True})
        kind, free, with_empty = str(form.kind()), str(form.optional()), str(form.placeholder())
        csrf = str(form.csrf_token)
    assert re.match(r'<select [^>]*required[^>]*><option value="">— kies —</option><option', kind)
    assert "— kies —" not in free and "required" not in free
    assert "— kies —" not in with_empty and '<option value="">geen</option>' in with_empty
    assert 'name="csrf_token"' in csrf and "id=" not in csrf


def test_the_placeholder_posted_is_refused_in_dutch(app):
    with app.test_request_context("/", method="POST", data={"kind": "", "placeholder": "b"}):
        form = TwoSelects(meta={"csrf": False})
        assert not form.validate()
        assert "Dit veld is verplicht." in form.kind.errors
