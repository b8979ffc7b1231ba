"""Jinja filters, globals and the navigation by role."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from . import timeutil
from .access import allowed, current_person, rule_for

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
    """The menu of the person logged in: the entries their access rules admit, with the
    current one marked. What a role may open and the entries' addresses are the same on every
    request, so they are worked out once per application, role and script root."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    user = current_person()
    signed_in = bool(user.is_authenticated)
    key = (
        request.script_root,
        signed_in,
        signed_in and bool(user.is_secretary),
        signed_in and bool(user.is_admin),
    )
    menus = app.extensions.setdefault(_MENUS, {})
    menu = menus.get(key)
    if menu is None:
        menu = menus[key] = tuple(
            (endpoint, label, url_for(endpoint))
            for endpoint, label in NAVIGATION
            if endpoint in app.view_functions
            and (rule := rule_for(endpoint)) is not None
            and allowed(rule, user)
        )
    entries = app.extensions.get(_ENTRIES)
    if entries is None:
        entries = app.extensions[_ENTRIES] = [e for e, _ in NAVIGATION if e in app.view_functions]
    current = current_nav_endpoint(request.endpoint, g.get("nav_current"), entries)
    return [
        {"endpoint": endpoint, "label": label, "url": url, "current": endpoint == current}
        for endpoint, label, url in menu
    ]


# In app.extensions: the menu (endpoint, label, URL) per script root and role, and the
# endpoints of the menu this application has.
_MENUS = "overleg_menus"
_ENTRIES = "overleg_menu_entries"


def csrf_token() -> str:
    """Flask-WTF's ``csrf_token()`` for templates, without its configuration reads: the token
    it keeps in ``g`` for the request when there is one (a page with a form per agenda item,
    decision and action asks for it dozens of times), else Flask-WTF's own answer."""
    token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return token if token is not None else generate_csrf()


# An id no row has (ids stop at 2**31 - 1): where it stands in a built URL, another id goes.
_URL_SLOT = 9_876_543_210_123


def url_maker(endpoint: str, slot: str, **values: Any) -> Callable[[int], str]:
    """``url_for(endpoint, **values)`` for many ids at once: the URL is built once with a
    placeholder id for the ``<int:slot>`` argument, and each id is put in its place (a page
    with a few forms per agenda item paid for a route build per form)."""
    url = url_for(endpoint, **{**values, slot: _URL_SLOT})
    head, found, tail = url.partition(str(_URL_SLOT))
    if not found or str(_URL_SLOT) in tail:
        raise ValueError(f"{endpoint}: {slot} is no single path argument")

    def make(value: int) -> str:
        return f"{head}{int(value)}{tail}"

    return make


# A topic's status badge's kind (templates/_macros/ui.html's `badge`), per status
_TOPIC_STATUS_KINDS = {
    "nieuw": "neutral",
    "in_behandeling": "warning",
    "opgeschaald": "danger",
    "afgerond": "success",
}


@lru_cache(maxsize=64)
def _badge(text: str, status: str) -> Markup:
    """The HTML of the `badge` macro (templates/_macros/ui.html), kept per text and kind."""
    html = '<span class="utrecht-status-badge utrecht-status-badge--{}">{}</span>\n'
    return Markup(html).format(status, text)


def topic_status_badge(topic) -> Markup:
    """A topic's status as a badge. Functions, not macros: a list of fifty topics called a
    macro for two badges a row, some 0.4 ms of the page."""
    return _badge(topic.status_label, _TOPIC_STATUS_KINDS.get(topic.status, "neutral"))


def topic_conf_badge(topic) -> Markup:
    """A topic's confidentiality as a badge (`topic_status_badge`)."""
    if topic.is_casus:
        return _badge("Casus", "danger")
    if topic.confidentiality == "vertrouwelijk":
        return _badge("Vertrouwelijk", "warning")
    return _badge("Intern", "neutral")


# What a plain dict answers as attributes: its methods, nothing else (no instance __dict__).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, with ``{{ d.key }}`` on a plain dict looked up as a key at
    once. Jinja tries the attribute first and takes the key after its AttributeError; a plain
    dict has no attributes but dict's own, so the answer is the same, without an exception per
    read (the verslag's snapshot is dicts: some 800 reads a page)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        # Jinja's own lookup, written out: through super() every attribute a template reads
        # took three times as long (some thousand reads a page).
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def init_templating(app: Flask) -> None:
    """Call after ``csrf.init_app`` (its ``csrf_token`` global is replaced here)."""
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["url_maker"] = url_maker
    app.jinja_env.globals["topic_status_badge"] = topic_status_badge
    app.jinja_env.globals["topic_conf_badge"] = topic_conf_badge
    app.jinja_env.filters["nl_date"] = timeutil.nl_date
    app.jinja_env.filters["nl_time"] = timeutil.nl_time
    app.jinja_env.filters["nl_datetime"] = timeutil.nl_datetime
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # Flask-WTF also puts its own csrf_token into every template's context, which would hide
    # the global above in the page templates; this processor runs after its one and wins.
    @app.context_processor
    def _globals():
        return {
            "csrf_token": csrf_token,
            "municipality": app.config["MUNICIPALITY"],
            "navigation": navigation,
        }
