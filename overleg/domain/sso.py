"""Single sign-on: who an OpenID Connect identity is in Overleg, and whether the provider
asserted a second factor. Plain functions over the validated ID token's claims; the
protocol itself (discovery, PKCE, state, nonce, signature, issuer, audience, expiry) is
checked before these run, in overleg/auth/oidc.py.

Rules:
- A person is found by the e-mail address of the token, case-insensitively, and only when
  the provider says it verified that address (``email_verified: true``; Entra ID's
  ``xms_edov: true``, "e-mail domain owner verified", counts too). Nothing else in the
  token (name, groups, roles) changes anything in Overleg: roles stay with the beheerder.
- The person must be active and have an account, as for a password login. With
  ``OIDC_CREATE_ACCOUNTS`` an unknown verified address becomes a new deelnemer with an
  account, and a known person without one gets one; both are audited. Such an account has
  no usable password (its hash is of a random secret nobody knows).
- The provider asserted a second factor when ``amr`` (RFC 8176) names one, or when ``acr``
  equals the configured ``OIDC_ACR_MFA`` (Keycloak's level of assurance, ADFS's …).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..extensions import db
from ..models import Person
from ..models.people import person_by_email
from .input import one_line

# RFC 8176 methods that prove a factor beyond the password: a one-time code, a key held in
# hardware or software, a smart card, a code by text message or phone, several channels, or
# the provider's own "multiple factors".
SECOND_FACTOR_AMR = frozenset({"mfa", "mca", "otp", "hwk", "swk", "sc", "sms", "tel"})

# Why a single sign-on is refused: a code for the audit log, the Dutch text for the person.
REFUSALS: dict[str, str] = {
    "no_email": (
        "{provider} heeft geen e-mailadres doorgegeven. Daarmee kan Overleg u niet "
        "herkennen. Vraag de functioneel beheerder om hulp."
    ),
    "email_unverified": (
        "{provider} heeft uw e-mailadres niet als gecontroleerd doorgegeven. Overleg laat "
        "alleen gecontroleerde e-mailadressen toe. Vraag de functioneel beheerder om hulp."
    ),
    "unknown_email": (
        "Uw e-mailadres is niet bekend in Overleg. Vraag de functioneel beheerder om u "
        "toe te voegen."
    ),
    "no_account": (
        "U heeft geen account in Overleg. Vraag de functioneel beheerder om een account."
    ),
    "inactive": "Uw account in Overleg is niet actief. Vraag de functioneel beheerder om hulp.",
}


@dataclass(frozen=True)
class Identity:
    """What Overleg takes from a validated ID token."""

    email: str | None
    email_verified: bool
    name: str | None
    provider_mfa: bool


@dataclass(frozen=True)
class Match:
    """The person to log in, or the reason (a key of REFUSALS) why not; ``created``: the
    account (and ``new_person``: the person too) was made by this login."""

    person: Person | None
    refusal: str | None = None
    created: bool = False
    new_person: bool = False


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def provider_asserts_second_factor(claims: Mapping[str, Any], acr_mfa: str | None) -> bool:
    """Did the provider authenticate this person with a second factor (amr or acr)?"""
    amr = claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    if isinstance(amr, list) and any(
        isinstance(m, str) and m.strip().lower() in SECOND_FACTOR_AMR for m in amr
    ):
        return True
    acr = claims.get("acr")
    return bool(acr_mfa) and isinstance(acr, str) and acr == acr_mfa


def identity(claims: Mapping[str, Any], acr_mfa: str | None = None) -> Identity:
    email = claims.get("email")
    email = email.strip().lower() if isinstance(email, str) and email.strip() else None
    name = claims.get("name")
    return Identity(
        email=email,
        email_verified=_true(claims.get("email_verified")) or _true(claims.get("xms_edov")),
        name=one_line(name)[:200] if isinstance(name, str) and name.strip() else None,
        provider_mfa=provider_asserts_second_factor(claims, acr_mfa),
    )


def match_person(who: Identity, *, account_hash: Callable[[str], str] | None = None) -> Match:
    """The Overleg person of this identity (see the module's rules).

    ``account_hash``: given (OIDC_CREATE_ACCOUNTS), unknown addresses and people without an
    account get one, its password hash made by this function from a random secret that is
    thrown away. The person or account is added to the database session; the caller commits."""
    if who.email is None:
        return Match(None, "no_email")
    if not who.email_verified:
        return Match(person_by_email(who.email), "email_unverified")
    person = person_by_email(who.email)
    if person is None:
        if account_hash is None:
            return Match(None, "unknown_email")
        person = Person(
            name=who.name or who.email.split("@")[0],
            email=who.email,
            app_role="deelnemer",
            password_hash=account_hash(secrets.token_urlsafe(32)),
        )
        db.session.add(person)
        db.session.flush()
        return Match(person, created=True, new_person=True)
    if not person.active:
        return Match(person, "inactive")
    if not person.has_account:
        if account_hash is None:
            return Match(person, "no_account")
        person.password_hash = account_hash(secrets.token_urlsafe(32))
        return Match(person, created=True)
    return Match(person)


def refusal_text(code: str, provider: str) -> str:
    return REFUSALS[code].format(provider=provider)


def password_login_allowed(
    person: Person, *, password_login: bool, break_glass_email: str | None
) -> bool:
    """May this person use a password? Always while password login is on; when it is off
    (single sign-on only), only the named break-glass account, and only as a beheerder."""
    if password_login:
        return True
    return (
        bool(break_glass_email)
        and person.email == (break_glass_email or "").strip().lower()
        and person.is_admin
        and bool(person.active)
    )
