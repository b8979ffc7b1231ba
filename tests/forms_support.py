"""Every form class of the app, for the tests that check all forms at once
(tests/test_form_widgets.py, tests/test_select_choices.py)."""

from __future__ import annotations

from overleg.forms import Form


def all_form_classes() -> list[type[Form]]:
    """Every subclass of the app's base form (overleg.forms.Form), once each. The
    blueprints define them at import, so call this after create_app."""
    seen: list[type[Form]] = []
    todo = list(Form.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.append(cls)
            todo.extend(cls.__subclasses__())
    return seen
