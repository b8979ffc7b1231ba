"""Jinja filters, globals and the navigation by role."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_login import current_user

from . import timeutil
from .access import allowed, rule_for

# (endpoint, label): shown to whoever the endpoint's access rule admits.
NAVIGATION: list[tuple[str, str]] = [
    ("main.home", "Home"),
    ("meetings.mine", "Mijn overleggen"),
    ("meetings.planning", "Planning"),
    ("topics.index", "Onderwerpen"),
    ("topics.escalations", "Escalaties"),
    ("minutes.my_actions", "Mijn actiepunten"),
    ("minutes.index", "Verslagen"),
    ("mail.outbox", "Verzonden berichten"),
    ("admin.index", "Beheer"),
    ("minutes.retention", "Bewaartermijnen"),
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
    # One current item: the one a view named (g.nav_current), the exact endpoint if listed,
    # else the first of the same area.
    marked = [i for i in items if i["current"]]
    if len(marked) > 1:
        wanted = g.get("nav_current") or request.endpoint
        keep = next((i for i in marked if i["endpoint"] == wanted), marked[0])
        for i in marked:
            i["current"] = i is keep
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
