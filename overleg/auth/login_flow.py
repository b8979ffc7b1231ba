"""How a login completes: the first factor, the second step, and the one place where a
session starts.

Every way of logging in proves the first factor (the password form, or single sign-on) and
then calls ``after_first_factor(person, next_url, provider_mfa=...)``:

- no second step needed (``services.needs_second_factor`` is False): ``complete_login``
  at once;
- the person has TOTP: the browser's session holds a *pending* login (person id, time, where
  to go next) and goes to ``auth.second_factor`` (``/inloggen/code``), which asks the code or
  a recovery code and then calls ``complete_login``;
- the person must have a second factor (``MFA_REQUIRED_ROLES``) and has none: pending too,
  to ``auth.enrol_at_login`` (``/inloggen/tweede-factor``), which sets it up and then calls
  ``complete_login``.

Until then nobody is logged in: no server-side session exists, ``current_user`` is anonymous
and every page behind the login still sends to /inloggen. A pending login lasts
``PENDING_MINUTES``.

``complete_login`` starts the server-side session, writes the ``login`` event (with the
second factor used, if any), logs the person in for Flask-Login and gives the browser its
device cookie (``overleg.auth.device``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import datetime, timedelta

from flask import redirect, request, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from ..audit import record
from ..extensions import db
from ..models import Person
from ..timeutil import utcnow
from . import device
from .mfa import has_second_factor
from .services import needs_second_factor, start_session

PENDING_KEY = "login_pending"
PROVIDER_MFA = "provider_mfa"  # the identity provider asserted a second factor (session)
PENDING_MINUTES = 10


def after_first_factor(
    person: Person,
    next_url: str,
    *,
    provider_mfa: bool = False,
    method: str | None = None,
    keep: Mapping[str, str] | None = None,
) -> Response:
    """The first factor is proved (password or single sign-on): log in, or go on to the
    second step (or to setting one up). ``provider_mfa``: the identity provider asserted a
    second factor (its ``amr``/``acr``); Overleg's own is skipped and the ``login`` event
    says ``factor: provider``. ``method`` ("oidc"; None for the password) goes in the
    ``login`` event; ``keep``: values of the browser's session that survive into the login
    session (single sign-on's ID token, for the logout at the provider)."""
    if not needs_second_factor(person, provider_mfa=provider_mfa):
        return complete_login(
            person,
            next_url,
            second_factor="provider" if provider_mfa else None,
            method=method,
            keep=keep,
            provider_mfa=provider_mfa,
        )
    db.session.commit()  # a password rehashed at the first factor is kept
    session.clear()
    session[PENDING_KEY] = {
        "person": person.id,
        "at": utcnow().isoformat(),
        "next": next_url,
        "method": method,
        "keep": dict(keep or {}),
    }
    if has_second_factor(person):
        return redirect(url_for("auth.second_factor"))
    return redirect(url_for("auth.enrol_at_login"))


def pending_person() -> Person | None:
    """The person whose login waits for the second step in this browser, or None (none, or
    older than PENDING_MINUTES, or the account can no longer log in)."""
    raw = session.get(PENDING_KEY)
    if not isinstance(raw, dict) or not isinstance(raw.get("person"), int):
        return None
    started = None
    with suppress(TypeError, ValueError):
        started = datetime.fromisoformat(raw.get("at"))  # type: ignore[arg-type]
    if started is None or not timedelta(0) <= utcnow() - started <= timedelta(
        minutes=PENDING_MINUTES
    ):
        return None
    person = db.session.get(Person, raw["person"])
    if person is None or not person.active or not person.has_account:
        return None
    return person


def pending_next() -> str:
    raw = session.get(PENDING_KEY)
    target = raw.get("next") if isinstance(raw, dict) else None
    return target if isinstance(target, str) else url_for("main.home")


def pending_login_extras() -> dict:
    """What the pending login carries on to ``complete_login``: its ``method`` and ``keep``."""
    raw = session.get(PENDING_KEY)
    if not isinstance(raw, dict):
        return {}
    method = raw.get("method")
    keep = raw.get("keep")
    return {
        "method": method if isinstance(method, str) else None,
        "keep": {k: v for k, v in keep.items() if isinstance(v, str)}
        if isinstance(keep, dict)
        else None,
    }


def provider_mfa() -> bool:
    """Did the identity provider assert a second factor for this login session?"""
    return session.get(PROVIDER_MFA) is True


def complete_login(
    person: Person,
    next_url: str,
    *,
    second_factor: str | None = None,
    method: str | None = None,
    keep: Mapping[str, str] | None = None,
    provider_mfa: bool = False,
    response: Callable[[], Response] | None = None,
) -> Response:
    """The one place a login session starts (after every factor the login needs).

    ``second_factor``: what proved it besides the first factor ("totp", "recovery_code",
    "provider"), recorded in the ``login`` event. ``response``: makes the answer once the
    person is logged in (by default a redirect to ``next_url``)."""
    session.clear()  # a new session: nothing of the pending one (or an older one) is kept
    session.update(keep or {})
    session[PROVIDER_MFA] = bool(provider_mfa)
    start_session(person, request.remote_addr, request.user_agent.string)
    after = {"method": method} if method else {}
    if second_factor:
        after["factor"] = second_factor
    record("login", person, person=person, after=after or None)
    db.session.commit()
    login_user(person)
    answer = redirect(next_url) if response is None else response()
    device.issue(answer, person.email)
    return answer
