"""Lifecycle guards: minutes are approved only at a meeting of the same body that has begun;
attendance and minutes (notes, decisions, actions) only once their meeting has begun."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from overleg.domain import minutes as dmin
from overleg.extensions import db
from overleg.models import Decision, Minutes
from overleg.timeutil import nl_date, to_local, today_local
from tests.factories import make_meeting
from tests.minutes_support import item_of, minutes_of, past_meeting


def _held_and_coming(people):
    """A held TVO whose minutes lie ter vaststelling, and the next TVO, two days ahead."""
    here = [(people["deelnemer"], "member"), (people["secretaris"], "secretary")]
    held = past_meeting("tvo", 14, here)
    coming = make_meeting(
        "tvo", day=today_local() + timedelta(days=2), at=time(10, 0), participants=here
    )
    minutes = dmin.ensure_minutes(held, people["secretaris"])
    dmin.send_for_approval(minutes, people["secretaris"])
    db.session.commit()
    return held, coming, minutes


# --- approval ------------------------------------------------------------------------------


def test_approval_is_refused_before_the_approving_meeting_began(seeded, people, clock):
    held, coming, minutes = _held_and_coming(people)
    with pytest.raises(dmin.MinutesError) as refused:
        dmin.approve(minutes, coming, people["secretaris"], render_pdf=False)
    assert "vergadering die begonnen is" in str(refused.value)
    assert nl_date(coming.starts_at) in str(refused.value)
    db.session.rollback()
    assert minutes_of(held).status == "ter_vaststelling"
    # Positive control: once the approving meeting has begun, the approval goes through.
    clock.move_to(to_local(coming.starts_at) + timedelta(minutes=10))
    minutes = minutes_of(held)
    dmin.approve(minutes, db.session.get(type(coming), coming.id), render_pdf=False)
    db.session.commit()
    assert minutes_of(held).status == "vastgesteld"
    assert minutes_of(held).approved_in_meeting_id == coming.id


def test_approval_is_refused_at_a_cancelled_meeting(seeded, people, clock):
    held, coming, minutes = _held_and_coming(people)
    clock.move_to(to_local(coming.starts_at) + timedelta(minutes=10))
    coming.status, coming.cancel_reason = "geannuleerd", "Geen agendapunten"
    with pytest.raises(dmin.MinutesError, match="geannuleerd"):
        dmin.approve(minutes, coming, render_pdf=False)


def test_approval_page_refuses_before_the_meeting_and_allows_after(seeded, people, as_role, clock):
    sec = as_role("secretaris")
    held, coming, minutes = _held_and_coming(people)
    # The coming meeting's minutes page offers nothing yet: it says when it can.
    resp = sec.get(f"/overleggen/{coming.id}/verslag")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "vanaf het begin van het overleg" in html
    assert "vaststellen" not in html and 'name="notes"' not in html
    resp = sec.post(f"/overleggen/{coming.id}/verslag/vaststellen/{minutes.id}")
    assert resp.status_code == 409
    assert "vergadering die begonnen is" in resp.get_data(as_text=True)
    assert minutes_of(held).status == "ter_vaststelling"
    assert minutes_of(coming) is None  # nothing started by the refused request
    # Positive control: the meeting has begun; the same button approves.
    clock.move_to(to_local(coming.starts_at) + timedelta(minutes=5))
    sec = as_role("secretaris")  # days later: a new session
    html = sec.get(f"/overleggen/{coming.id}/verslag").get_data(as_text=True)
    assert "vaststellen" in html
    resp = sec.post(f"/overleggen/{coming.id}/verslag/vaststellen/{minutes.id}")
    assert resp.status_code == 302
    assert minutes_of(held).status == "vastgesteld"
    read = sec.get(f"/overleggen/{held.id}/verslag").get_data(as_text=True)
    assert f"Vastgesteld in de vergadering van {nl_date(coming.starts_at)}" in read


# --- attendance and minutes only once the meeting began ------------------------------------


def test_notes_and_attendance_are_refused_on_a_future_meeting(seeded, people, clock):
    coming = make_meeting(
        "tvo",
        day=today_local() + timedelta(days=3),
        participants=[(people["deelnemer"], "member")],
    )
    minutes = dmin.ensure_minutes(coming, people["secretaris"])
    item = item_of(coming, "mededelingen")
    with pytest.raises(dmin.MinutesNotBegun, match="vanaf het begin van het overleg"):
        dmin.save_notes(minutes, item, "Te vroeg.", base_version=None, base_hash=None)
    (p,) = coming.participants
    with pytest.raises(dmin.MinutesNotBegun):
        dmin.record_attendance(minutes, {p.id: "aanwezig"})
    with pytest.raises(dmin.MinutesNotBegun):
        dmin.send_for_approval(minutes)
    db.session.rollback()
    # Positive control: at the start the same calls are accepted.
    clock.move_to(to_local(coming.starts_at))
    minutes = dmin.ensure_minutes(coming, people["secretaris"])
    assert dmin.save_notes(
        minutes, item, "Op tijd.", base_version=minutes.version, base_hash=dmin.text_hash(None)
    )
    dmin.record_attendance(minutes, {p.id: "aanwezig"})
    db.session.commit()
    assert item_of(coming, "mededelingen").notes == "Op tijd."


def test_minutes_pages_refuse_a_future_meeting(seeded, people, as_role, clock):
    sec = as_role("secretaris")
    coming = make_meeting(
        "tvo",
        day=today_local() + timedelta(days=3),
        participants=[(people["deelnemer"], "member")],
    )
    item = item_of(coming, "mededelingen")
    (p,) = coming.participants
    base = f"/overleggen/{coming.id}/verslag"
    posts = {
        f"{base}/punten/{item.id}/notities": {"notes": "Te vroeg.", "version": 0, "base": ""},
        f"{base}/aanwezigheid": {f"aanwezigheid-{p.id}": "aanwezig"},
        f"{base}/punten/{item.id}/besluiten": {"text": "Te vroeg besloten."},
        f"{base}/ter-vaststelling": {},
    }
    for url, data in posts.items():
        resp = sec.post(url, data=data)
        assert resp.status_code == 409, url
        assert "vanaf het begin van het overleg" in resp.get_data(as_text=True), url
    db.session.expire_all()
    assert item_of(coming, "mededelingen").notes is None
    assert db.session.scalar(select(Decision)) is None
    assert db.session.scalar(select(Minutes)) is None
    assert coming.participants[0].attendance is None
    # The meeting page offers no attendance before the start ...
    page = sec.get(f"/overleggen/{coming.id}").get_data(as_text=True)
    assert "#aanwezigheid" not in page
    # ... and once it has begun the same posts are taken.
    clock.move_to(to_local(coming.starts_at) + timedelta(minutes=1))
    sec = as_role("secretaris")  # days later: a new session
    page = sec.get(f"/overleggen/{coming.id}").get_data(as_text=True)
    assert f"/overleggen/{coming.id}/verslag#aanwezigheid" in page
    for url in list(posts)[:3]:
        resp = sec.post(url, data=posts[url])
        assert resp.status_code == 302, url
    db.session.expire_all()
    assert item_of(coming, "mededelingen").notes == "Te vroeg."
    assert coming.participants[0].attendance == "aanwezig"
