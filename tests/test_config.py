"""Settings from the environment: secret key, cookies, database URL."""

from __future__ import annotations

import stat

import pytest

import config
from config import Config

from .conftest import login

ENV_VARS = (
    "SECRET_KEY",
    "OVERLEG_ENV",
    "DATABASE_URL",
    "MAIL_BACKEND",
    "BASE_URL",
    "HOST",
    "PORT",
)


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment with the instance folder in a temporary directory."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path / "instance")
    return monkeypatch


def test_production_without_secret_key_refuses_to_start(env):
    env.setenv("OVERLEG_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Config()


def test_production_app_factory_refuses_too(env):
    from overleg import create_app

    env.setenv("OVERLEG_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY ontbreekt"):
        create_app()


def test_production_with_secret_key(env):
    env.setenv("OVERLEG_ENV", "production")
    env.setenv("SECRET_KEY", "s3cr3t-from-the-environment")
    env.setenv("BASE_URL", "https://overleg.midden-groningen.example.org/")
    cfg = Config()
    assert cfg.SECRET_KEY == "s3cr3t-from-the-environment"
    assert cfg.SESSION_COOKIE_SECURE is True
    assert cfg.REMEMBER_COOKIE_SECURE is True
    assert cfg.MAIL_BACKEND == "smtp"
    assert not (config.INSTANCE_DIR / "secret_key").exists()


def test_development_generates_a_secret_key_once(env):
    first = Config().SECRET_KEY
    second = Config().SECRET_KEY
    assert first == second
    assert len(first) >= 64
    path = config.INSTANCE_DIR / "secret_key"
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_cookie_settings_in_development(env):
    cfg = Config()
    assert cfg.SESSION_COOKIE_HTTPONLY is True
    assert cfg.SESSION_COOKIE_SAMESITE == "Lax"
    assert cfg.SESSION_COOKIE_SECURE is False  # http://127.0.0.1 during development
    assert cfg.REMEMBER_COOKIE_HTTPONLY is True


@pytest.mark.parametrize("env_name", ["production", "staging", "acceptatie"])
def test_cookies_secure_outside_development(env, env_name):
    env.setenv("OVERLEG_ENV", env_name)
    env.setenv("SECRET_KEY", "x" * 40)
    env.setenv("BASE_URL", "https://overleg.example.org")
    cfg = Config()
    assert cfg.SESSION_COOKIE_SECURE is True
    assert cfg.SESSION_COOKIE_HTTPONLY is True
    assert cfg.SESSION_COOKIE_SAMESITE == "Lax"


def test_session_cookie_is_httponly_and_samesite_lax(client, people):
    resp = login(client, people["deelnemer"].email)
    cookies = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert cookies, resp.headers
    assert "HttpOnly" in cookies[-1]
    assert "SameSite=Lax" in cookies[-1]


@pytest.mark.parametrize(
    "given,expected",
    [
        (
            "postgres://u:p@db.example.org:5432/overleg",
            "postgresql+psycopg://u:p@db.example.org:5432/overleg",
        ),
        (
            "postgresql://u:p@db.example.org/overleg",
            "postgresql+psycopg://u:p@db.example.org/overleg",
        ),
        ("postgresql+psycopg://u@/overleg?host=/tmp", "postgresql+psycopg://u@/overleg?host=/tmp"),
        ("sqlite:////var/lib/overleg/overleg.db", "sqlite:////var/lib/overleg/overleg.db"),
    ],
)
def test_database_url_is_normalised(env, given, expected):
    env.setenv("DATABASE_URL", given)
    assert expected == Config().SQLALCHEMY_DATABASE_URI


def test_database_default_is_sqlite_in_instance(env):
    uri = Config().SQLALCHEMY_DATABASE_URI
    assert uri == f"sqlite:///{config.INSTANCE_DIR / 'overleg.db'}"


def test_base_url_without_trailing_slash(env):
    env.setenv("BASE_URL", "https://overleg.example.org/")
    assert Config().BASE_URL == "https://overleg.example.org"


def test_development_base_url_follows_host_and_port(env):
    assert Config().BASE_URL == "http://127.0.0.1:5000"
    env.setenv("PORT", "5101")
    assert Config().BASE_URL == "http://127.0.0.1:5101"
    env.setenv("HOST", "0.0.0.0")  # listening on every address: links go to this machine
    assert Config().BASE_URL == "http://127.0.0.1:5101"
    env.setenv("HOST", "overleg.local")
    assert Config().BASE_URL == "http://overleg.local:5101"
    env.setenv("BASE_URL", "https://overleg.example.org/")  # set: it wins, without the slash
    assert Config().BASE_URL == "https://overleg.example.org"


def test_production_requires_base_url(env):
    env.setenv("OVERLEG_ENV", "production")
    env.setenv("SECRET_KEY", "x" * 40)
    env.setenv("PORT", "8000")
    with pytest.raises(RuntimeError, match="BASE_URL ontbreekt"):
        Config()
    env.setenv("BASE_URL", "https://overleg.midden-groningen.example.org")
    assert Config().BASE_URL == "https://overleg.midden-groningen.example.org"


def test_feed_url_on_the_profile_page_uses_the_port_served_on(env, app, people):
    """`make run PORT=5101`: the feed URL the participant copies points to port 5101."""
    from overleg import create_app

    env.setenv("PORT", "5101")
    cfg = {k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "STORAGE_DIR")}
    served = create_app({**cfg, "TESTING": True, "WTF_CSRF_ENABLED": False})
    assert served.config["BASE_URL"] == "http://127.0.0.1:5101"
    client = served.test_client()
    assert login(client, people["deelnemer"].email).status_code == 302
    assert client.post("/agenda/abonnement").status_code == 302
    resp = client.get("/mijn-gegevens")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "http://127.0.0.1:5101/agenda/" in html and "127.0.0.1:5000" not in html
