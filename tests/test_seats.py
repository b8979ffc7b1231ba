"""Seats never vanish: when a deputy already holds another seat, the seat they leave goes to
its own deputy or stays vacant ("vacant — kies iemand") for the secretary to fill; the outbox
says why an invitation was withdrawn (absence, roster change, guest)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from overleg.domain.meetings import (
    MeetingError,
    add_guest,
    fill_seat,
    plan_meeting,
    refresh_future_participants,
    remove_guest,
)
from overleg.domain.roster import resolve_seats
from overleg.extensions import db
from overleg.models import OutboxMessage, RoleHolding, Unavailability, VacantSeat
from overleg.timeutil import today_local
from tests.conftest import demo_client, get_page
from tests.factories import meeting_type, person


def _away(email: str, first, last) -> Unavailability:
    u = Unavailability(person=person(email), start_date=first, end_date=last, reason="Verlof")
    db.session.add(u)
    db.session.commit()
    return u


def _seats(meeting) -> dict[str, str]:
    """{part: name or 'vacant'} of a meeting's participants and vacant seats."""
    seats = {p.part: p.person.name for p in meeting.participants if p.part != "guest"}
    seats |= {v.part: "vacant" for v in meeting.vacant_seats}
    return seats


def _mail(meeting) -> list[tuple[str, str, str]]:
    return [
        (m.recipient, m.method, m.reason_label)
        for m in db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.meeting_id == meeting.id)
            .order_by(OutboxMessage.id)
        )
    ]


# --- roster resolution -----------------------------------------------------------------------


def test_deputy_already_seated_leaves_their_seat_vacant(seeded):
    # The TVO chair (Tom Kuipers) is away; his deputy is the OOV secretary (Sanne de Vries).
    day = today_local() + timedelta(days=10)
    _away("coordinator.oov@example.org", day, day)
    seats = resolve_seats(meeting_type("tvo"), day)
    by_part = {s.part: s for s in seats}
    chair, secretary = by_part["chair"], by_part["secretary"]
    assert chair.person.email == "oov@example.org"
    assert chair.deputy_for.email == "coordinator.oov@example.org"
    assert secretary.vacant and secretary.role.name == "Ambtenaar OOV"
    assert secretary.holder.email == "oov@example.org"
    # Every roster entry is a seat: five entries, five seats, one vacant.
    assert len(seats) == 5 and [s.vacant for s in seats].count(True) == 1
    # Positive control: on a day he is there, he chairs and she is secretary.
    other = {s.part: s for s in resolve_seats(meeting_type("tvo"), day + timedelta(days=1))}
    assert other["chair"].person.email == "coordinator.oov@example.org"
    assert other["secretary"].person.email == "oov@example.org"


def test_the_seat_left_goes_to_its_own_deputy(seeded):
    # PO: the BT-chef is away; his deputy, the operationeel specialist, is a PO member too.
    day = today_local() + timedelta(days=10)
    _away("btchef@example.org", day, day)
    members = [s for s in resolve_seats(meeting_type("po"), day) if s.part == "member"]
    by_role = {s.role.name: s for s in members}
    assert by_role["Basisteamchef politie (BT-chef)"].person.email == "specialist@example.org"
    assert by_role["Operationeel specialist politie"].vacant
    # With a deputy of his own, the specialist's seat goes to that deputy.
    specialist = db.session.scalar(
        select(RoleHolding).where(RoleHolding.person_id == person("specialist@example.org").id)
    )
    specialist.deputy = person("wijkagent@example.org")
    db.session.commit()
    by_role = {s.role.name: s for s in resolve_seats(meeting_type("po"), day)}
    seat = by_role["Operationeel specialist politie"]
    assert seat.person.email == "wijkagent@example.org"
    assert seat.deputy_for.email == "specialist@example.org"


