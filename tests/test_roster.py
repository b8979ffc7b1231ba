"""Participants from the roster: holder, deputy when unavailable, changes of holder."""

from datetime import date, time, timedelta

from sqlalchemy import select

from overleg.domain.meetings import (
    add_guest,
    plan_meeting,
    refresh_future_participants,
    resolve_roster,
)
from overleg.extensions import db
from overleg.models import Participant, Role, RoleHolding, Unavailability
from overleg.timeutil import today_local
from tests.factories import meeting_type, person


def outbox_rows(meeting=None):
    from overleg.models.mail import OutboxMessage

    stmt = select(OutboxMessage).order_by(OutboxMessage.id)  # the order they were queued
    if meeting is not None:
        stmt = stmt.where(OutboxMessage.meeting_id == meeting.id)
    return [(m.recipient, m.method, m.reason) for m in db.session.scalars(stmt)]


def role(name):
    return db.session.scalar(select(Role).where(Role.name == name))


def test_roster_resolves_holders_with_their_part(seeded):
    slots = resolve_roster(meeting_type("driehoek"), date(2019, 3, 12))
    got = {(s.person.email, s.role.name, s.part, s.deputy_for) for s in slots}
    assert got == {
        ("burgemeester@example.org", "Burgemeester", "chair", None),
        ("ovj@example.org", "Officier van justitie", "member", None),
        ("btchef@example.org", "Basisteamchef politie (BT-chef)", "member", None),
        ("oov@example.org", "Ambtenaar OOV", "secretary", None),
    }
    # Before anyone held the roles (holdings start 2019-01-01) nobody is invited.
    assert resolve_roster(meeting_type("driehoek"), date(2018, 12, 31)) == []


def test_deputy_invited_when_holder_unavailable(seeded):
    burgemeester = person("burgemeester@example.org")
    db.session.add(
        Unavailability(
            person=burgemeester,
            start_date=date(2019, 7, 1),
            end_date=date(2019, 7, 31),
            reason="Vakantie",
        )
    )
    db.session.commit()
    during = {s.role.name: s for s in resolve_roster(meeting_type("driehoek"), date(2019, 7, 15))}
    chair = during["Burgemeester"]
    assert chair.person.email == "locoburgemeester@example.org"
    assert chair.deputy_for.email == "burgemeester@example.org"
    assert chair.part == "chair"
    after = {s.role.name: s for s in resolve_roster(meeting_type("driehoek"), date(2019, 8, 1))}
    assert after["Burgemeester"].person.email == "burgemeester@example.org"
    # Planned on such a day, the meeting records who stands in for whom and shows it.
    m = plan_meeting(meeting_type("driehoek"), date(2019, 7, 15), time(16, 0), send=False)
    db.session.commit()
    p = next(p for p in m.participants if p.part == "chair")
    assert (p.person.email, p.deputy_for.email) == (
        "locoburgemeester@example.org",
        "burgemeester@example.org",
    )


def test_holder_without_deputy_stays_invited_when_unavailable(seeded):
    db.session.add(
        Unavailability(
            person=person("ovj@example.org"), start_date=date(2019, 5, 1), end_date=date(2019, 5, 3)
        )
    )
    db.session.commit()
    emails = {s.person.email for s in resolve_roster(meeting_type("driehoek"), date(2019, 5, 2))}
    assert "ovj@example.org" in emails


def test_change_of_holder_updates_future_meetings_only(seeded, people):
    today = today_local()
    body = meeting_type("driehoek")
    past = plan_meeting(body, today - timedelta(days=14), time(16, 0), send=False)
    future = plan_meeting(body, today + timedelta(days=14), time(16, 0))
    db.session.flush()
    guest = add_guest(future, person("ovj.cybercrime@example.org"))
    db.session.commit()
    newcomer = people["deelnemer"]

    # The officier van justitie changes from tomorrow on.
    ovj_role = role("Officier van justitie")
    old = db.session.scalar(select(RoleHolding).where(RoleHolding.role_id == ovj_role.id))
    old.end_date = today
    db.session.add(
        RoleHolding(role=ovj_role, person=newcomer, start_date=today + timedelta(days=1))
    )
    before = len(outbox_rows(future))
    changes = refresh_future_participants(ovj_role)
    db.session.commit()

    assert list(changes) == [future.id]
    future_emails = {p.person.email for p in future.participants}
    assert newcomer.email in future_emails and "ovj@example.org" not in future_emails
    assert guest.person.email in future_emails  # guests stay
    past_emails = {p.person.email for p in past.participants}
    assert "ovj@example.org" in past_emails and newcomer.email not in past_emails
    new_rows = outbox_rows(future)[before:]
    assert ("ovj@example.org", "CANCEL", "roster_removed") in new_rows
    assert (newcomer.email, "REQUEST", "invitation") in new_rows
    assert not outbox_rows(past)


def test_same_person_in_two_roles_is_one_participant(seeded):
    # The coordinator OOV deputises for the ambtenaar OOV, and chairs the TVO himself.
    db.session.add(
        Unavailability(
            person=person("oov@example.org"),
            start_date=date(2019, 4, 1),
            end_date=date(2019, 4, 30),
        )
    )
    db.session.commit()
    m = plan_meeting(meeting_type("tvo"), date(2019, 4, 4), time(13, 30), send=False)
    db.session.commit()
    rows = db.session.scalars(
        select(Participant).where(
            Participant.meeting_id == m.id,
            Participant.person_id == person("coordinator.oov@example.org").id,
        )
    ).all()
    assert len(rows) == 1 and rows[0].part == "chair"


def test_unavailability_registered_later_brings_in_the_deputy_for_future_meetings(seeded):
    today = today_local()
    body = meeting_type("po")
    past = plan_meeting(body, today - timedelta(days=7), time(9, 0), send=False)
    future = plan_meeting(body, today + timedelta(days=10), time(9, 0), send=False)
    db.session.add(
        Unavailability(
            person=person("burgemeester@example.org"),
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=30),
        )
    )
    db.session.commit()
    changes = refresh_future_participants(role("Burgemeester"))
    db.session.commit()
    assert list(changes) == [future.id]
    chair = next(p for p in future.participants if p.part == "chair")
    assert (chair.person.email, chair.deputy_for.email) == (
        "locoburgemeester@example.org",
        "burgemeester@example.org",
    )
    assert (
        next(p for p in past.participants if p.part == "chair").person.email
        == "burgemeester@example.org"
    )
    assert set(outbox_rows(future)) == {
        ("burgemeester@example.org", "CANCEL", "absence_removed"),
        ("locoburgemeester@example.org", "REQUEST", "invitation"),
    }
    # Nothing changes the second time.
    assert refresh_future_participants(role("Burgemeester")) == {}
