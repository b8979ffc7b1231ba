"""The second factor's rules: who must have one, which TOTP code counts, recovery codes.

Plain functions without Flask; ``overleg.auth.mfa`` keeps the secrets and codes in the
database and reads the configuration (``MFA_REQUIRED_ROLES``) it passes in here.

- TOTP (RFC 6238): 30-second time steps, six digits, SHA-1, as every authenticator app
  reads from the QR code. A code of the step before or after the current one counts too
  (clocks drift), but never a step at or before the last one used: a code seen once, or an
  older one, is refused (replay).
- Recovery codes: ten per enrolment, ten characters from an alphabet without look-alikes
  (about 49 bits each), shown once as ``xxxxx-xxxxx``; each can be used once.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

import pyotp

EVERYONE = "*"  # MFA_REQUIRED_ROLES for every application role (config.py)
STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1  # steps accepted either side of the current one
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1
RECOVERY_LENGTH = 10


def required_for(app_role: str, required_roles: Iterable[str]) -> bool:
    """Must a person with this application role have a second factor?"""
    roles = tuple(required_roles)
    return EVERYONE in roles or app_role in roles


def new_secret() -> str:
    """A new TOTP secret: 32 base32 characters (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address the QR code holds."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def step_at(unix_seconds: float) -> int:
    return int(unix_seconds // STEP_SECONDS)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def normalise(code: str | None) -> str:
    """What was typed, without spaces and hyphens, in lower case."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, unix_seconds: float, last_step: int | None) -> int | None:
    """The time step whose code this is (within the drift allowed), or None; a step at or
    before ``last_step`` (the last one used) never matches."""
    code = normalise(code)
    if not is_totp_code(code):
        return None
    now = step_at(unix_seconds)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def new_recovery_codes(n: int = RECOVERY_CODE_COUNT) -> list[str]:
    """``n`` new recovery codes, as shown (``xxxxx-xxxxx``)."""
    half = RECOVERY_LENGTH // 2
    codes = []
    for _ in range(n):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:half]}-{raw[half:]}")
    return codes


def is_recovery_code(code: str) -> bool:
    """Could this (normalised) input be a recovery code? (Checked before any hash is.)"""
    return len(code) == RECOVERY_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)