def test_secretary_fills_a_vacant_seat_and_the_roster_keeps_it(seeded):
    day = today_local() + timedelta(days=10)
    _away("coordinator.oov@example.org", day, day)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30), send=False)
    db.session.commit()
    (seat,) = m.vacant_seats
    visser = person("wijkagent@example.org")
    picked = fill_seat(m, seat, visser)
    db.session.commit()
    assert (picked.part, picked.role.name, picked.from_roster) == (
        "secretary",
        "Ambtenaar OOV",
        False,
    )
    assert m.vacant_seats == [] and _seats(m)["secretary"] == "Jeroen Visser"
    assert ("wijkagent@example.org", "REQUEST", "Uitnodiging") in _mail(m)
    # A roster refresh keeps the pick while the roster would leave the seat vacant.
    refresh_future_participants(meeting_type=meeting_type("tvo"))
    db.session.commit()
    assert _seats(m)["secretary"] == "Jeroen Visser"
    # When the chair is there after all, the roster fills the seat itself: the pick goes,
    # told that the roster changed.
    db.session.delete(db.session.scalar(select(Unavailability)))
    db.session.flush()
    refresh_future_participants(meeting_type=meeting_type("tvo"))
    db.session.commit()
    assert _seats(m) == {
        "chair": "Tom Kuipers",
        "member": _seats(m)["member"],
        "secretary": "Sanne de Vries",
    }
    assert db.session.scalar(select(VacantSeat)) is None
    assert ("wijkagent@example.org", "CANCEL", "Afgemeld na wijziging bezetting") in _mail(m)


def test_removing_the_pick_makes_the_seat_vacant_again(seeded):
    day = today_local() + timedelta(days=10)
    _away("coordinator.oov@example.org", day, day)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30), send=False)
    db.session.commit()
    picked = fill_seat(m, m.vacant_seats[0], person("wijkagent@example.org"))
    db.session.commit()
    remove_guest(m, picked)
    db.session.commit()
    assert [(v.part, v.role.name) for v in m.vacant_seats] == [("secretary", "Ambtenaar OOV")]


def test_fill_seat_refuses_somebody_already_seated(seeded):
    day = today_local() + timedelta(days=10)
    _away("coordinator.oov@example.org", day, day)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30), send=False)
    db.session.commit()
    with pytest.raises(MeetingError, match="neemt al deel aan dit overleg als voorzitter"):
        fill_seat(m, m.vacant_seats[0], person("oov@example.org"))
    with pytest.raises(MeetingError, match="Kies een persoon"):
        fill_seat(m, m.vacant_seats[0], None)
    # A guest of the meeting moves into the seat.
    guest = add_guest(m, person("veiligthuis@example.org"))
    db.session.commit()
    moved = fill_seat(m, m.vacant_seats[0], guest.person)
    assert moved is guest and guest.part == "secretary"


# --- withdrawn invitations say why -----------------------------------------------------------


def test_withdrawn_invitations_name_their_reason(seeded):
    today = today_local()
    day = today + timedelta(days=10)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30), send=False)
    db.session.commit()
    # absence: the chair is registered away
    _away("coordinator.oov@example.org", day, day)
    refresh_future_participants(meeting_type=meeting_type("tvo"))
    db.session.commit()
    # roster change: the operationeel specialist hands his role over
    old = db.session.scalar(
        select(RoleHolding).where(RoleHolding.person_id == person("specialist@example.org").id)
    )
    old.end_date = today
    db.session.add(
        RoleHolding(role=old.role, person=person("wijkagent@example.org"), start_date=today)
    )
    db.session.flush()
    refresh_future_participants(old.role)
    # guest: invited and removed again
    guest = add_guest(m, person("veiligthuis@example.org"))
    db.session.flush()
    remove_guest(m, guest)
    db.session.commit()
    withdrawn = {(r, label) for r, method, label in _mail(m) if method == "CANCEL"}
    assert withdrawn == {
        ("coordinator.oov@example.org", "Afgemeld wegens afwezigheid"),
        ("specialist@example.org", "Afgemeld na wijziging bezetting"),
        ("veiligthuis@example.org", "Gast afgemeld"),
    }
    body = db.session.scalar(
        select(OutboxMessage.body_text).where(
            OutboxMessage.recipient == "coordinator.oov@example.org"
        )
    )
    assert "afwezig gemeld" in body


# --- pages -----------------------------------------------------------------------------------


