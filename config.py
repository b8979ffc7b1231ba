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


EVERYONE = "*"
_ROLE_NAMES = ("beheerder", "secretaris", "deelnemer")  # overleg.models.people.APP_ROLES


def _roles(name: str, default: str) -> tuple[str, ...]:
    """A list of application roles from the environment ("secretaris,beheerder"); "alle"
    (or "*") means every role: ("*",)."""
    raw = os.environ.get(name, default)
    roles = tuple(r.strip().lower() for r in raw.replace(";", ",").split(",") if r.strip())
    if any(r in ("*", "alle", "iedereen", "everyone", "all") for r in roles):
        return (EVERYONE,)
    unknown = [r for r in roles if r not in _ROLE_NAMES]
    if unknown:
        raise RuntimeError(
            f"{name}: onbekende rol {', '.join(unknown)}; kies uit {', '.join(_ROLE_NAMES)} "
            "of 'alle'."
        )
    return roles


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
        # PostgreSQL: server-side prepared statements (see engine_options); off for a pooler
        # that hands each transaction another server connection (PgBouncer, transaction mode).
        self.PG_PREPARE = _bool("OVERLEG_PG_PREPARE", True)
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(
            self.SQLALCHEMY_DATABASE_URI, self.PG_PREPARE
        )
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
        # Second factor (TOTP, overleg/auth/mfa.py): the application roles that must have
        # one ("secretaris,beheerder", "alle" for everyone, empty for none). Production
        # requires it of secretaries and administrators; development and the tests do not,
        # so that the demo accounts log in with their password alone.
        self.MFA_REQUIRED_ROLES = _roles(
            "MFA_REQUIRED_ROLES",
            "secretaris,beheerder" if self.ENV_NAME == "production" else "",
        )
        # Wrong codes allowed per account at the second step (and per address: LOGIN_RATE_LIMIT)
        self.MFA_RATE_LIMIT = os.environ.get("MFA_RATE_LIMIT", "5 per 5 minutes;30 per day")
        # The name the authenticator app shows beside the account
        self.MFA_ISSUER = os.environ.get("MFA_ISSUER", "Overleg")
        # Key that encrypts the TOTP secrets in the database; derived from SECRET_KEY when
        # unset (then a new SECRET_KEY means every second factor must be set up again).
        self.MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY") or None
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are
        # trusted (0: none). Needed for throttling and the audit log's address behind a proxy.
        self.TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
        # Single sign-on with OpenID Connect (overleg/auth/oidc.py): on when the issuer, the
        # client id and its secret are set; every endpoint comes from the issuer's discovery
        # document.
        self.OIDC_ISSUER = _oidc_issuer(self.ENV_NAME)
        self.OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip() or None
        self.OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
        self.OIDC_SCOPE = os.environ.get("OIDC_SCOPE", "openid email profile")
        # The name on the button ("Inloggen met …"): the organisation's own
        self.OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME") or self.MUNICIPALITY
        # An acr value that counts as a second factor (amr values always do: mfa, otp, hwk…)
        self.OIDC_ACR_MFA = os.environ.get("OIDC_ACR_MFA", "").strip() or None
        # Unknown verified e-mail addresses become deelnemers with an account (default: refused)
        self.OIDC_CREATE_ACCOUNTS = _bool("OIDC_CREATE_ACCOUNTS")
        self.OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
        # Password login can be switched off (single sign-on only), except for one named
        # beheerder who can always log in with a password (break glass: /inloggen/noodtoegang).
        self.PASSWORD_LOGIN = _bool("PASSWORD_LOGIN", True)
        self.BREAK_GLASS_EMAIL = os.environ.get("BREAK_GLASS_EMAIL", "").strip().lower() or None
        # Files
        self.STORAGE_DIR = os.environ.get("STORAGE_DIR", str(INSTANCE_DIR / "files"))
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
        self.WTF_CSRF_TIME_LIMIT = None


def _oidc_issuer(env: str) -> str | None:
    """The identity provider's issuer URL: https outside development (tokens and the client
    secret travel to it), http only on this machine's loopback."""
    issuer = os.environ.get("OIDC_ISSUER", "").strip() or None
    if issuer and env != "development" and not issuer.startswith("https://"):
        host = issuer.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        if host not in ("localhost", "127.0.0.1", "[::1]"):
            raise RuntimeError(
                "OIDC_ISSUER moet een https-adres zijn (bijvoorbeeld "
                "https://login.microsoftonline.com/<tenant>/v2.0)."
            )
    return issuer


# Server-side prepared statements kept per PostgreSQL connection: more than the distinct
# statements of all pages together (bench/pages.py's 34 pages make 126, holding about 21 MB
# of plans in the connection's server process), so that psycopg does not evict (DEALLOCATE)
# statements that the next request needs again (psycopg's default is 100); and few enough to
# bound that memory (some 170 kB of plans a statement: at most about 85 MB a connection).
PG_PREPARED_MAX = 500


def engine_options(url: str, pg_prepare: bool = True) -> dict:
    """SQLAlchemy engine options for the database at `url`.

    On PostgreSQL (psycopg 3) a statement is prepared on the server the second time a
    connection runs it (`prepare_threshold` 1) and kept (`prepared_max`): the read policy's
    nested subqueries cost PostgreSQL several milliseconds to *plan* and a fraction of that
    to run, and of a prepared statement PostgreSQL reuses its generic plan where it
    estimates it no worse than planning for the values (overleg/extensions.py). Not
    at the first run (`prepare_threshold` 0): psycopg then prepares statements whose result
    it does not keep, SQLAlchemy's connection ping (";") and a new statement that fails, and
    forgets them without DEALLOCATE, so that the server would hold one more with every
    request. A pooler in transaction mode (PgBouncer) gives each transaction some server
    connection, where the prepared statements are another client's: `OVERLEG_PG_PREPARE=0`
    (pg_prepare False) turns them off (`prepare_threshold` None)."""
    # no pool_pre_ping: a pooled connection idle for a while is pinged before use instead
    # (overleg/extensions.py, _ping_if_idle), not every one at every request
    options: dict = {}
    if url.startswith("postgresql+psycopg:"):
        options["connect_args"] = (
            {"prepare_threshold": 1, "prepared_max": PG_PREPARED_MAX}
            if pg_prepare
            else {"prepare_threshold": None}
        )
    return options


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
