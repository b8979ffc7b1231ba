"""The second factor's pages: the second step of the login, setting up TOTP (at the login
when it is required, or from one's own account), recovery codes, switching it off.

The login itself is described in ``overleg/auth/login_flow.py``; the storage and the rules
in ``overleg/auth/mfa.py`` and ``overleg/domain/second_factor.py``."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..access import access
from ..audit import record
from ..domain import second_factor as rules
from ..extensions import db, limiter
from ..models import Person
from . import bp, mfa
from .forms import EnrolForm, SecondFactorForm
from .login_flow import (
    after_first_factor,
    complete_login,
    pending_login_extras,
    pending_next,
    pending_person,
    provider_mfa,
)
from .reauth import recent_login
from .services import SECOND_FACTOR_LOADED

ENROL_KEY = "mfa_enrol"  # the secret being set up, encrypted, with its person
WRONG_CODE = "Deze code klopt niet of is al gebruikt. Typ de code die uw app nu toont."
THROTTLED = (
    "Te veel onjuiste codes. Wacht een paar minuten en probeer het dan opnieuw, of vraag de "
    "beheerder om hulp."
)


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["MFA_RATE_LIMIT"]


def _pending_key() -> str:
    """Wrong codes count per account, whichever browser or address sends them."""
    person = pending_person()
    return f"second-factor:{person.id if person else 'none'}"


def _limited(view: Callable) -> Callable:
    """The second step's throttling: per address and per account, wrong codes only (400;
    a code accepted answers 302, or 200 with the recovery codes at the first enrolment)."""
    failed = lambda r: r.status_code == 400  # noqa: E731
    view = limiter.limit(
        _account_limit,
        key_func=_pending_key,
        methods=["POST"],
        deduct_when=failed,
        error_message=THROTTLED,
    )(view)
    return limiter.limit(
        _address_limit, methods=["POST"], deduct_when=failed, error_message=THROTTLED
    )(view)


@bp.after_request
def _audit_throttled_second_factor(response):
    if response.status_code == 429 and request.endpoint in (
        "auth.second_factor",
        "auth.enrol_at_login",
    ):
        record("second_factor_throttled", pending_person(), person=None)
        db.session.commit()
    return response


# What a logged-in person who must have a second factor and has none may still reach (a
# session from before the requirement, or before a beheerder's reset): setting it up, the
# confirmation it may ask first (the password, or through the provider of single sign-on:
# its start and its callback), logging out.
WITHOUT_SECOND_FACTOR = {
    "auth.mfa_enrol",
    "auth.confirm_password",
    "auth.oidc_login",
    "auth.oidc_callback",
    "auth.logout",
    "static",
}


@bp.before_app_request
def _second_factor_first():
    if not current_app.config["MFA_REQUIRED_ROLES"]:  # development: no cost at all
        return None
    if request.endpoint is None or request.endpoint in WITHOUT_SECOND_FACTOR:
        return None
    if not current_user.is_authenticated or not mfa.required(current_user):
        return None
    if provider_mfa():
        return None
    # known from the login session's own query (load_session), else asked now
    loaded = g.pop(SECOND_FACTOR_LOADED, None)
    if loaded is not None and loaded[0] == current_user.id:
        has_one = loaded[1]
    else:
        has_one = mfa.has_second_factor(current_user)
    if has_one:
        return None
    flash("Voor uw rol is een tweede factor verplicht. Stel die eerst in.", "info")
    return redirect(url_for("auth.mfa_enrol"))


def _no_pending_login() -> Response:
    flash("Log opnieuw in: de inlogpoging is verlopen.", "info")
    return redirect(url_for("auth.login"))


# --- the second step of the login ---------------------------------------------------------


@bp.route("/inloggen/code", methods=["GET", "POST"])
@access("public")
@_limited
def second_factor():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    person = pending_person()
    if person is None:
        return _no_pending_login()
    if not mfa.has_second_factor(person):  # reset in the meantime
        return after_first_factor(person, pending_next())
    form = SecondFactorForm()
    if form.validate_on_submit():
        used = mfa.verify(person, form.code.data)
        if used is not None:
            response = complete_login(
                person, pending_next(), second_factor=used, **pending_login_extras()
            )
            if used == mfa.RECOVERY:  # after the login: it starts a new session
                left = mfa.recovery_codes_left(person)
                flash(
                    f"U bent ingelogd met een herstelcode; u heeft er nog {left}. "
                    "Maak nieuwe herstelcodes bij Mijn gegevens → Tweede factor.",
                    "info",
                )
            return response
        form.code.errors.append(WRONG_CODE)
        record("second_factor_failed", person, person=None)
        db.session.commit()
    status = 400 if request.method == "POST" else 200
    return render_template("auth/second_factor.html", form=form), status


# --- setting it up -------------------------------------------------------------------------


def _secret_for(person: Person) -> str:
    """The secret being set up in this browser for the person (kept while the page is
    reloaded), or a new one."""
    raw = session.get(ENROL_KEY)
    if isinstance(raw, dict) and raw.get("person") == person.id:
        secret = mfa.decrypt(str(raw.get("secret")))
        if secret:
            return secret
    secret = rules.new_secret()
    session[ENROL_KEY] = {"person": person.id, "secret": mfa.encrypt(secret)}
    return secret


def _enrolment(person: Person, done: Callable[[list[str]], Response], *, at_login: bool):
    secret = _secret_for(person)
    form = EnrolForm()
    if form.validate_on_submit():
        before = mfa.state(person)
        codes = mfa.confirm_enrolment(person, secret, form.code.data)
        if codes is not None:
            session.pop(ENROL_KEY, None)
            record(
                "second_factor_enabled",
                person,
                person=person,
                before=before,
                after=mfa.state(person),
            )
            return done(codes)
        form.code.errors.append(
            "Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat en typ de "
            "code die de app nu toont."
        )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "auth/mfa_enrol.html",
        form=form,
        person=person,
        qr=mfa.qr_svg(secret, person),
        secret=rules.grouped(secret),
        at_login=at_login,
        replacing=mfa.has_second_factor(person),
    ), status


def _codes_page(codes: list[str], next_url: str, *, first: bool) -> Response:
    html = render_template("auth/mfa_codes.html", codes=codes, next_url=next_url, first=first)
    return current_app.make_response(html)


@bp.route("/inloggen/tweede-factor", methods=["GET", "POST"])
@access("public")
@_limited
def enrol_at_login():
    """A person who must have a second factor and has none sets it up before the login
    completes (and can do nothing else until then)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    person = pending_person()
    if person is None:
        return _no_pending_login()
    if mfa.has_second_factor(person):
        return redirect(url_for("auth.second_factor"))
    next_url = pending_next()
    extras = pending_login_extras()

    def done(codes: list[str]) -> Response:
        return complete_login(
            person,
            next_url,
            second_factor=mfa.TOTP,
            **extras,
            response=lambda: _codes_page(codes, next_url, first=True),
        )

    return _enrolment(person, done, at_login=True)