def test_absence_registered_by_the_beheerder_shows_a_vacant_seat_and_the_reason(seeded, app):
    day = today_local() + timedelta(days=10)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30))
    db.session.commit()
    coordinator = person("coordinator.oov@example.org")
    beheer = demo_client(app, "beheerder@example.org")
    resp = beheer.post(
        f"/beheer/personen/{coordinator.id}/afwezigheid",
        data={"start_date": day.isoformat(), "end_date": day.isoformat(), "reason": "Verlof"},
    )
    assert resp.status_code == 302
    sec = demo_client(app, "oov@example.org")
    page = get_page(sec, f"/overleggen/{m.id}")
    assert "vacant — kies iemand" in page
    assert "Plaats invullen" in page
    # Sanne de Vries chairs in his place, so her own seat is the vacant one
    assert "Sanne de Vries zit al als voorzitter (plaatsvervanger van Tom Kuipers)" in page
    outbox = get_page(sec, "/uitgaande-post/")
    assert "Afgemeld wegens afwezigheid" in outbox
    assert "Gast afgemeld" not in outbox  # the old, wrong label
    # A participant sees the vacant seat, not the secretary's form.
    reader = demo_client(app, "sociaalteam@example.org")
    page = get_page(reader, f"/overleggen/{m.id}")
    assert "vacant — kies iemand" in page and "Plaats invullen" not in page


def test_secretary_fills_the_vacant_seat_on_the_meeting_page(seeded, app):
    day = today_local() + timedelta(days=10)
    _away("coordinator.oov@example.org", day, day)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30), send=False)
    db.session.commit()
    (seat,) = m.vacant_seats
    visser = person("wijkagent@example.org")
    sec = demo_client(app, "oov@example.org")
    page = get_page(sec, f"/overleggen/{m.id}")
    assert "vacant — kies iemand" in page
    assert f'<option value="{visser.id}">Jeroen Visser (wijkagent@example.org)' in page
    # nobody chosen: back to the page with a message, nothing changed
    resp = sec.post(f"/overleggen/{m.id}/plaatsen/{seat.id}", data={"person": ""})
    assert resp.status_code == 303
    assert db.session.get(VacantSeat, seat.id) is not None
    resp = sec.post(f"/overleggen/{m.id}/plaatsen/{seat.id}", data={"person": str(visser.id)})
    assert resp.status_code == 302
    page = get_page(sec, f"/overleggen/{m.id}")
    assert "vacant — kies iemand" not in page
    assert "neemt de plaats Secretaris (Ambtenaar OOV) in" in page
    assert "Jeroen Visser (wijkagent@example.org)" not in page  # seated, no longer offered
    row = page[page.index("Jeroen Visser") :][:600]
    assert "Ambtenaar OOV" in row and "Secretaris" in row
    # the seat is gone: a second pick is not found
    assert (
        sec.post(f"/overleggen/{m.id}/plaatsen/{seat.id}", data={"person": "1"}).status_code == 404
    )


def test_minutes_editor_names_the_vacant_seat_and_its_role(seeded, app):
    """The verslag of a meeting held with a seat left vacant tells the secretary which role
    went unfilled; a meeting without one says nothing of it (positive control)."""
    day = today_local() + timedelta(days=10)
    _away("coordinator.oov@example.org", day, day)
    m = plan_meeting(meeting_type("tvo"), day, time(13, 30), send=False)
    full = plan_meeting(meeting_type("tvo"), day + timedelta(days=7), time(13, 30), send=False)
    db.session.commit()
    (seat,) = m.vacant_seats
    role = seat.role.name
    for meeting in (m, full):  # held yesterday: the minutes editor opens
        meeting.starts_at -= timedelta(days=12 if meeting is m else 19)
        meeting.ends_at -= timedelta(days=12 if meeting is m else 19)
    db.session.commit()
    sec = demo_client(app, "oov@example.org")
    page = get_page(sec, f"/overleggen/{m.id}/verslag")
    assert "Verslag per agendapunt" in page
    assert f"({role}): vacant — " in page and f'#plaats-{seat.id}">kies iemand</a>' in page
    page = get_page(sec, f"/overleggen/{full.id}/verslag")
    assert "Verslag per agendapunt" in page
    assert "): vacant — " not in page
