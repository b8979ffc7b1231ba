"""The clock, the time zone and Dutch formatting.

This is the only module that reads the real clock: all code asks `utcnow()`,
`now_local()` or `today_local()` here, so that tests can freeze one moment for the
whole application (tests/conftest.py) and a lint rule (ruff DTZ) plus
tests/test_clock.py refuse a naive `datetime.now()` or `date.today()` elsewhere.

Datetimes are stored as naive UTC in the database (both SQLite and PostgreSQL),
and shown in Europe/Amsterdam. Dutch wording comes from Babel.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date

TZ = ZoneInfo("Europe/Amsterdam")
LOCALE = "nl_NL"


def utcnow() -> datetime:
    """Now as naive UTC, the form stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(value: datetime) -> datetime:
    """Naive UTC (or aware) -> aware Europe/Amsterdam."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(TZ)


def local_to_utc(day: date, at: time) -> datetime:
    """Wall-clock time in Amsterdam on a day -> naive UTC.

    The rule for the two DST changes (Europe/Amsterdam):
    - autumn, last Sunday of October: 02:00-03:00 happens twice. A wall-clock time in that
      hour means its FIRST occurrence, still summer time (CEST, UTC+2): 02:30 -> 00:30 UTC.
    - spring, last Sunday of March: 02:00-03:00 does not exist. The planning screens refuse
      such a time (`local_time_exists`); should one arrive here anyway, it is read with the
      offset before the change (UTC+1), which lands an hour later on the wall clock
      (02:30 -> 01:30 UTC = 03:30 CEST).
    Both follow from ``fold=0`` (PEP 495), made explicit here.
    """
    aware = datetime.combine(day, at, tzinfo=TZ).replace(fold=0)
    return aware.astimezone(UTC).replace(tzinfo=None)


def local_time_exists(day: date, at: time) -> bool:
    """False for a wall-clock time in the hour skipped by the spring DST change."""
    naive = datetime.combine(day, at)
    round_trip = naive.replace(tzinfo=TZ).astimezone(UTC).astimezone(TZ)
    return round_trip.replace(tzinfo=None) == naive


def local_time_is_ambiguous(day: date, at: time) -> bool:
    """True for a wall-clock time in the hour that happens twice in autumn (in the
    skipped spring hour the two folds differ too, but that time does not exist)."""
    first = datetime.combine(day, at, tzinfo=TZ)
    differ = first.utcoffset() != first.replace(fold=1).utcoffset()
    return differ and local_time_exists(day, at)


def now_local() -> datetime:
    """Now as an aware Europe/Amsterdam datetime."""
    return datetime.now(TZ)


def today_local() -> date:
    """Today's date in Amsterdam (not the server's zone, not UTC)."""
    return now_local().date()


# Formatting a date through Babel costs some 10 µs, and a page shows the same few days many
# times (a month calendar, a list of meetings): each day is formatted once per process.
_BABEL_LOCALE = Locale.parse(LOCALE)
_DATE_PATTERNS = {"full": "EEEE d MMMM y", "long": "d MMMM y"}


@lru_cache(maxsize=8192)
def _format_day(day: date, fmt: str) -> str:
    return format_date(day, _DATE_PATTERNS.get(fmt, fmt), locale=_BABEL_LOCALE)


def nl_date(value: date | datetime | None, fmt: str = "full") -> str:
    """'dinsdag 12 maart 2019' (full), '12 mrt 2019' (medium), '12-03-2019' (short)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return _format_day(value, fmt)


def _hh_mm(value: datetime | time) -> str:
    # Babel's "HH:mm": two digits each, whatever the locale's own time format
    return f"{value.hour:02d}:{value.minute:02d}"


def nl_time(value: datetime | time | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return _hh_mm(value)


def nl_datetime(value: datetime | None) -> str:
    """'dinsdag 12 maart 2019 om 10:00' in Amsterdam time."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{_format_day(local.date(), 'full')} om {_hh_mm(local)}"


def nl_timestamp(value: datetime) -> str:
    """'12 maart 2019, 10:00:05' in Amsterdam time: the day as Babel's "d MMMM y" (kept per
    day), the time of day by hand (the Logboek shows fifty a page; Babel's format_datetime
    took a fifth of it)."""
    local = to_local(value)
    return f"{_format_day(local.date(), 'long')}, {_hh_mm(local)}:{local.second:02d}"
