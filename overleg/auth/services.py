"""Accounts: argon2id password hashes and server-side login sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, has_app_context
from sqlalchemy import Select, bindparam, delete, exists, select
from sqlalchemy.orm import joinedload

from ..audit import commit_keeping
from ..extensions import db
from ..models import LoginSession, Person, SecondFactor
from ..models.people import person_by_email
from ..timeutil import utcnow

# argon2id with the library's recommended parameters (RFC 9106, low-memory profile).
# ARGON2_PARAMETERS in the app config may lower the cost, which only the tests do.
_DEFAULT_HASHER = PasswordHasher()
_hashers: dict[tuple, PasswordHasher] = {}
_dummy_hashes: dict[int, str] = {}

MIN_PASSWORD_LENGTH = 12


def _hasher() -> PasswordHasher:
    params = current_app.config.get("ARGON2_PARAMETERS") if has_app_context() else None
    if not params:
        return _DEFAULT_HASHER
    key = tuple(sorted(params.items()))
    if key not in _hashers:
        _hashers[key] = PasswordHasher(**params)
    return _hashers[key]


def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so that timing does not reveal accounts."""
    hasher = _hasher()
    if id(hasher) not in _dummy_hashes:
        _dummy_hashes[id(hasher)] = hasher.hash("overleg-dummy-password")
    return _dummy_hashes[id(hasher)]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


# zxcvbn's score (0-4) a new password must reach: 3 is "safely unguessable" (about 10^8
# guesses and more), checked against the package's lists of common and breached passwords,
# words and names, keyboard patterns, repeats, sequences and dates.
MIN_PASSWORD_SCORE = 3
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the start of a longer password is judged

# Why a password is weak, in Dutch, by the kind of pattern zxcvbn found (first that applies).
_WEAK_REASONS = (
    ("passwords", "Dit wachtwoord staat in lijsten van veelgebruikte of uitgelekte wachtwoorden."),
    ("user_inputs", "Dit wachtwoord bevat uw naam of e-mailadres."),
    ("repeat", "Dit wachtwoord herhaalt steeds dezelfde tekens of woorden."),
    ("sequence", "Dit wachtwoord is een reeks, zoals 123456 of abcdef."),
    ("spatial", "Dit wachtwoord volgt een patroon op het toetsenbord, zoals qwerty."),
    ("date", "Dit wachtwoord bestaat vooral uit een datum of jaartal."),
    ("regex", "Dit wachtwoord bestaat vooral uit een datum of jaartal."),
    ("dictionary", "Dit wachtwoord bestaat uit bekende woorden of namen die snel te raden zijn."),
)
_ADVICE = "Kies een langer wachtwoord, bijvoorbeeld een zin van vier of vijf gewone woorden."


def password_problem(password: str, user_inputs: Iterable[str | None] = ()) -> str | None:
    """A Dutch explanation of why a new password is not acceptable, or None.

    ``user_inputs``: the person's name and e-mail address, which the password may not lean on.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > 200:
        return "Kies een wachtwoord van hoogstens 200 tekens."
    from zxcvbn import zxcvbn  # loads its word lists on first use

    words = {w for text in user_inputs if text for w in re.split(r"[^\w]+", text.lower())}
    words |= {text.lower() for text in user_inputs if text}
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=sorted(w for w in words if len(w) >= 3))
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    found = {m.get("dictionary_name") or m["pattern"] for m in result["sequence"]}
    found |= {m["pattern"] for m in result["sequence"]}
    reason = next((text for kind, text in _WEAK_REASONS if kind in found), None)
    return f"{reason or 'Dit wachtwoord is te makkelijk te raden.'} {_ADVICE}"


def set_password(person: Person, password: str) -> None:
    person.password_hash = hash_password(password)


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this e-mail and password, or None."""
    person = person_by_email(email)
    if person is None or person.password_hash is None:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(person.password_hash, password) or not person.active:
        return None
    if _hasher().check_needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person


def check_password(person: Person, password: str) -> bool:
    return person.password_hash is not None and _verify(person.password_hash, password)


