"""The second factor's storage: TOTP secrets encrypted at rest, recovery codes hashed.

The rules (which code counts, who must have one) are in ``overleg.domain.second_factor``;
this module adds the configuration, the encryption key, the hashes and the database.

- The TOTP secret is encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the pinned
  ``cryptography``) under ``MFA_ENCRYPTION_KEY``, or a key derived from ``SECRET_KEY``: a
  copy of the database (a backup) alone does not give the secrets away. It never goes into
  the audit log, a log line or a URL; the enrolment page shows it once, to its owner.
- A code is accepted with one conditional UPDATE of the last time step used (and of a
  recovery code's ``used_at``): two requests racing with the same code cannot both pass.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC

import segno
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, select, update

from ..domain import second_factor as rules
from ..extensions import db
from ..models import Person, RecoveryCode, SecondFactor
from ..timeutil import utcnow
from .services import hash_password, verify_hash

TOTP = "totp"
RECOVERY = "recovery_code"


def _fernet() -> Fernet:
    key = current_app.config.get("MFA_ENCRYPTION_KEY") or current_app.config["SECRET_KEY"]
    derived = hashlib.sha256(b"overleg-second-factor:" + str(key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str | None:
    """The secret, or None when it was encrypted under another key."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        current_app.logger.error("A second factor's secret cannot be decrypted (key changed?)")
        return None


def _unix_now() -> float:
    return utcnow().replace(tzinfo=UTC).timestamp()


def second_factor_of(person: Person) -> SecondFactor | None:
    return db.session.scalar(select(SecondFactor).where(SecondFactor.person_id == person.id))


def has_second_factor(person: Person) -> bool:
    return second_factor_of(person) is not None


def recovery_codes_left(person: Person) -> int:
    return (
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.person_id == person.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def state(person: Person) -> dict:
    """For the audit log: whether there is a second factor and how many recovery codes."""
    return {
        "second_factor": has_second_factor(person),
        "recovery_codes": recovery_codes_left(person),
    }


def qr_svg(secret: str, person: Person) -> Markup:
    """The enrolment QR code as inline SVG, made on the server (no script, no inline style)."""
    uri = rules.provisioning_uri(secret, person.email, current_app.config["MFA_ISSUER"])
    svg = segno.make(uri, error="m").svg_inline(
        scale=5,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        lineclass=None,
        title="QR-code om in uw authenticator-app te scannen",
    )
    # role and name for screen readers; segno escapes nothing of ours (the URI is in the image)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR-code" ', 1))


def confirm_enrolment(person: Person, secret: str, code: str) -> list[str] | None:
    """Activate ``secret`` for the person when ``code`` is its current code: replaces a
    previous second factor and its recovery codes. Returns the new recovery codes (shown
    once), or None when the code does not match."""
    step = rules.matching_step(secret, code, _unix_now(), None)
    if step is None:
        return None
    db.session.execute(delete(SecondFactor).where(SecondFactor.person_id == person.id))
    db.session.add(
        SecondFactor(
            person_id=person.id,
            secret_encrypted=encrypt(secret),
            enabled_at=utcnow(),
            last_used_step=step,
            last_used_at=utcnow(),
        )
    )
    return renew_recovery_codes(person)


def renew_recovery_codes(person: Person) -> list[str]:
    """New recovery codes for the person; the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    codes = rules.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(person_id=person.id, code_hash=hash_password(rules.normalise(c)))
        for c in codes
    )
    db.session.flush()
    return codes


def remove(person: Person) -> bool:
    """Remove the person's second factor and recovery codes; False when there was none."""
    had = has_second_factor(person)
    db.session.execute(delete(SecondFactor).where(SecondFactor.person_id == person.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.person_id == person.id))
    return had


def verify(person: Person, typed: str | None) -> str | None:
    """Check a code typed at the second step: ``"totp"`` or ``"recovery_code"`` when it is
    accepted (and from then on used up), None when it is not."""
    factor = second_factor_of(person)
    if factor is None:
        return None
    code = rules.normalise(typed)
    if rules.is_totp_code(code):
        secret = decrypt(factor.secret_encrypted)
        if secret is None:
            return None
        step = rules.matching_step(secret, code, _unix_now(), factor.last_used_step)
        if step is None:
            return None
        # only if no request used this step (or a later one) in the meantime
        taken = db.session.execute(
            update(SecondFactor)
            .where(
                SecondFactor.id == factor.id,
                (SecondFactor.last_used_step.is_(None)) | (SecondFactor.last_used_step < step),
            )
            .values(last_used_step=step, last_used_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )
        return TOTP if taken.rowcount == 1 else None  # type: ignore[attr-defined]
    if rules.is_recovery_code(code):
        unused = db.session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.person_id == person.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
        for row in unused:
            if verify_hash(row.code_hash, code):
                taken = db.session.execute(
                    update(RecoveryCode)
                    .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                    .values(used_at=utcnow())
                    .execution_options(synchronize_session="fetch")
                )
                return RECOVERY if taken.rowcount == 1 else None  # type: ignore[attr-defined]
    return None


def required(person: Person) -> bool:
    """Must this person have a second factor (MFA_REQUIRED_ROLES)?"""
    return rules.required_for(person.app_role, current_app.config["MFA_REQUIRED_ROLES"])
