"""Series: generation (weekly, every N weeks, monthly on the Nth weekday), daylight saving,
editing the future only, detached meetings, and the end rules."""

from datetime import date, datetime, time, timedelta

import pytest

from overleg.domain.meetings import MeetingError, cancel_meeting, update_meeting
from overleg.domain.series import create_series, describe, update_series
from overleg.extensions import db
from overleg.timeutil import TZ, local_to_utc, to_local, today_local, utcnow
from tests.conftest import get_page
from tests.factories import meeting_type


def local_times(series):
    return [
        (
            to_local(m.starts_at).date(),
            to_local(m.starts_at).strftime("%H:%M"),
            to_local(m.ends_at).strftime("%H:%M"),
        )
        for m in series.meetings
    ]


def test_weekly_series_across_both_dst_changes_stays_at_10_local(seeded):
    s = create_series(
        meeting_type("ovo"),
        first_date=date(2019, 3, 19),
        start_time=time(10, 0),
        duration_minutes=90,
        frequency="weekly",
        interval=1,
        until_date=date(2019, 11, 5),
        send=False,
        now=datetime(2019, 1, 1),
    )
    db.session.commit()
    db.session.expire_all()
    rows = local_times(s)
    days = [d for d, _, _ in rows]
    assert days[0] == date(2019, 3, 19) and days[-1] == date(2019, 11, 5)
    assert date(2019, 3, 26) in days and date(2019, 4, 2) in days  # around 31 March
    assert date(2019, 10, 22) in days and date(2019, 10, 29) in days  # around 27 October
    assert {(start, end) for _, start, end in rows} == {("10:00", "11:30")}
    # Stored as UTC: 09:00 in winter, 08:00 in summer.
    by_day = {to_local(m.starts_at).date(): m.starts_at for m in s.meetings}
    assert by_day[date(2019, 3, 26)].hour == 9 and by_day[date(2019, 4, 2)].hour == 8
    assert by_day[date(2019, 10, 22)].hour == 8 and by_day[date(2019, 10, 29)].hour == 9
    # Each meeting has participants from the roster and the standard items.
    m = s.meetings[0]
    assert {p.person.email for p in m.participants} == {
        "specialist@example.org",
        "wijkagent@example.org",
        "oov@example.org",
    }
    assert m.agenda_items[0].title == "Opening en vaststelling agenda"
    assert len({m.uid for m in s.meetings}) == len(s.meetings)


def test_every_other_tuesday_and_every_six_weeks_and_first_thursday(seeded):
    ovo = create_series(
        meeting_type("ovo"),
        first_date=date(2019, 1, 8),
        start_time=time(10, 0),
        duration_minutes=90,
        interval=2,
        occurrences=4,
        send=False,
    )
    assert [m.occurrence_date for m in ovo.meetings] == [
        date(2019, 1, 8),
        date(2019, 1, 22),
        date(2019, 2, 5),
        date(2019, 2, 19),
    ]
    assert describe(ovo) == "Elke 2 weken op dinsdag, 10:00 – 11:30"

    driehoek = create_series(
        meeting_type("driehoek"),
        first_date=date(2019, 1, 7),
        start_time=time(16, 0),
        interval=6,
        occurrences=3,
        send=False,
    )
    assert [m.occurrence_date for m in driehoek.meetings] == [
        date(2019, 1, 7),
        date(2019, 2, 18),
        date(2019, 4, 1),
    ]
    # Duration from the body when not given (Driehoek: 90 minutes).
    assert local_times(driehoek)[0][1:] == ("16:00", "17:30")

    tvo = create_series(
        meeting_type("tvo"),
        first_date=date(2019, 1, 1),
        start_time=time(13, 30),
        frequency="monthly_weekday",
        weekday=3,
        week_of_month=1,
        until_date=date(2019, 6, 30),
        send=False,
    )
    assert [m.occurrence_date for m in tvo.meetings] == [
        date(2019, 1, 3),
        date(2019, 2, 7),
        date(2019, 3, 7),
        date(2019, 4, 4),
        date(2019, 5, 2),
        date(2019, 6, 6),
    ]
    assert describe(tvo) == "Elke maand op de eerste donderdag, 13:30 – 15:30"
    last_friday = create_series(
        meeting_type("po"),
        first_date=date(2019, 1, 1),
        start_time=time(9, 0),
        frequency="monthly_weekday",
        weekday=4,
        week_of_month=-1,
        occurrences=2,
        send=False,
    )
    assert [m.occurrence_date for m in last_friday.meetings] == [
        date(2019, 1, 25),
        date(2019, 2, 22),
    ]


