"""Jinja filters, globals and the navigation by role."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_login import current_user

from . import timeutil
from .access import allowed, rule_for

# (endpoint, label): shown to whoever the endpoint's access rule admits.
NAVIGATION: list[tuple[str, str]] = [
    ("main.home", "Home"),
    ("admin.index", "Beheer"),
]


def navigation() -> list[dict]:
    items = []
    for endpoint, label in NAVIGATION:
        if endpoint not in current_app.view_functions:
            continue
        rule = rule_for(endpoint)
        if rule and allowed(rule, current_user):
            area = endpoint.split(".")[0]
            current = request.endpoint is not None and request.endpoint.split(".")[0] == area
            items.append({"endpoint": endpoint, "label": label, "current": current})
    return items


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["nl_date"] = timeutil.nl_date
    app.jinja_env.filters["nl_time"] = timeutil.nl_time
    app.jinja_env.filters["nl_datetime"] = timeutil.nl_datetime
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals():
        return {
            "municipality": app.config["MUNICIPALITY"],
            "navigation": navigation,
        }