@bp.route("/account/tweede-factor")
@access("login")
def mfa_settings():
    return render_template(
        "auth/mfa.html",
        factor=mfa.second_factor_of(current_user),
        codes_left=mfa.recovery_codes_left(current_user),
        required=mfa.required(current_user),
    )


@bp.route("/account/tweede-factor/instellen", methods=["GET", "POST"])
@access("login")
@recent_login
def mfa_enrol():
    def done(codes: list[str]) -> Response:
        db.session.commit()
        return _codes_page(codes, url_for("auth.mfa_settings"), first=True)

    return _enrolment(current_user, done, at_login=False)


@bp.route("/account/tweede-factor/herstelcodes", methods=["POST"])
@access("login")
@recent_login
def mfa_recovery_codes():
    if not mfa.has_second_factor(current_user):
        flash("U heeft nog geen tweede factor ingesteld.", "error")
        return redirect(url_for("auth.mfa_settings"))
    before = mfa.state(current_user)
    codes = mfa.renew_recovery_codes(current_user)
    record("recovery_codes_renewed", current_user, before=before, after=mfa.state(current_user))
    db.session.commit()
    return _codes_page(codes, url_for("auth.mfa_settings"), first=False)


@bp.route("/account/tweede-factor/uitschakelen", methods=["POST"])
@access("login")
@recent_login
def mfa_disable():
    if mfa.required(current_user):
        flash(
            "Voor uw rol is een tweede factor verplicht; u kunt hem niet uitschakelen. "
            "Stel hem opnieuw in om een andere telefoon te gebruiken.",
            "error",
        )
        return redirect(url_for("auth.mfa_settings"))
    before = mfa.state(current_user)
    if mfa.remove(current_user):
        record("second_factor_disabled", current_user, before=before, after=mfa.state(current_user))
        db.session.commit()
        flash(
            "De tweede factor is uitgeschakeld; u logt voortaan in met alleen uw wachtwoord.",
            "success",
        )
    else:
        flash("U heeft geen tweede factor ingesteld.", "info")
    return redirect(url_for("auth.mfa_settings"))
