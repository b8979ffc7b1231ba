"""Login sessions end on the server: after SESSION_IDLE_MINUTES without a request (the
minutes' background autosave counts as one) and SESSION_MAX_HOURS after the login, however
active. The clock moves only after the login (see the `clock` fixture)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from config import Config
from overleg.models import LoginSession
from tests.conftest import login
from tests.minutes_support import item_of, page_state, past_meeting, save_notes


def sessions(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(LoginSession.id)))


def sent_to_login(resp) -> bool:
    return resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == "/inloggen"


def test_defaults_are_30_minutes_idle_and_12_hours_in_all(monkeypatch):
    monkeypatch.delenv("SESSION_IDLE_MINUTES", raising=False)
    monkeypatch.delenv("SESSION_MAX_HOURS", raising=False)
    config = Config()
    assert (config.SESSION_IDLE_MINUTES, config.SESSION_MAX_HOURS) == (30, 12)
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("SESSION_MAX_HOURS", "8")
    config = Config()
    assert (config.SESSION_IDLE_MINUTES, config.SESSION_MAX_HOURS) == (15, 8)


def test_idle_session_ends_after_30_minutes_without_a_request(client, people, db, clock):
    assert login(client, people["deelnemer"].email).status_code == 302
    clock.shift(timedelta(minutes=29))
    assert client.get("/").status_code == 200  # activity: the idle time starts again
    clock.shift(timedelta(minutes=29))
    assert client.get("/").status_code == 200
    assert sessions(db) == 1
    clock.shift(timedelta(minutes=31))
    resp = client.get("/")
    assert sent_to_login(resp)
    assert sessions(db) == 0
    # the cookie does not come back to life, and logging in again works
    assert sent_to_login(client.get("/"))
    assert login(client, people["deelnemer"].email).status_code == 302
    assert client.get("/").status_code == 200


def test_autosaving_minutes_keeps_the_secretary_logged_in(seeded, people, client, db, clock):
    secretary = people["secretaris"]
    meeting = past_meeting("tvo", 7, [(secretary, "secretary")])
    item = item_of(meeting, "mededelingen")
    assert login(client, secretary.email).status_code == 302
    version, base = page_state(client, meeting, item)
    text = ""
    for minute in range(20, 100, 20):  # only the background saves, for 80 minutes
        clock.shift(timedelta(minutes=20))
        text += f"Aantekening na {minute} minuten. "
        resp = save_notes(
            client, meeting, item, text, version, base, **{"X-Requested-With": "fetch"}
        )
        assert resp.status_code == 200, (minute, resp.status_code)
        body = resp.get_json()
        version, base = body["version"], body["base"]
    db.session.expire_all()
    assert item.notes == text.strip()
    # then 31 minutes without a save: the session is over, the next save is refused
    clock.shift(timedelta(minutes=31))
    resp = save_notes(client, meeting, item, text + "Te laat.", version, base)
    assert resp.status_code == 401
    db.session.expire_all()
    assert "Te laat." not in (item.notes or "") and "80 minuten" in item.notes
    assert sessions(db) == 0


def test_session_ends_12_hours_after_login_however_active(client, people, db, clock):
    assert login(client, people["deelnemer"].email).status_code == 302
    for _ in range(23):  # a request every 30 minutes: never idle, 11.5 hours in all
        clock.shift(timedelta(minutes=30))
        assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=29))  # 11:59 after the login
    assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=2))  # 12:01
    assert sent_to_login(client.get("/"))
    assert sessions(db) == 0


def test_both_limits_follow_the_configuration(app, client, people, db, clock):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    try:
        assert login(client, people["deelnemer"].email).status_code == 302
        clock.shift(timedelta(minutes=4))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=6))
        assert sent_to_login(client.get("/"))
        assert login(client, people["deelnemer"].email).status_code == 302
        for _ in range(14):  # every 4 minutes, 56 in all
            clock.shift(timedelta(minutes=4))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=5))  # 61 minutes after the second login
        assert sent_to_login(client.get("/"))
    finally:
        app.config.update(SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=12)
