"""Accounts: argon2id password hashes and server-side login sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from sqlalchemy import delete, select

from ..extensions import db
from ..models import LoginSession, Person
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


def password_problem(password: str) -> str | None:
    """A Dutch explanation of why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > 200:
        return "Kies een wachtwoord van hoogstens 200 tekens."
    return None


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


def load_session(token: str, idle_minutes: int, max_hours: float = 12) -> Person | None:
    """The person of a live session token; expired sessions are removed.

    A session ends after ``idle_minutes`` without a request (every request counts, the
    minutes' background autosave too) and ``max_hours`` after the login, however active."""
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
    if row is None:
        return None
    now = utcnow()
    if (
        now - row.last_seen_at > timedelta(minutes=idle_minutes)
        or now - row.created_at > timedelta(hours=max_hours)
        or not row.person.active
    ):
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
        db.session.commit()
    person = row.person
    person._login_session_token = token
    return person


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))


def end_other_sessions(person: Person, keep_token: str | None) -> None:
    stmt = delete(LoginSession).where(LoginSession.person_id == person.id)
    if keep_token:
        stmt = stmt.where(LoginSession.token_hash != _digest(keep_token))
    db.session.execute(stmt)
