"""Settings, read from the environment.

Development defaults: SQLite under ``instance/`` and a secret key generated once
and kept in ``instance/secret_key``. In production (``OVERLEG_ENV=production``)
the application refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("OVERLEG_INSTANCE", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def _secret_key(env: str) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        raise RuntimeError(
            "SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY voor productie."
        )
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _base_url(env: str) -> str:
    """The public address in links (mail, .ics, feed URL).

    Set by BASE_URL; required outside development, where a wrong default would send
    every participant a dead link. In development it follows HOST and PORT (what
    `make run` serves on), so `make run PORT=5101` links to port 5101.
    """
    url = os.environ.get("BASE_URL", "").strip()
    if url:
        return url.rstrip("/")
    if env != "development":
        raise RuntimeError(
            "BASE_URL ontbreekt: zet de omgevingsvariabele BASE_URL op het openbare adres "
            "van Overleg (bijvoorbeeld https://overleg.gemeente.nl) voor productie."
        )
    host = os.environ.get("HOST", "").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):  # listening everywhere: link to this machine
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):  # an IPv6 address in a URL
        host = f"[{host}]"
    port = os.environ.get("PORT", "").strip() or "5000"
    return f"http://{host}:{port}"


class Config:
    """Configuration from the environment; create_app() accepts overrides."""

    def __init__(self) -> None:
        self.ENV_NAME = os.environ.get("OVERLEG_ENV", "development")
        self.SECRET_KEY = _secret_key(self.ENV_NAME)
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.BASE_URL = _base_url(self.ENV_NAME)
        self.MUNICIPALITY = os.environ.get("OVERLEG_MUNICIPALITY", "Gemeente Midden-Groningen")
        self.TIMEZONE = "Europe/Amsterdam"
        # Mail
        self.MAIL_BACKEND = os.environ.get(
            "MAIL_BACKEND", "console" if self.ENV_NAME == "development" else "smtp"
        )
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "overleg@midden-groningen.example.org")
        # Deliver the outbox right after the response of a request that queued mail;
        # `flask send-mail` (cron/systemd timer) retries what failed.
        self.MAIL_DELIVER_AFTER_REQUEST = _bool("MAIL_DELIVER_AFTER_REQUEST", True)
        # Cookies and sessions
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENV_NAME != "development"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # A login session ends after this long without a request, and this long after the
        # login however active (OWASP ASVS 3.3: idle and absolute timeouts).
        self.SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
        self.SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "12"))
        # Sensitive changes (accounts and application roles, the audit log export) need the
        # password proved this recently: at the login or on the confirmation page.
        self.REAUTH_MINUTES = int(os.environ.get("REAUTH_MINUTES", "10"))
        # Rate limiting (use a shared storage such as redis:// with several servers)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute;20 per hour")
        self.LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get(
            "LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes"
        )
        # Residents' signals (the public page): throttling per address, the largest request,
        # and how many months after handling the resident's contact details are erased
        self.SIGNAL_RATE_LIMIT = os.environ.get("SIGNAL_RATE_LIMIT", "5 per hour;20 per day")
        self.SIGNAL_MAX_BYTES = int(os.environ.get("SIGNAL_MAX_BYTES", "20000"))
        self.SIGNAL_CONTACT_RETENTION_MONTHS = int(
            os.environ.get("SIGNAL_CONTACT_RETENTION_MONTHS", "3")
        )
        # Login data (audit events of logging in and out) is removed after this many months
        # by `flask --app wsgi retention`; retention work runs in batches of this many rows.
        self.LOGIN_DATA_RETENTION_MONTHS = int(os.environ.get("LOGIN_DATA_RETENTION_MONTHS", "6"))
        self.RETENTION_BATCH_SIZE = int(os.environ.get("RETENTION_BATCH_SIZE", "500"))
        # Failed logins allowed per device cookie (a browser that logged in to the account
        # before is exempt from the per-account limit; overleg/auth/device.py).
        self.LOGIN_DEVICE_RATE_LIMIT = os.environ.get(
            "LOGIN_DEVICE_RATE_LIMIT", "10 per 15 minutes"
        )
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are
        # trusted (0: none). Needed for throttling and the audit log's address behind a proxy.
        self.TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
        # Files
        self.STORAGE_DIR = os.environ.get("STORAGE_DIR", str(INSTANCE_DIR / "files"))
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
        self.WTF_CSRF_TIME_LIMIT = None


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'overleg.db'}"
