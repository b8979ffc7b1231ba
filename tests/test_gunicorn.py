"""The production server: gunicorn with gunicorn.conf.py serves the app on a loopback port
with every security header, a Server header without a version, and an access log without
query strings. gunicorn is pinned in requirements.txt: missing, this test fails."""

from __future__ import annotations

import http.cookiejar
import os
import re
import runpy
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "gunicorn-test-wachtwoord"


def test_config_workers_from_the_cores_and_timeouts(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND", "GUNICORN_TIMEOUT", "HOST", "PORT"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 2 * (os.cpu_count() or 1) + 1
    assert conf["bind"] == "127.0.0.1:8000"
    assert conf["timeout"] >= 60  # the vergaderstukken bundle and PDF/A export
    assert "%(U)s" in conf["access_log_format"]
    assert "%(r)s" not in conf["access_log_format"] and "%(q)s" not in conf["access_log_format"]
    assert "%(f)s" not in conf["access_log_format"]  # a Referer carries a query string too
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("PORT", "5123")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (conf["workers"], conf["bind"]) == (3, "127.0.0.1:5123")


@pytest.fixture
def served(tmp_path):
    """gunicorn with the app on a free loopback port, on a fresh SQLite database with one
    account; yields (base URL, path of the access log)."""
    from overleg import create_app
    from overleg.auth.services import hash_password
    from overleg.extensions import db
    from overleg.models import Person

    assert GUNICORN.exists(), f"{GUNICORN} ontbreekt: gunicorn staat in requirements.txt"
    url = f"sqlite:///{tmp_path / 'served.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        db.create_all()
        db.session.add(
            Person(
                name="Gerda Gunicorn",
                email="gerda@example.org",
                app_role="deelnemer",
                password_hash=hash_password(PASSWORD),
            )
        )
        db.session.commit()
        db.engine.dispose()
    log = tmp_path / "access.log"
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "gunicorn-test",
        "OVERLEG_INSTANCE": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "files"),
        "MAIL_BACKEND": "memory",
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    proc = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        base = None
        deadline = time.monotonic() + 60
        lines = []
        assert proc.stderr is not None
        while base is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if m := re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line):
                base = m.group(1)
        assert base, "gunicorn did not start:\n" + "".join(lines)
        # the worker answers once it has booted
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/inloggen", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield base, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_gunicorn_serves_pages_with_the_headers_and_logs_no_query(served):
    base, log = served
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    resp = opener.open(base + "/inloggen?next=/zoeken%3Fq%3DJansen-geheim", timeout=10)
    html = resp.read().decode()
    headers = resp.headers
    assert resp.status == 200 and "Inloggen" in html
    assert headers.get_all("Server") == ["gunicorn"]
    assert "script-src 'nonce-" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Permissions-Policy" in headers
    # log in through the form (CSRF on, as in production) and open a page behind the login
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "email": "gerda@example.org", "password": PASSWORD}
    ).encode()
    home = opener.open(base + "/inloggen", data=body, timeout=30)
    page = home.read().decode()
    assert home.status == 200 and home.url.rstrip("/") == base, home.url
    assert "Gerda Gunicorn" in page
    assert home.headers["Cache-Control"] == "no-store"
    assert home.headers.get_all("Server") == ["gunicorn"]
    # the access log names the paths, never the query string
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and log.read_text().count("\n") < 3:
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /inloggen HTTP/1.1" 200' in text
    assert '"POST /inloggen HTTP/1.1" 302' in text
    assert "Jansen-geheim" not in text and "next=" not in text and "?" not in text
