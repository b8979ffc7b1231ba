"""Demo meetings: a series for each of the four bodies, from six months back to three months
ahead of today, with answers and attendance for the meetings already held (an acting chair
where the chair was away). Idempotent: a
body that already has a series is left alone. No mail is queued."""

from __future__ import annotations

from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from ..domain.series import create_series
from ..extensions import db
from ..models import MeetingSeries, MeetingType, Person
from ..timeutil import today_local, utcnow

# code, frequency, interval, weekday (0=Mon), week of month, start, minutes
DEMO_SERIES = [
    ("ovo", "weekly", 2, 1, None, time(10, 0), 90),  # every other Tuesday 10:00-11:30
    ("tvo", "monthly_weekday", 1, 3, 1, time(13, 30), 120),  # first Thursday of the month
    ("po", "monthly_weekday", 1, 2, 3, time(9, 0), 60),  # third Wednesday of the month
    ("driehoek", "weekly", 6, 0, None, time(16, 0), 90),  # every six weeks, Monday
]


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def seed_meetings(today: date | None = None) -> int:
    """Create the demo series; returns the number of meetings created."""
    today = today or today_local()
    start, end = today - relativedelta(months=6), today + relativedelta(months=3)
    organizer = db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
    now = utcnow()
    created = 0
    for code, frequency, interval, weekday, week, at, minutes in DEMO_SERIES:
        body = db.session.scalar(select(MeetingType).where(MeetingType.code == code))
        if body is None or db.session.scalar(
            select(MeetingSeries.id).where(MeetingSeries.meeting_type_id == body.id)
        ):
            continue
        first = start if frequency == "monthly_weekday" else _first_on_or_after(start, weekday)
        series = create_series(
            body,
            first_date=first,
            start_time=at,
            duration_minutes=minutes,
            frequency=frequency,
            interval=interval,
            weekday=weekday,
            week_of_month=week,
            until_date=end,
            organizer=organizer,
            send=False,
            now=now,
            today=today,
        )
        db.session.flush()
        for n, meeting in enumerate(series.meetings):
            created += 1
            if meeting.starts_at >= now:
                continue
            for i, p in enumerate(sorted(meeting.participants, key=lambda p: p.person_id)):
                if n % 3 == 2 and i == 1:
                    p.rsvp, p.rsvp_note, p.attendance = (
                        "komt_niet",
                        "Verlof",
                        "afwezig_met_bericht",
                    )
                else:
                    p.rsvp, p.attendance = "komt", "aanwezig"
            _acting_chair(meeting)
    db.session.commit()
    return created


def _acting_chair(meeting) -> None:
    """When the chair was away, a member present chaired ("waarnemend voorzitter"), as the
    secretary records at attendance."""
    chair = next((p for p in meeting.participants if p.part == "chair"), None)
    if chair is None or chair.attendance == "aanwezig":
        return
    present = sorted(
        (p for p in meeting.participants if p.attendance == "aanwezig" and p.part == "member"),
        key=lambda p: p.person_id,
    )
    if present:
        meeting.acting_chair_id = present[0].person_id