def verify_hash(hashed: str, value: str) -> bool:
    """Does ``value`` match an argon2id hash made by ``hash_password`` (recovery codes too)?"""
    return _verify(hashed, value)


def needs_second_factor(person: Person, *, provider_mfa: bool = False) -> bool:
    """Does this login need Overleg's own second step after the first factor?

    The hook for every way of logging in (password here; single sign-on calls it with
    ``provider_mfa=True`` when the identity provider asserted a second factor, and then
    Overleg's TOTP is skipped). True when the person has a TOTP second factor, or must
    have one (``MFA_REQUIRED_ROLES``) and will be asked to set it up first.
    ``overleg.auth.login_flow.after_first_factor`` acts on it."""
    if provider_mfa:
        return False
    from . import mfa

    return mfa.has_second_factor(person) or mfa.required(person)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(person: Person, ip: str | None = None, user_agent: str | None = None) -> str:
    """Create a server-side session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=_digest(token),
            person=person,
            ip_address=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    person.last_login_at = utcnow()
    person._login_session_token = token
    return token


@cache
def _session_query(with_second_factor: bool = False) -> Select:
    """The query of every request: a login session by its token's hash, with its person and
    their organisation (all the header, the navigation and the read policy read of them), and,
    where a role must have a second factor, whether the person has one.

    Built once: SQLAlchemy keeps a statement's cache key with the statement, so a request pays
    neither for building it nor for working out its key (half the cost of the query)."""
    stmt = (
        select(LoginSession)
        .options(joinedload(LoginSession.person).joinedload(Person.organisation))
        .where(LoginSession.token_hash == bindparam("token_hash"))
    )
    if with_second_factor:
        has_one = exists().where(SecondFactor.person_id == LoginSession.person_id)
        stmt = stmt.add_columns(has_one.label("has_second_factor"))
    return stmt


# In g: (person id, has a second factor), loaded with this request's login session
SECOND_FACTOR_LOADED = "overleg_second_factor_loaded"


def load_session(
    token: str,
    idle_minutes: int,
    max_hours: float = 12,
    on_expired: Callable[[], object] | None = None,
    *,
    with_second_factor: bool = False,
) -> Person | None:
    """The person of a live session token; expired sessions are removed (and ``on_expired``
    called, once: the next request finds no session at all).

    A session ends after ``idle_minutes`` without a request (every request counts, the
    minutes' background autosave too) and ``max_hours`` after the login, however active.
    ``with_second_factor``: also learn, in the same query, whether the person has a second
    factor (kept in ``g`` for the check before every request, ``mfa_views``)."""
    result = db.session.execute(
        _session_query(with_second_factor), {"token_hash": _digest(token)}
    ).first()
    if result is None:
        return None
    row = result[0]
    if with_second_factor:
        setattr(g, SECOND_FACTOR_LOADED, (row.person_id, bool(result[1])))
    now = utcnow()
    person = row.person
    if (
        now - row.last_seen_at > timedelta(minutes=idle_minutes)
        or now - row.created_at > timedelta(hours=max_hours)
        or not person.active
    ):
        active = person.active
        db.session.delete(row)
        db.session.commit()
        if on_expired is not None and active:
            on_expired()
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        _touch(row, now)
    person._login_session_token = token
    return person


# The idle clock is kept to the minute: a session's last request is written at most once a
# minute, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


def _touch(row: LoginSession, now: datetime) -> None:
    """Write the session's last request, committed at once (a GET commits nothing else).

    The commit keeps what was just loaded: expiring it would reload the person and their
    organisation, a query each, on the one request a minute that writes."""
    row.last_seen_at = now
    commit_keeping()


def session_started_at(token: str | None) -> datetime | None:
    """When the login session of this token began (its login), or None."""
    if not token:
        return None
    return db.session.scalar(
        select(LoginSession.created_at).where(LoginSession.token_hash == _digest(token))
    )


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


def end_other_sessions(person: Person, keep_token: str | None) -> None:
    stmt = delete(LoginSession).where(LoginSession.person_id == person.id)
    if keep_token:
        stmt = stmt.where(LoginSession.token_hash != _digest(keep_token))
    db.session.execute(stmt)
