"""Single sign-on (OpenID Connect) and the break-glass password page.

The protocol is in ``oidc``, who the identity is in ``overleg.domain.sso``; these views only
route: start at the provider, come back, log in through ``complete_login`` (or confirm a
sensitive change), and say in Dutch why not."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..access import access
from ..audit import record, record_change
from ..domain import audit_changes as changes
from ..domain import sso
from ..extensions import db
from . import bp, oidc
from .forms import LoginForm
from .login_flow import after_first_factor
from .reauth import confirmed_now
from .services import hash_password

ID_TOKEN = "oidc_id_token"  # kept for the logout at the provider (id_token_hint)
_NEXT = "oidc_next"
_PURPOSE = "oidc_purpose"
REAUTH_SECONDS = 300  # a confirmation through the provider: authenticated this recently


def password_login_allowed(person) -> bool:
    """May this person log in (or confirm) with a password? Always, unless PASSWORD_LOGIN is
    off; then only the break-glass beheerder."""
    config = current_app.config
    return sso.password_login_allowed(
        person,
        password_login=config.get("PASSWORD_LOGIN", True),
        break_glass_email=config.get("BREAK_GLASS_EMAIL"),
    )


def password_off_text() -> str:
    return (
        "Inloggen met een wachtwoord is uitgeschakeld. "
        f"Gebruik de knop ‘Inloggen met {oidc.provider_name()}’."
    )


@bp.context_processor
def _sso_context():
    """What the login and confirmation pages offer: the provider's button, the password form."""
    config = current_app.config
    configured = oidc.configured()
    shown = (
        config.get("PASSWORD_LOGIN", True)
        or not configured
        or request.endpoint == "auth.break_glass"
        or request.method == "POST"
    )
    return {
        "sso": {
            "configured": configured,
            "provider": oidc.provider_name(),
            "password_form": shown,
            "password_confirm": not configured
            or (current_user.is_authenticated and password_login_allowed(current_user)),
        }
    }


def _callback_url() -> str:
    return current_app.config["BASE_URL"] + url_for("auth.oidc_callback")


def _page(code: int, title: str, text: str):
    return render_template("auth/sso_error.html", title=title, text=text), code


def _unavailable():
    provider = oidc.provider_name()
    return _page(
        503,
        "Inloggen tijdelijk niet mogelijk",
        f"{provider} is op dit moment niet bereikbaar, dus Overleg kan uw aanmelding niet "
        "controleren. Probeer het over een paar minuten opnieuw. Blijft het mislukken, neem "
        "dan contact op met de servicedesk.",
    )


def _failed(code: str):
    provider = oidc.provider_name()
    if code == "denied":
        text = (
            f"U heeft het inloggen bij {provider} afgebroken of er geen toestemming voor gegeven."
        )
        return _page(403, "Inloggen afgebroken", text)
    return _page(
        400,
        "Inloggen niet gelukt",
        f"Het inloggen via {provider} kon niet worden afgerond: de aanmelding is verlopen, "
        "was al gebruikt of klopt niet. Begin opnieuw vanaf de inlogpagina.",
    )


def _sso_next() -> str:
    from .views import _safe_next

    return _safe_next(request.args.get("next"))


@bp.route("/inloggen/oidc")
@access("public")
def oidc_login():
    """Start the single sign-on: to the provider, with state, nonce and PKCE.
    ``?bevestigen=1`` (logged in): authenticate again before a sensitive change."""
    if not oidc.configured():
        abort(404)
    reauth = request.args.get("bevestigen") == "1" and current_user.is_authenticated
    if current_user.is_authenticated and not reauth:
        return redirect(url_for("main.home"))
    next_url = _sso_next()
    try:
        response = oidc.authorize_redirect(_callback_url(), reauthenticate=reauth)
    except oidc.ProviderUnavailable:
        return _unavailable()
    session[_NEXT] = next_url
    session[_PURPOSE] = "reauth" if reauth else "login"
    return response


@bp.route("/inloggen/oidc/terug")
@access("public")
def oidc_callback():
    """The provider sends the browser back here with a code (or an error)."""
    if not oidc.configured():
        abort(404)
    purpose = session.pop(_PURPOSE, "login")
    next_url = session.pop(_NEXT, None) or url_for("main.home")
    try:
        claims, id_token = oidc.finish_sign_in()
    except oidc.ProviderUnavailable:
        record("login_failed", after={"method": "oidc", "reason": oidc.ProviderUnavailable.code})
        db.session.commit()
        return _unavailable()
    except oidc.SignInFailed as failure:
        record("login_failed", after={"method": "oidc", "reason": failure.code})
        db.session.commit()
        return _failed(failure.code)

    config = current_app.config
    who = sso.identity(claims, config.get("OIDC_ACR_MFA"))
    create = config.get("OIDC_CREATE_ACCOUNTS")
    match = sso.match_person(who, account_hash=hash_password if create else None)
    if match.refusal or match.person is None:
        reason = match.refusal or "unknown_email"
        # the address itself is never logged; a known person is named by id
        record(
            "login_failed", match.person, person=None, after={"method": "oidc", "reason": reason}
        )
        db.session.commit()
        return _page(403, "Inloggen niet gelukt", sso.refusal_text(reason, oidc.provider_name()))
    person = match.person

    if purpose == "reauth" and current_user.is_authenticated:
        return _confirmed(person, claims, next_url)
    if match.new_person:
        for change in changes.person_changes(person, {}):
            record_change(change, person=person)
    if match.created:
        before = {"has_account": False, "sessions": 0, "feed": person.feed_token is not None}
        record_change(changes.account_change("account_created", person, before), person=person)
    return after_first_factor(
        person,
        next_url,
        method="oidc",
        provider_mfa=who.provider_mfa,
        keep={ID_TOKEN: id_token},
    )


def _confirmed(person, claims, next_url: str):
    """A confirmation before a sensitive change, through the provider: the same person, who
    authenticated there just now."""
    if person.id != current_user.id:
        record("reauth_failed", after={"method": "oidc", "reason": "other_person"})
        db.session.commit()
        return _page(
            403,
            "Bevestigen niet gelukt",
            f"U bent bij {oidc.provider_name()} aangemeld als iemand anders dan in Overleg. "
            "Log uit en log opnieuw in.",
        )
    auth_time = claims.get("auth_time")
    now = oidc.now_timestamp()
    if not isinstance(auth_time, int | float) or not 0 <= now - auth_time <= REAUTH_SECONDS:
        record("reauth_failed", current_user, after={"method": "oidc", "reason": "not_recent"})
        db.session.commit()
        return _page(
            403,
            "Bevestigen niet gelukt",
            f"{oidc.provider_name()} heeft niet opnieuw gevraagd wie u bent. Probeer het nog eens.",
        )
    confirmed_now()
    record("reauthenticated", current_user, after={"method": "oidc"})
    db.session.commit()
    return redirect(next_url)


@bp.route("/inloggen/noodtoegang")
@access("public")
def break_glass():
    """The password form when password login is off, for the break-glass beheerder (the form
    posts to the ordinary login, which admits only that account then)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return render_template("auth/login.html", form=LoginForm(), break_glass=True)


def logout_redirect(id_token: str | None):
    """After the local logout: to the provider's end_session_endpoint when it has one (and
    we logged in there), else None."""
    if not id_token:
        return None
    url = oidc.logout_url(id_token, current_app.config["BASE_URL"] + url_for("auth.login"))
    return redirect(url) if url else None