def test_editing_series_changes_future_undetached_meetings_only(seeded):
    s = create_series(
        meeting_type("ovo"),
        first_date=date(2019, 3, 5),
        start_time=time(10, 0),
        duration_minutes=90,
        interval=1,
        occurrences=8,
        send=False,
    )
    db.session.commit()
    meetings = list(s.meetings)
    now = local_to_utc(date(2019, 3, 20), time(12, 0))  # after 5, 12 and 19 March
    moved, cancelled = meetings[4], meetings[5]  # 2 and 9 April
    update_meeting(
        moved,
        date(2019, 4, 3),
        time(14, 0),
        time(15, 0),
        location="Elders",
        online_url=None,
        remarks=None,
        send=False,
    )
    cancel_meeting(cancelled, "Feestdag", send=False, now=now)
    assert moved.detached and cancelled.detached and moved.sequence == 1
    db.session.commit()
    sequences = {m.id: m.sequence for m in meetings}

    change = update_series(
        s,
        start_time=time(9, 0),
        duration_minutes=60,
        interval=1,
        occurrences=8,
        location="Politiebureau Veendam",
        send=False,
        now=now,
    )
    db.session.commit()
    db.session.expire_all()
    assert (change.updated, change.created, change.cancelled) == (3, 0, 0)
    by_day = {m.occurrence_date: m for m in s.meetings}
    for day in (date(2019, 3, 5), date(2019, 3, 12), date(2019, 3, 19)):  # held: unchanged
        m = by_day[day]
        assert to_local(m.starts_at).strftime("%H:%M") == "10:00"
        assert m.location != "Politiebureau Veendam" and m.sequence == sequences[m.id]
    for day in (date(2019, 3, 26), date(2019, 4, 16), date(2019, 4, 23)):  # future: follow
        m = by_day[day]
        assert (to_local(m.starts_at).strftime("%H:%M"), to_local(m.ends_at).strftime("%H:%M")) == (
            "09:00",
            "10:00",
        )
        assert m.location == "Politiebureau Veendam" and m.sequence == sequences[m.id] + 1
    m = by_day[date(2019, 4, 2)]
    assert (to_local(m.starts_at).date(), to_local(m.starts_at).strftime("%H:%M"), m.location) == (
        date(2019, 4, 3),
        "14:00",
        "Elders",
    )
    assert by_day[date(2019, 4, 9)].status == "geannuleerd"


def test_shortening_and_extending_a_series(seeded):
    s = create_series(
        meeting_type("ovo"),
        first_date=date(2019, 3, 5),
        start_time=time(10, 0),
        duration_minutes=90,
        occurrences=4,
        send=False,
    )
    db.session.commit()
    now = local_to_utc(date(2019, 3, 6), time(0, 0))
    change = update_series(s, occurrences=2, location=s.location, send=False, now=now)
    assert (change.cancelled, change.created) == (2, 0)
    assert [m.status for m in s.meetings] == ["gepland", "gepland", "geannuleerd", "geannuleerd"]
    change = update_series(
        s, occurrences=None, until_date=date(2019, 4, 2), location=s.location, send=False, now=now
    )
    db.session.commit()
    # 26 March was cancelled by the shortening and stays so; 2 April is new.
    assert change.created == 1
    assert [m.occurrence_date for m in s.meetings if m.status == "gepland"] == [
        date(2019, 3, 5),
        date(2019, 3, 12),
        date(2019, 4, 2),
    ]


