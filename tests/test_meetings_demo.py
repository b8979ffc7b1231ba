"""Demo meetings: four series around today, idempotent, visible per need to know."""

from datetime import timedelta
from itertools import pairwise

from sqlalchemy import func, select

from overleg.demo import seed_all
from overleg.domain.policy import visible_meetings
from overleg.extensions import db
from overleg.models import Meeting, MeetingSeries
from overleg.timeutil import to_local, today_local, utcnow
from tests.conftest import get_page, login
from tests.factories import person


def test_seed_meetings_is_idempotent_and_spans_the_demo_period(seeded):
    created = seed_all()["meetings"]
    assert created > 30
    assert seed_all()["meetings"] == 0
    assert db.session.scalar(select(func.count(MeetingSeries.id))) == 4
    meetings = db.session.scalars(select(Meeting)).all()
    assert len(meetings) == created
    today = today_local()
    days = sorted(to_local(m.starts_at).date() for m in meetings)
    assert days[0] >= today - timedelta(days=186) and days[-1] <= today + timedelta(days=93)
    by_code = {}
    for m in meetings:
        by_code.setdefault(m.meeting_type.code, []).append(m)
    ovo = sorted(by_code["ovo"], key=lambda m: m.starts_at)
    assert {
        (
            to_local(m.starts_at).weekday(),
            to_local(m.starts_at).strftime("%H:%M"),
            to_local(m.ends_at).strftime("%H:%M"),
        )
        for m in ovo
    } == {(1, "10:00", "11:30")}
    assert {(b.starts_at - a.starts_at).days for a, b in pairwise(ovo)} <= {
        13,
        14,
        15,
    }  # DST shifts UTC by 1h
    assert {
        to_local(m.starts_at).day <= 7 and to_local(m.starts_at).weekday() == 3
        for m in by_code["tvo"]
    } == {True}
    assert len(by_code["driehoek"]) in (4, 5, 6, 7)
    held = [m for m in meetings if m.starts_at < utcnow()]
    assert held and all(p.attendance for m in held for p in m.participants)


def test_wijkagent_sees_only_ovo_meetings_in_the_demo(app, demo):
    wijkagent = person("wijkagent@example.org")
    codes = {m.meeting_type.code for m in db.session.scalars(visible_meetings(wijkagent))}
    assert codes == {"ovo"}
    c = app.test_client()
    login(c, "wijkagent@example.org", "Veilig-Overleg-2019")
    html = get_page(c, "/mijn-overleggen")
    assert "Operationeel Veiligheidsoverleg" in html
    for name in ("Driehoeksoverleg", "Tactisch Veiligheidsoverleg", "Politie Overleg"):
        assert name not in html
    assert "(aanwezig)" in html  # the past meetings show attendance
