"""Meeting series: a body's recurring schedule that produces individual meetings.

- weekly, every N weeks (N=6: "every six weeks") on a weekday;
- monthly (every N months) on the Nth weekday of the month (e.g. the first Thursday; -1 = last);
- an end by date or by count, at most three years ahead.
Each generated meeting remembers its ``occurrence_date``; a meeting moved or cancelled on its
own is ``detached``. Editing the series changes the future, not-detached meetings only, never
ones that have started. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, WEEKLY, rrule
from dateutil.rrule import weekday as rr_weekday

from ..extensions import db
from ..models import Meeting, MeetingSeries, MeetingType, Person
from ..timeutil import local_to_utc, today_local, utcnow
from . import cancellation
from .loading import collection, load_collections
from .meetings import MeetingError, cancel_refusal, notify, plan_meeting

FREQUENCIES = ("weekly", "monthly_weekday")
MAX_YEARS = 3
MAX_OCCURRENCES = 160  # weekly for three years
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
ORDINALS = {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", -1: "laatste"}


@dataclass
class SeriesRule:
    frequency: str
    interval: int
    weekday: int | None
    week_of_month: int | None
    first_date: date
    until_date: date | None = None
    occurrences: int | None = None


@lru_cache(maxsize=1)
def _series_collections():
    """The collections `update_series` reads of every meeting of the series (made once, when
    the mappers are configured)."""
    return (collection(Meeting.participants), collection(Meeting.vacant_seats))


def parse_time(value: str | time) -> time:
    if isinstance(value, time):
        return value
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def rule_of(series: MeetingSeries) -> SeriesRule:
    return SeriesRule(
        series.frequency,
        series.interval,
        series.weekday,
        series.week_of_month,
        series.first_date,
        series.until_date,
        series.occurrences,
    )


def validate_rule(rule: SeriesRule, today: date | None = None) -> dict[str, str]:
    """Dutch messages by field name; empty when the rule is acceptable."""
    errors: dict[str, str] = {}
    today = today or today_local()
    if rule.frequency not in FREQUENCIES:
        errors["frequency"] = "Kies wekelijks of maandelijks."
    if not rule.interval or rule.interval < 1 or rule.interval > 52:
        errors["interval"] = "Vul een herhaling in tussen 1 en 52."
    if rule.weekday is not None and not 0 <= rule.weekday <= 6:
        errors["weekday"] = "Kies een dag van de week."
    if rule.frequency == "monthly_weekday" and rule.week_of_month not in ORDINALS:
        errors["week_of_month"] = "Kies de eerste, tweede, derde, vierde of laatste week."
    if rule.until_date is None and not rule.occurrences:
        errors["until_date"] = (
            "Een reeks heeft een einde: vul een einddatum of een aantal keren in."
        )
    if rule.until_date is not None and rule.occurrences:
        errors["occurrences"] = "Vul een einddatum óf een aantal keren in, niet allebei."
    limit = max(rule.first_date, today) + relativedelta(years=MAX_YEARS)
    if rule.first_date > today + relativedelta(years=MAX_YEARS):
        errors["first_date"] = "De eerste datum ligt meer dan drie jaar vooruit."
    if rule.until_date is not None:
        if rule.until_date < rule.first_date:
            errors["until_date"] = "De einddatum moet na de eerste datum liggen."
        elif rule.until_date > limit:
            errors["until_date"] = (
                "Een reeks loopt hoogstens drie jaar vooruit; kies een eerdere einddatum."
            )
    if rule.occurrences and not 1 <= rule.occurrences <= MAX_OCCURRENCES:
        errors["occurrences"] = f"Vul een aantal tussen 1 en {MAX_OCCURRENCES} in."
    if not errors and rule.occurrences:
        dates = rule_dates(rule)
        if dates and dates[-1] > limit:
            errors["occurrences"] = (
                "Met dit aantal loopt de reeks meer dan drie jaar vooruit; kies een kleiner aantal."
            )
    if not errors and not rule_dates(rule):
        errors["first_date"] = "Deze reeks levert geen enkele datum op."
    return errors


def rule_dates(rule: SeriesRule) -> list[date]:
    weekday = rule.weekday if rule.weekday is not None else rule.first_date.weekday()
    start = datetime.combine(rule.first_date, time(0, 0))
    kwargs: dict[str, Any] = {"dtstart": start, "interval": rule.interval}
    if rule.until_date is not None:
        kwargs["until"] = datetime.combine(rule.until_date, time(0, 0))
    else:
        kwargs["count"] = min(rule.occurrences or 1, MAX_OCCURRENCES)
    if rule.frequency == "monthly_weekday":
        rr = rrule(MONTHLY, byweekday=rr_weekday(weekday)(rule.week_of_month or 1), **kwargs)
    else:
        rr = rrule(WEEKLY, byweekday=rr_weekday(weekday), **kwargs)
    return (
        [d.date() for d in islice(rr, MAX_OCCURRENCES + 1)]
        if rule.occurrences is None
        else [d.date() for d in rr]
    )


def series_dates(series: MeetingSeries) -> list[date]:
    return rule_dates(rule_of(series))


def describe(series: MeetingSeries) -> str:
    """'Elke 2 weken op dinsdag, 10:00 – 11:30' in Dutch."""
    weekday = series.weekday if series.weekday is not None else series.first_date.weekday()
    day = DAY_NAMES[weekday]
    if series.frequency == "monthly_weekday":
        every = "Elke maand" if series.interval == 1 else f"Elke {series.interval} maanden"
        text = f"{every} op de {ORDINALS.get(series.week_of_month or 0, '')} {day}"
    else:
        every = "Elke week" if series.interval == 1 else f"Elke {series.interval} weken"
        text = f"{every} op {day}"
    start = parse_time(series.start_time)
    end = (
        datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=series.duration_minutes)
    ).time()
    return f"{text}, {start:%H:%M} – {end:%H:%M}"


def _span(series: MeetingSeries, day: date) -> tuple[datetime, datetime]:
    start = parse_time(series.start_time)
    # Wall-clock times on the day: 10:00 stays 10:00 local across daylight-saving changes.
    return local_to_utc(day, start), local_to_utc(day, _end_time(series))


def _check_duration(duration_minutes: int, start: time) -> None:
    if not duration_minutes or duration_minutes <= 0:
        raise MeetingError({"duration_minutes": "De duur moet meer dan 0 minuten zijn."})
    if duration_minutes > 720:
        raise MeetingError({"duration_minutes": "Een overleg duurt hoogstens 12 uur."})
    if (
        datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=duration_minutes)
    ).date() != date(2000, 1, 1):
        raise MeetingError({"duration_minutes": "Het overleg moet op dezelfde dag eindigen."})


def create_series(
    meeting_type: MeetingType,
    *,
    first_date: date,
    start_time: time,
    duration_minutes: int | None = None,
    frequency: str = "weekly",
    interval: int = 1,
    weekday: int | None = None,
    week_of_month: int | None = None,
    until_date: date | None = None,
    occurrences: int | None = None,
    location: str | None = None,
    online_url: str | None = None,
    organizer: Person | None = None,
    send: bool = True,
    now: datetime | None = None,
    today: date | None = None,
) -> MeetingSeries:
    """Create a series and all its meetings (participants and standard items each).
    Invitations go out for the meetings still to come."""
    if weekday is None:
        weekday = first_date.weekday()
    rule = SeriesRule(
        frequency, interval, weekday, week_of_month, first_date, until_date, occurrences or None
    )
    errors = validate_rule(rule, today)
    if errors:
        raise MeetingError(errors)
    duration_minutes = duration_minutes or meeting_type.default_duration_minutes
    _check_duration(duration_minutes, start_time)
    if not location and not online_url:
        location = meeting_type.default_location
    series = MeetingSeries(
        meeting_type=meeting_type,
        frequency=frequency,
        interval=interval,
        weekday=weekday,
        week_of_month=week_of_month if frequency == "monthly_weekday" else None,
        first_date=first_date,
        start_time=start_time.strftime("%H:%M"),
        duration_minutes=duration_minutes,
        until_date=until_date,
        occurrences=occurrences or None,
        location=location or None,
        online_url=online_url or None,
    )
    db.session.add(series)
    now = now or utcnow()
    for day in series_dates(series):
        _generate(series, day, organizer, send, now)
    return series


def _end_time(series: MeetingSeries) -> time:
    return (
        datetime.combine(date(2000, 1, 1), parse_time(series.start_time))
        + timedelta(minutes=series.duration_minutes)
    ).time()


def _generate(series: MeetingSeries, day: date, organizer, send: bool, now: datetime):
    starts_at, _ = _span(series, day)
    meeting = plan_meeting(
        series.meeting_type,
        day,
        parse_time(series.start_time),
        _end_time(series),
        location=series.location,
        online_url=series.online_url,
        organizer=organizer,
        series=series,
        occurrence_date=day,
        send=False,
    )
    if send and starts_at > now:
        notify(meeting, [p.person for p in meeting.participants], "REQUEST", "invitation")
    return meeting


@dataclass
class SeriesChange:
    updated: int = 0
    created: int = 0
    cancelled: int = 0
    untouched: int = 0
    # what the cancelled occurrences held, back in the backlogs (cancellation.Work)
    returned: list = field(default_factory=list)
    created_meetings: list = field(default_factory=list)


def update_series(
    series: MeetingSeries,
    *,
    start_time: time | None = None,
    duration_minutes: int | None = None,
    frequency: str | None = None,
    interval: int | None = None,
    weekday: int | None = None,
    week_of_month: int | None = None,
    first_date: date | None = None,
    until_date: date | None = None,
    occurrences: int | None = None,
    location: str | None = None,
    online_url: str | None = None,
    organizer: Person | None = None,
    send: bool = True,
    now: datetime | None = None,
    today: date | None = None,
) -> SeriesChange:
    """Change a series. Future meetings not changed individually follow (new time, place,
    link); future occurrences the new rule drops are cancelled, new ones are planned. Meetings
    that have started and detached meetings stay as they are. Pass the end as it should be
    (until_date or occurrences; the other None)."""
    now = now or utcnow()
    frequency = frequency or series.frequency
    rule = SeriesRule(
        frequency,
        interval or series.interval,
        weekday if weekday is not None else series.weekday,
        (week_of_month if week_of_month is not None else series.week_of_month)
        if frequency == "monthly_weekday"
        else None,
        first_date or series.first_date,
        until_date,
        occurrences or None,
    )
    errors = validate_rule(rule, today)
    if errors:
        raise MeetingError(errors)
    start_time = start_time or parse_time(series.start_time)
    duration_minutes = duration_minutes or series.duration_minutes
    _check_duration(duration_minutes, start_time)

    series.frequency, series.interval, series.weekday = rule.frequency, rule.interval, rule.weekday
    series.week_of_month, series.first_date = rule.week_of_month, rule.first_date
    series.until_date, series.occurrences = rule.until_date, rule.occurrences
    series.start_time = start_time.strftime("%H:%M")
    series.duration_minutes = duration_minutes
    series.location, series.online_url = location or None, online_url or None

    result = SeriesChange()
    wanted = set(series_dates(series))
    existing = {m.occurrence_date: m for m in series.meetings}
    # what each meeting is asked below (was it held, who is invited), for all in one query
    load_collections(series.meetings, _series_collections())
    for meeting in list(series.meetings):
        if meeting.has_started(now) or meeting.detached or meeting.is_cancelled:
            result.untouched += 1
            continue
        if meeting.occurrence_date not in wanted:
            if cancel_refusal(meeting, now) is not None:  # held after all: it stays
                result.untouched += 1
                continue
            result.returned += cancellation.cancel(
                meeting,
                "De reeks is gewijzigd; dit overleg vervalt.",
                confirmed=True,
                send=send,
                by=organizer,
                now=now,
            )
            result.cancelled += 1
            continue
        starts_at, ends_at = _span(series, meeting.occurrence_date)
        if (meeting.starts_at, meeting.ends_at, meeting.location, meeting.online_url) != (
            starts_at,
            ends_at,
            series.location,
            series.online_url,
        ):
            meeting.starts_at, meeting.ends_at = starts_at, ends_at
            meeting.location, meeting.online_url = series.location, series.online_url
            meeting.sequence = (meeting.sequence or 0) + 1
            if send:
                notify(meeting, [p.person for p in meeting.participants], "REQUEST", "update")
            result.updated += 1
        else:
            result.untouched += 1
    for day in sorted(wanted - set(existing)):
        starts_at, _ = _span(series, day)
        if starts_at <= now:
            continue  # never create meetings in the past when editing
        result.created_meetings.append(_generate(series, day, organizer, send, now))
        result.created += 1
    return result
