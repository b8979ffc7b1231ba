"""Login, logout and own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from ..access import access
from ..audit import record, record_change
from ..domain import audit_changes as changes
from ..extensions import db, limiter
from ..models.people import person_by_email
from . import bp, device, sso_views
from .forms import ChangePasswordForm, ConfirmPasswordForm, LoginForm
from .login_flow import after_first_factor
from .reauth import confirmed_now
from .services import (
    authenticate,
    check_password,
    end_other_sessions,
    end_session,
    password_problem,
    set_password,
)


def _safe_next(target: str | None) -> str:
    """A local path to go to after login; anything that could leave the site goes home.

    Browsers treat a backslash like a slash and drop tabs and newlines, so
    ``/\\evil.example`` and ``/<TAB>/evil.example`` would leave the site too."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and target.isprintable()
        and " " not in target
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def _device_limit() -> str:
    return current_app.config["LOGIN_DEVICE_RATE_LIMIT"]


def _throttled_limit() -> str:
    """Which login limit refused the request: per address, per account or per device."""
    current = limiter.current_limit
    key = current.key if current is not None else ""
    if "login-device:" in key:
        return "per_device"
    return "per_account" if "login-account:" in key else "per_address"


@bp.after_request
def _audit_throttled_login(response):
    """A login refused by the rate limit (429) is logged: the account it was for, when the
    address is known (never the address typed), and which limit it hit."""
    if response.status_code == 429 and request.endpoint == "auth.login":
        known = person_by_email(request.form.get("email") or "")
        record("login_throttled", known, person=None, after={"limit": _throttled_limit()})
        db.session.commit()
    return response


def _account_key() -> str:
    """Failed logins also count per account, so rotating addresses does not help a guesser."""
    return "login-account:" + (request.form.get("email") or "").strip().lower()


@bp.route("/inloggen", methods=["GET", "POST"])
@access("public")
@limiter.limit(
    _login_limit,
    methods=["POST"],
    deduct_when=lambda r: r.status_code != 302,
    error_message="Te veel mislukte inlogpogingen. Wacht een paar minuten en probeer het dan opnieuw.",
)
@limiter.limit(
    _account_limit,
    key_func=_account_key,
    methods=["POST"],
    deduct_when=lambda r: r.status_code != 302,
    # a browser that logged in to this account before is not locked out by others' failures
    exempt_when=device.trusted_for_submitted_account,
    error_message="Te veel mislukte inlogpogingen voor dit account. Wacht een kwartier "
    "en probeer het dan opnieuw, of vraag de beheerder om hulp.",
)
@limiter.limit(
    _device_limit,
    key_func=device.device_key,
    methods=["POST"],
    deduct_when=lambda r: r.status_code != 302,
    exempt_when=lambda: not device.trusted_for_submitted_account(),
    error_message="Te veel mislukte inlogpogingen voor dit account. Wacht een kwartier "
    "en probeer het dan opnieuw, of vraag de beheerder om hulp.",
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        person = authenticate(form.email.data, form.password.data)
        if person is not None and not sso_views.password_login_allowed(person):
            # single sign-on only (PASSWORD_LOGIN off): the right password, still refused
            form.password.errors.append(sso_views.password_off_text())
            record("login_failed", person, person=None, after={"reason": "password_login_off"})
            db.session.commit()
            return render_template("auth/login.html", form=form), 403
        if person is not None:
            # logged in now, or on to the second step (overleg/auth/login_flow.py)
            return after_first_factor(person, _safe_next(request.args.get("next")))
        form.password.errors.append("Dit e-mailadres en wachtwoord horen niet bij elkaar.")
        # The typed address is never logged; a known person is named by id.
        known = person_by_email(form.email.data)
        record("login_failed", known, person=None, after=changes.login_failure(known))
        db.session.commit()
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/uitloggen", methods=["POST"])
@access("login")
def logout():
    id_token = session.get(sso_views.ID_TOKEN)
    record("logout", current_user)
    end_session(current_user.get_id())
    db.session.commit()
    logout_user()
    session.clear()
    flash("U bent uitgelogd.", "info")
    # signed in through the provider: end the session there too (end_session_endpoint)
    return sso_views.logout_redirect(id_token) or redirect(url_for("auth.login"))


@bp.route("/account/bevestigen", methods=["GET", "POST"])
@access("login")
@limiter.limit(
    _login_limit,
    methods=["POST"],
    deduct_when=lambda r: r.status_code != 302,
    error_message="Te veel mislukte pogingen. Wacht een paar minuten en probeer het dan opnieuw.",
)
def confirm_password():
    """Prove the password again before a sensitive change (overleg/auth/reauth.py)."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        allowed = sso_views.password_login_allowed(current_user)
        if allowed and check_password(current_user, form.password.data):
            confirmed_now()
            record("reauthenticated", current_user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(
            "Dit wachtwoord klopt niet." if allowed else sso_views.password_off_text()
        )
        record("reauth_failed", current_user)
        db.session.commit()
    status = 400 if request.method == "POST" else 200
    return render_template("auth/confirm_password.html", form=form), status


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@access("login")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data, (current_user.name, current_user.email))
        if not check_password(current_user, form.current.data):
            form.current.errors.append("Het huidige wachtwoord klopt niet.")
        elif problem:
            form.new.errors.append(problem)
        else:
            before = changes.account_state(current_user)
            set_password(current_user, form.new.data)
            end_other_sessions(current_user, current_user.get_id())
            record_change(changes.account_change("password_changed", current_user, before))
            db.session.commit()
            flash("Uw wachtwoord is gewijzigd. Andere sessies zijn afgemeld.", "success")
            return redirect(url_for("main.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status
