"""The suite runs on one frozen clock, and nothing reads the real one.

The application asks overleg/timeutil.py for now and today; tests/conftest.py freezes
that moment (OVERLEG_TEST_NOW) for every test, threads included. These tests fail when
code or a test reads the clock another way, or when the freeze stops holding.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from overleg import timeutil
from tests.conftest import TEST_NOW

ROOT = Path(__file__).resolve().parent.parent

# Ways of reading the real clock that bypass overleg/timeutil.py.
REAL_CLOCK = re.compile(
    r"\b(?:date|datetime)\.today\(\)"
    r"|\bdatetime\.(?:now|utcnow)\("
    r"|\btime\.time(?:_ns)?\(\)"
    r"|\btime\.(?:localtime|gmtime)\(\)"
)
ALLOWED = {ROOT / "overleg" / "timeutil.py", Path(__file__).resolve()}


def _sources():
    for folder in ("overleg", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.resolve() not in ALLOWED:
                yield path


def test_no_code_or_test_reads_the_real_clock():
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if REAL_CLOCK.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "read the clock through overleg.timeutil instead:\n" + "\n".join(found)


def test_the_guard_recognises_real_clock_reads():
    # Positive control for the scan above: each form it must catch, and what it lets pass.
    for line in ("d = date.today()", "datetime.now(TZ)", "datetime.utcnow()", "t = time.time()"):
        assert REAL_CLOCK.search(line), line
    for line in ("today_local()", "utcnow()", "timeutil.now_local()", "time.perf_counter()"):
        assert not REAL_CLOCK.search(line), line


def test_application_clock_is_the_frozen_moment():
    assert timeutil.utcnow() == TEST_NOW.astimezone(UTC).replace(tzinfo=None)
    # (compared as instants: in the autumn's repeated hour Python's == between two zones is
    # always False, PEP 495)
    assert timeutil.now_local().timestamp() == TEST_NOW.timestamp()
    assert timeutil.now_local().tzinfo is timeutil.TZ
    assert timeutil.today_local() == TEST_NOW.astimezone(timeutil.TZ).date()


def test_clock_does_not_move_during_a_test():
    first = timeutil.utcnow()
    sum(range(200_000))
    assert timeutil.utcnow() == first


def test_threads_see_the_same_frozen_moment():
    seen: list = []
    worker = threading.Thread(target=lambda: seen.append(timeutil.utcnow()))
    worker.start()
    worker.join()
    assert seen == [timeutil.utcnow()]


def test_clock_can_be_moved_by_a_test(clock):
    before = timeutil.utcnow()
    clock.shift(timedelta(hours=3))
    assert timeutil.utcnow() - before == timedelta(hours=3)


def test_today_is_amsterdam_not_utc(clock):
    # 00:30 in Amsterdam is still the previous day in UTC: "today" follows Amsterdam.
    clock.move_to(datetime(2027, 1, 15, 0, 30, tzinfo=timeutil.TZ))
    assert timeutil.today_local() == date(2027, 1, 15)
    assert timeutil.utcnow().date() == date(2027, 1, 14)


def test_nl_timestamp_reads_as_babels_long_date_and_time():
    """The Logboek's timestamp, written by hand for speed, reads as Babel's
    "d MMMM y, HH:mm:ss" in Amsterdam time: in winter, in summer and on both DST changes."""
    from babel.dates import format_datetime

    moments = [
        datetime(2019, 3, 12, 9, 0, 5),  # 10:00:05 CET
        datetime(2027, 3, 28, 0, 59, 59),  # the last second before the spring change
        datetime(2027, 3, 28, 1, 0, 0),  # 03:00 CEST
        datetime(2027, 10, 31, 0, 30, 7),  # 02:30 CEST, the first time
        datetime(2027, 10, 31, 1, 30, 7),  # 02:30 CET, the second time
        datetime(2026, 12, 31, 23, 0, 0),  # midnight in Amsterdam: the next day and year
    ]
    for moment in moments:
        expected = format_datetime(
            moment.replace(tzinfo=UTC), "d MMMM y, HH:mm:ss", tzinfo=timeutil.TZ, locale="nl_NL"
        )
        assert timeutil.nl_timestamp(moment) == expected
    assert timeutil.nl_timestamp(moments[0]) == "12 maart 2019, 10:00:05"