@pytest.mark.parametrize(
    "kwargs, field, text",
    [
        ({}, "until_date", "Een reeks heeft een einde"),
        ({"until_date": date(2022, 3, 2)}, "until_date", "hoogstens drie jaar"),
        ({"occurrences": 200}, "occurrences", "tussen 1 en 160"),
        ({"interval": 6, "occurrences": 30}, "occurrences", "meer dan drie jaar"),
        ({"until_date": date(2018, 1, 1)}, "until_date", "na de eerste datum"),
    ],
)
def test_series_bad_end_is_refused_and_nothing_saved(seeded, kwargs, field, text):
    from sqlalchemy import func, select

    from overleg.models import Meeting, MeetingSeries

    with pytest.raises(MeetingError) as exc:
        create_series(
            meeting_type("ovo"),
            first_date=date(2019, 3, 1),
            start_time=time(10, 0),
            send=False,
            today=date(2019, 1, 1),
            **kwargs,
        )
    assert text in exc.value.errors[field]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    assert db.session.scalar(select(func.count(MeetingSeries.id))) == 0


def test_series_invitations_only_for_meetings_to_come(seeded):
    from sqlalchemy import select

    from overleg.models.mail import OutboxMessage

    today = today_local()
    s = create_series(
        meeting_type("ovo"),
        first_date=today - timedelta(days=14),
        start_time=time(10, 0),
        occurrences=4,
    )
    db.session.commit()
    future_ids = {m.id for m in s.meetings if m.starts_at > utcnow()}
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert rows and {r.meeting_id for r in rows} == future_ids
    assert {r.reason for r in rows} == {"invitation"}


def test_series_page_says_geweest(seeded, as_role, clock):
    # Weekly at 10:00 from two weeks ago: -14, -7, today, +7 days. Whether today's
    # meeting reads "Geweest" depends on the hour, so the test sets it, both ways.
    series = create_series(
        meeting_type("ovo"),
        first_date=today_local() - timedelta(days=14),
        start_time=time(10, 0),
        duration_minutes=90,
        occurrences=4,
        send=False,
        today=today_local() - timedelta(days=14),
    )
    db.session.commit()
    today = today_local()
    # (The clock only moves forward once logged in: a signed session cookie from the
    # future is refused, as it would be in production.)
    clock.move_to(datetime.combine(today, time(9, 30), tzinfo=TZ))
    secretary = as_role("secretaris")
    resp = secretary.get(f"/planning/reeks/{series.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "(geweest)" not in html
    assert html.count(">Geweest<") == 2 and html.count(">Gepland<") == 2

    clock.move_to(datetime.combine(today, time(11, 45), tzinfo=TZ))  # ended at 11:30
    html = get_page(secretary, f"/planning/reeks/{series.id}")
    assert html.count(">Geweest<") == 3 and html.count(">Gepland<") == 1


# --- hostile input (found by tests/test_fuzz.py; issue 8) -----------------------------------


def _series_form(first_date: str, **extra):
    data = {
        "meeting_type": str(meeting_type("tvo").id),
        "frequency": "weekly",
        "interval": "1",
        "weekday": "1",
        "week_of_month": "1",
        "first_date": first_date,
        "start_time": "10:00",
        "duration_minutes": "90",
        "until_date": "",
        "occurrences": "3",
        "location": "",
        "online_url": "",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("first_date", ["9999-12-01", "0001-01-01", "1999-12-31", "2100-01-05"])
def test_series_outside_2000_to_2099_is_refused_in_dutch(seeded, as_role, first_date):
    from overleg.models import Meeting, MeetingSeries

    c = as_role("secretaris")
    resp = c.post("/planning/reeks/nieuw", data=_series_form(first_date))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert 'id="first_date-error"' in html
    assert "Kies een datum tussen 1 januari 2000 en 31 december 2099." in html
    assert db.session.query(MeetingSeries).count() == 0 and db.session.query(Meeting).count() == 0
    # The same series from a date inside the range is created.
    soon = (today_local() + timedelta(days=60)).isoformat()
    resp = c.post("/planning/reeks/nieuw", data=_series_form(soon))
    assert resp.status_code == 302
    assert db.session.query(Meeting).count() == 3


def test_series_ending_after_2099_is_refused_in_dutch(seeded, as_role):
    from overleg.models import MeetingSeries

    c = as_role("secretaris")
    resp = c.post(
        "/planning/reeks/nieuw",
        data=_series_form(
            (today_local() + timedelta(days=60)).isoformat(),
            occurrences="",
            until_date="9999-12-31",
        ),
    )
    assert resp.status_code == 400
    assert "Kies een datum tussen 1 januari 2000 en 31 december 2099." in resp.get_data(
        as_text=True
    )
    assert db.session.query(MeetingSeries).count() == 0
