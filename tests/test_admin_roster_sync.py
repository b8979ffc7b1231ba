"""A change of who holds a role, made on the admin screens, reaches future meetings only."""

from datetime import time, timedelta

from sqlalchemy import select

from overleg.domain.meetings import plan_meeting
from overleg.models import Role
from overleg.timeutil import today_local
from tests.conftest import login
from tests.factories import meeting_type, person


def _emails(meeting):
    return {p.person.email for p in meeting.participants}


def test_new_holder_replaces_old_in_future_meetings_only(app, db, seeded, people):
    tvo = meeting_type("tvo")
    past = plan_meeting(tvo, today_local() - timedelta(days=14), time(10), send=False)
    future = plan_meeting(tvo, today_local() + timedelta(days=14), time(10), send=False)
    db.session.commit()
    assert "sociaalteam@example.org" in _emails(future)

    role = db.session.scalar(select(Role).where(Role.name == "Coördinator sociaal team"))
    holding = role.holdings[0]
    newcomer = person("veiligthuis@example.org")
    c = app.test_client()
    login(c, people["beheerder"].email)
    # End the current holding yesterday, and let someone else hold the role from today.
    resp = c.post(
        f"/beheer/functies/{role.id}/bezetting/{holding.id}",
        data={
            "person_id": str(holding.person_id),
            "deputy_id": "",
            "start_date": holding.start_date.isoformat(),
            "end_date": (today_local() - timedelta(days=1)).isoformat(),
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    resp = c.post(
        f"/beheer/functies/{role.id}/bezetting/nieuw",
        data={
            "person_id": str(newcomer.id),
            "deputy_id": "",
            "start_date": today_local().isoformat(),
            "end_date": "",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)

    db.session.expire_all()
    assert "veiligthuis@example.org" in _emails(future)
    assert "sociaalteam@example.org" not in _emails(future)
    assert "sociaalteam@example.org" in _emails(past)
    assert "veiligthuis@example.org" not in _emails(past)


def test_absence_registered_by_beheerder_invites_the_deputy(app, db, seeded, people):
    driehoek = meeting_type("driehoek")
    day = today_local() + timedelta(days=21)
    meeting = plan_meeting(driehoek, day, time(14), send=False)
    db.session.commit()
    assert "burgemeester@example.org" in _emails(meeting)
    mayor = person("burgemeester@example.org")
    c = app.test_client()
    login(c, people["beheerder"].email)
    resp = c.post(
        f"/beheer/personen/{mayor.id}/afwezigheid",
        data={
            "start_date": (day - timedelta(days=2)).isoformat(),
            "end_date": (day + timedelta(days=2)).isoformat(),
            "reason": "Vakantie",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.expire_all()
    assert "locoburgemeester@example.org" in _emails(meeting)
    assert "burgemeester@example.org" not in _emails(meeting)
