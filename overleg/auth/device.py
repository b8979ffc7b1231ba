"""Device cookies (OWASP "Slow down online guessing attacks with device cookies").

A browser that logged in to an account gets a signed cookie naming that account. Its owner's
next logins are then exempt from the per-account limit, so an attacker failing from other
addresses cannot lock the owner out; browsers without it meet the per-account limit as
before. Failures with a device cookie count against that cookie (DEVICE_RATE_LIMIT): a
stolen cookie does not allow unlimited guessing either. The per-address limit applies to all.
"""

from __future__ import annotations

import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "overleg_device"
SALT = "overleg-device-cookie"
MAX_AGE_DAYS = 365


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _normalise(email: str | None) -> str:
    return (email or "").strip().lower()


def device_of_request() -> dict | None:
    """The valid device cookie of this request ({"e": e-mail, "n": nonce}), or None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), str):
        return None
    return data


def trusted_for_submitted_account() -> bool:
    """Does this browser hold a device cookie for the account typed in the login form?"""
    device = device_of_request()
    return device is not None and device["e"] == _normalise(request.form.get("email"))


def device_key() -> str:
    device = device_of_request()
    return "login-device:" + (str(device.get("n")) if device else "none")


def issue(response: Response, email: str) -> None:
    """After a successful login: this browser is now a known device of the account."""
    value = _serializer().dumps({"e": _normalise(email), "n": secrets.token_urlsafe(16)})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE_DAYS * 86400,
        path="/inloggen",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
