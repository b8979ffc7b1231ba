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
    ("plan.index", "Jaarplan"),
    ("signals.triage", "Signalen"),
    ("minutes.my_actions", "Mijn actiepunten"),
    ("aanpak.mine", "Maatregelen"),
    ("minutes.index", "Verslagen"),
    ("search.index", "Zoeken"),
    ("mail.outbox", "Verzonden berichten"),
    ("admin.index", "Beheer"),
    ("minutes.retention", "Bewaartermijnen"),
]


def current_nav_endpoint(endpoint: str | None, named: str | None, entries: list[str]) -> str | None:
    """Which menu entry is current: the entry whose endpoint is the request's endpoint, else
    the one the view named (``g.nav_current``; a name that is no entry means none), else the
    only entry of the request's blueprint (none when the blueprint has several)."""
    if endpoint in entries:
        return endpoint
    if named:
        return named if named in entries else None
    if not endpoint or "." not in endpoint:
        return None
    blueprint = endpoint.split(".")[0]
    same = [e for e in entries if e.split(".")[0] == blueprint]
    return same[0] if len(same) == 1 else None


def navigation() -> list[dict]:
    entries = [e for e, _ in NAVIGATION if e in current_app.view_functions]
    current = current_nav_endpoint(request.endpoint, g.get("nav_current"), entries)
    items = []
    for endpoint, label in NAVIGATION:
        if endpoint not in current_app.view_functions:
            continue
        rule = rule_for(endpoint)
        if rule and allowed(rule, current_user):
            items.append({"endpoint": endpoint, "label": label, "current": endpoint == current})
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
