"""libical (the C library of Evolution and KOrganizer; Debian's GObject bindings, used from
Debian's own python3: tests/support/libical_check.py) checks every kind of .ics Overleg sends
against RFC 5546's restrictions: the download and the feed (PUBLISH), invitation (REQUEST)
and cancellation (CANCEL)."""

from __future__ import annotations

import json
import subprocess
from datetime import date, time
from pathlib import Path

import pytest

from overleg.extensions import db
from overleg.ical import attendees_of, feed_ics, meeting_event, meeting_ics, new_calendar
from tests.factories import make_meeting, person

CHECK = Path(__file__).resolve().parent / "support" / "libical_check.py"
SYSTEM_PYTHON = "/usr/bin/python3"


def libical_problems(files: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    paths = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.ics"
        path.write_text(text, encoding="utf-8")
        paths[str(path)] = name
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(CHECK), *paths], capture_output=True, text=True, timeout=120
    )
    if proc.returncode != 0:
        pytest.fail(
            "libical ontbreekt of faalt (make test installeert Debian's gir1.2-ical-3.0):\n"
            + proc.stderr[-2000:]
        )
    return {paths[p]: problems for p, problems in json.loads(proc.stdout).items()}


@pytest.fixture
def tvo(seeded):
    m = make_meeting(
        "tvo",
        date(2019, 3, 12),
        time(10, 0),
        location="Gemeentehuis, zaal 2",
        participants=[
            (person("coordinator.oov@example.org"), "chair"),
            (person("specialist@example.org"), "member"),
            (person("veiligthuis@example.org"), "guest"),
            (person("oov@example.org"), "secretary"),
        ],
    )
    db.session.commit()
    return m


def test_every_kind_of_ics_passes_libicals_itip_restrictions(tvo, tmp_path):
    files = {
        "download": meeting_ics(tvo, "PUBLISH", alarm_minutes=30),
        "feed": feed_ics(person("specialist@example.org"), [tvo], alarm_minutes=30),
        "request": meeting_ics(tvo, "REQUEST", alarm_minutes=30),
        "cancel": meeting_ics(tvo, "CANCEL"),
    }
    assert libical_problems(files, tmp_path) == {name: [] for name in files}


def test_libical_refuses_a_publish_with_attendees(tvo, tmp_path):
    """The check can fail: PUBLISH carrying ATTENDEE, as the downloads did before."""
    cal = new_calendar("PUBLISH")
    cal.add_component(meeting_event(tvo, attendees_of(tvo)))
    problems = libical_problems({"publish": cal.to_ical().decode()}, tmp_path)["publish"]
    assert problems and any("ATTENDEE" in p for p in problems), problems
