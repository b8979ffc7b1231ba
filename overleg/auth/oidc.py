"""OpenID Connect with Authlib (pinned): the protocol, against the organisation's provider.

- Settings from discovery: ``OIDC_ISSUER`` + ``/.well-known/openid-configuration`` names the
  endpoints and the JWKS; the document's ``issuer`` must be the configured one. The document
  is kept per process for ``METADATA_HOURS`` (a rotated signing key is fetched again at once:
  Authlib reloads the JWKS when a token names a key it does not know).
- Authorization code flow with PKCE (S256), ``state`` (kept in the signed session: a callback
  whose state this browser did not start is refused) and ``nonce`` (in the session too, and
  required in the ID token).
- The ID token: its signature from the JWKS with the algorithms the provider announces, its
  issuer, audience (our client id; ``azp`` when there are several), and its expiry, issue and
  not-before times against Overleg's clock (overleg.timeutil, so frozen in tests) with
  ``LEEWAY_SECONDS`` for clock skew between the servers.

Failures come out as two exceptions with Dutch text for the page: ``ProviderUnavailable``
(discovery, JWKS or token endpoint unreachable or answering nonsense: 503) and
``SignInFailed`` (state, nonce, signature, claims, an error from the provider: 400), each
with a code for the audit log.
"""

from __future__ import annotations

import calendar
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskOAuth2App
from authlib.integrations.flask_client.integration import FlaskIntegration
from authlib.oidc.core import CodeIDToken
from flask import current_app, session
from joserfc.errors import ExpiredTokenError, JoseError, MissingClaimError
from joserfc.errors import InvalidClaimError as JoseInvalidClaimError

from ..timeutil import utcnow

NAME = "oidc"
METADATA_HOURS = 24
LEEWAY_SECONDS = 60
_STATE_PREFIX = f"_state_{NAME}_"
_CACHE = "overleg_oidc_clients"


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nonsense (discovery, JWKS, token)."""

    code = "provider_unavailable"


class SignInFailed(Exception):
    """The provider's answer is not a valid sign-in for this browser (``code`` for the log)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def configured() -> bool:
    """On when issuer, client id and secret are set (Overleg is a confidential client: the
    token endpoint sees the secret, PKCE comes on top)."""
    config = current_app.config
    return bool(
        config.get("OIDC_ISSUER")
        and config.get("OIDC_CLIENT_ID")
        and config.get("OIDC_CLIENT_SECRET")
    )


def provider_name() -> str:
    return current_app.config.get("OIDC_PROVIDER_NAME") or current_app.config["MUNICIPALITY"]


def now_timestamp() -> int:
    """Now as seconds since 1970 (UTC), from Overleg's clock."""
    return calendar.timegm(utcnow().timetuple())


class IDToken(CodeIDToken):
    """Authlib's checks of an ID token from the code flow, timed by Overleg's clock (Authlib
    would read the system clock itself). ``at_hash`` is left aside: in the code flow the access
    token comes straight from the token endpoint over TLS (OpenID Connect Core 3.1.3.8)."""

    def validate(self, now=None, leeway=0):
        super().validate(now=now_timestamp(), leeway=leeway)


def _client() -> FlaskOAuth2App:
    config = current_app.config
    key = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config.get("OIDC_CLIENT_SECRET"))
    cache = current_app.extensions.setdefault(_CACHE, {})
    client, made = cache.get(key, (None, 0))
    if client is None or now_timestamp() - made > METADATA_HOURS * 3600:
        client = FlaskOAuth2App(
            FlaskIntegration(NAME),
            NAME,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=config["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": config.get("OIDC_SCOPE") or "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": config.get("OIDC_TIMEOUT", 10),
            },
        )
        cache[key] = (client, now_timestamp())
    return client


def _metadata(client: FlaskOAuth2App) -> dict[str, Any]:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        client.server_metadata.pop("_loaded_at", None)  # try again next time
        raise ProviderUnavailable() from exc
    expected = current_app.config["OIDC_ISSUER"].rstrip("/")
    if str(metadata.get("issuer", "")).rstrip("/") != expected or not metadata.get(
        "authorization_endpoint"
    ):
        current_app.logger.error("OIDC discovery names issuer %r", metadata.get("issuer"))
        client.server_metadata.clear()
        raise ProviderUnavailable()
    return metadata


def _forget_pending() -> None:
    """One sign-in at a time per browser: earlier, unfinished ones are dropped (each would
    otherwise stay in the session cookie)."""
    for key in [k for k in session if k.startswith(_STATE_PREFIX)]:
        session.pop(key)


def authorize_redirect(redirect_uri: str, *, reauthenticate: bool = False):
    """The redirect to the provider's authorization endpoint (state, nonce, PKCE kept in the
    session). ``reauthenticate``: the provider is asked to authenticate again (prompt=login,
    max_age=0) before a sensitive change."""
    client = _client()
    _metadata(client)
    _forget_pending()
    extra = {"prompt": "login", "max_age": 0} if reauthenticate else {}
    return client.authorize_redirect(redirect_uri, **extra)


def claims_options(issuer: str, client_id: str) -> dict[str, Any]:
    """What the ID token must name: the issuer of the discovery document and, among its
    audiences, our client id (Authlib by itself checks the audience only through ``azp``)."""
    return {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
    }


def finish_sign_in() -> tuple[dict[str, Any], str]:
    """The validated claims of the ID token and the raw ID token (for the logout), from the
    callback request. Raises SignInFailed or ProviderUnavailable."""
    client = _client()
    metadata = _metadata(client)
    options = claims_options(metadata["issuer"], current_app.config["OIDC_CLIENT_ID"])
    try:
        token = client.authorize_access_token(
            claims_options=options, claims_cls=IDToken, leeway=LEEWAY_SECONDS
        )
    except MismatchingStateError as exc:
        raise SignInFailed("state") from exc
    except OAuthError as exc:
        raise SignInFailed("provider_error" if exc.error != "access_denied" else "denied") from exc
    except ExpiredTokenError as exc:
        raise SignInFailed("expired") from exc
    except (JoseInvalidClaimError, MissingClaimError) as exc:
        claim = getattr(exc, "claim", "")
        raise SignInFailed("nonce" if claim == "nonce" else "token_claims") from exc
    except JoseError as exc:
        raise SignInFailed("token_invalid") from exc
    except AuthlibBaseError as exc:  # any other error Authlib found in the provider's answer
        raise SignInFailed("provider_error") from exc
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        # unreachable, an error status, no JSON, no jwks_uri in the discovery document
        current_app.logger.warning("OIDC provider failed: %r", exc)
        raise ProviderUnavailable() from exc
    claims = token.get("userinfo")
    if not claims or not token.get("id_token"):
        raise SignInFailed("no_id_token")
    return dict(claims), token["id_token"]


def logout_url(id_token: str | None, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end the session at the provider too, or None when the
    provider has no end_session_endpoint (or cannot be reached: the local logout stands)."""
    if not configured():
        return None
    client = _client()
    try:
        metadata = _metadata(client)
    except ProviderUnavailable:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token,
        client_id=current_app.config["OIDC_CLIENT_ID"],
    )
    return result["url"]
