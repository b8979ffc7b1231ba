"""Security headers, set once for every response (registered in create_app()).

- HTML gets a Content-Security-Policy with a nonce made for this request: scripts run only
  when they carry it (``<script nonce="{{ csp_nonce() }}" src=…>``), styles come from this
  site's files (or carry the nonce); templates hold no inline script, ``style=""`` or
  ``<style>`` (``tests/test_security_headers.py`` greps for them). Other responses (PDF,
  ``.ics``, downloads) keep the policy their view set, with framing refused.
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a Permissions-Policy that
  switches off the browser features Overleg never uses.
- ``Referrer-Policy: same-origin``, and ``no-referrer`` on routes whose URL carries a secret
  token (``@access("token")``, such as the calendar feed).
- ``Cache-Control: no-store`` on every response but the static files: pages, PDFs, ``.ics``
  and downloads behind the login never stay in a browser's or proxy's cache (the back button
  after logout shows nothing).
- ``Strict-Transport-Security`` in production (``OVERLEG_ENV=production``).
- ``Server: Overleg``: no versions (under gunicorn its own ``Server: gunicorn``, no version).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from .access import rule_for

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
SERVER = "Overleg"


def csp_nonce() -> str:
    """This request's nonce (made on first use), for ``<script nonce=…>`` in templates."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def _form_targets() -> str:
    """Besides this site, where a form may lead: the identity provider of single sign-on
    (the logout form's redirect ends the session there too)."""
    parts = urlsplit(current_app.config.get("OIDC_ISSUER") or "")
    if parts.scheme in ("https", "http") and parts.netloc:
        return f" {parts.scheme}://{parts.netloc}"
    return ""


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",  # data: for the empty favicon of base.html
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action 'self'{_form_targets()}",
            "frame-ancestors 'none'",
        )
    )


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    else:
        policy = headers.get("Content-Security-Policy")
        if not policy:
            headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        elif "frame-ancestors" not in policy:
            headers["Content-Security-Policy"] = f"{policy}; frame-ancestors 'none'"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    token_in_url = rule_for(request.endpoint) == "token"
    headers["Referrer-Policy"] = "no-referrer" if token_in_url else "same-origin"
    if not _is_static(request.endpoint):
        headers["Cache-Control"] = "no-store"
    if current_app.config.get("ENV_NAME") == "production":
        headers["Strict-Transport-Security"] = HSTS
    # The development server would name Werkzeug's and Python's versions; gunicorn sends its
    # own "Server: gunicorn", with no version, which a second header would only repeat.
    if not request.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):
        headers["Server"] = SERVER
    return response


def _new_nonce() -> None:
    # g lives as long as the app context, which a test may keep across requests
    g.pop("csp_nonce", None)


def init_security(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _new_nonce)
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
