"""iCalendar (RFC 5545/5546) for meetings, built with ``icalendar``.

- One VEVENT per meeting; its UID never changes and SEQUENCE is the meeting's counter
  (raised by the meetings domain on every change of time, place or status).
- DTSTART/DTEND carry TZID=Europe/Amsterdam, and the calendar holds a VTIMEZONE written by
  hand with yearly RRULE rules (last Sunday of March / October) — the form Outlook reads
  right. icalendar's ``add_missing_timezones()`` writes RDATE lists instead; not used.
- SUMMARY and DESCRIPTION name the body and "overleg", the time and a link: never an agenda
  item or a case.
- iTIP (RFC 5546): a download and the feed are PUBLISH, which carries no ATTENDEE (§3.2.1);
  the participants are on the meeting page the DESCRIPTION links to. Invitations by mail are
  REQUEST or CANCEL and name their attendees (every participant, or the one removed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

from .domain import policy
from .timeutil import to_local, utcnow

PRODID = "-//Overleg veiligheid//Overleg//NL"
TZID = "Europe/Amsterdam"

ROLE_BY_PART = {
    "chair": "CHAIR",
    "member": "REQ-PARTICIPANT",
    "secretary": "REQ-PARTICIPANT",
    "advisor": "OPT-PARTICIPANT",
    "guest": "OPT-PARTICIPANT",
}
PARTSTAT_BY_RSVP = {
    "komt": "ACCEPTED",
    "komt_niet": "DECLINED",
    "onder_voorbehoud": "TENTATIVE",
    "open": "NEEDS-ACTION",
}
METHODS = ("PUBLISH", "REQUEST", "CANCEL")


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    part: str = "member"
    rsvp: str = "open"


def attendees_of(meeting) -> list[Attendee]:
    """Every participant of the meeting, in a stable order."""
    rows = sorted(meeting.participants, key=lambda p: (p.person.name.lower(), p.person.email))
    return [Attendee(p.person.email, p.person.name, p.part, p.rsvp) for p in rows]


def amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam since 1996 (EU rules) as two yearly RRULE rules."""
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)

    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))  # noqa: DTZ001 (local, RFC 5545)
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))

    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))  # noqa: DTZ001 (local, RFC 5545)
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))

    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def new_calendar(method: str, name: str | None = None) -> Calendar:
    if method not in METHODS:
        raise ValueError(f"unknown iTIP method {method!r}")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
    cal.add_component(amsterdam_vtimezone())
    return cal


def summary_of(meeting) -> str:
    """The body and 'overleg' only (the read policy's ``calendar_summary``)."""
    return policy.calendar_summary(meeting)


def location_of(meeting) -> str:
    parts = [p for p in (meeting.location, meeting.online_url) if p]
    return " / ".join(parts)


def meeting_url(meeting) -> str:
    """Absolute link to the meeting page (BASE_URL), also without a request context."""
    base = current_app.config["BASE_URL"].rstrip("/")
    for endpoint in ("meetings.show", "meetings.detail", "meetings.view", "meetings.meeting"):
        if endpoint in current_app.view_functions:
            adapter = current_app.url_map.bind("localhost", script_name="/")
            return base + adapter.build(endpoint, {"meeting_id": meeting.id})
    return f"{base}/overleggen/{meeting.id}"


def description_of(meeting) -> str:
    """The body, the time and links only (the read policy's ``calendar_text``)."""
    return policy.calendar_text(meeting, meeting_url(meeting)).description


def organizer_of(meeting) -> tuple[str, str]:
    """(email, name): the meeting's organizer, else its secretary, else the sender address."""
    if meeting.organizer is not None:
        return meeting.organizer.email, meeting.organizer.name
    for p in meeting.participants:
        if p.part == "secretary":
            return p.person.email, p.person.name
    return current_app.config["MAIL_FROM"], current_app.config.get("MUNICIPALITY", "Overleg")


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def meeting_event(
    meeting,
    attendees: Iterable[Attendee] = (),
    *,
    cancelled: bool | None = None,
    alarm_minutes: int | None = None,
    stamp: datetime | None = None,
) -> Event:
    """The VEVENT of a meeting with the given ``attendees`` (none: a PUBLISH event)."""
    if cancelled is None:
        cancelled = meeting.is_cancelled
    stamp = stamp or utcnow()
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence or 0)
    event.add("dtstamp", stamp.replace(tzinfo=UTC))
    event.add("dtstart", to_local(meeting.starts_at))
    event.add("dtend", to_local(meeting.ends_at))
    if meeting.created_at:
        event.add("created", meeting.created_at.replace(tzinfo=UTC))
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.replace(tzinfo=UTC))
    event.add("summary", summary_of(meeting))
    location = location_of(meeting)
    if location:
        event.add("location", location)
    event.add("description", description_of(meeting))
    event.add("url", meeting_url(meeting))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("class", "PRIVATE")
    org_email, org_name = organizer_of(meeting)
    event.add("organizer", _address(org_email, org_name))
    for a in attendees:
        event.add(
            "attendee",
            _address(
                a.email,
                a.name,
                cutype="INDIVIDUAL",
                role=ROLE_BY_PART.get(a.part, "REQ-PARTICIPANT"),
                partstat=PARTSTAT_BY_RSVP.get(a.rsvp, "NEEDS-ACTION"),
                rsvp="TRUE",
            ),
        )
    if alarm_minutes and not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary_of(meeting))
        alarm.add("trigger", timedelta(minutes=-int(alarm_minutes)))
        event.add_component(alarm)
    return event


def meeting_ics(
    meeting,
    method: str = "PUBLISH",
    attendees: Iterable[Attendee] | None = None,
    alarm_minutes: int | None = None,
) -> str:
    """A whole calendar with one meeting: PUBLISH (download, no attendees), REQUEST or CANCEL
    (e-mail; ``attendees`` defaults to all participants)."""
    cal = new_calendar(method)
    if method == "PUBLISH":
        attendees = ()
    elif attendees is None:
        attendees = attendees_of(meeting)
    cal.add_component(
        meeting_event(
            meeting,
            attendees,
            cancelled=True if method == "CANCEL" else None,
            alarm_minutes=None if method == "CANCEL" else alarm_minutes,
        )
    )
    return cal.to_ical().decode("utf-8")


def feed_ics(person, meetings: Iterable, alarm_minutes: int | None = None) -> str:
    """A person's subscription feed (PUBLISH, no attendees): their visible meetings."""
    cal = new_calendar("PUBLISH", name=f"Overleg veiligheid – {person.name}")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = utcnow()
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, alarm_minutes=alarm_minutes, stamp=stamp))
    return cal.to_ical().decode("utf-8")


__all__ = [
    "Attendee",
    "amsterdam_vtimezone",
    "attendees_of",
    "feed_ics",
    "meeting_event",
    "meeting_ics",
    "meeting_url",
    "summary_of",
]
