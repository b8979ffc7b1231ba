"""Security review: the meeting's online link must be an http(s) link.

It is rendered as <a href="..."> on the meeting page for every participant
(templates/meetings/view.html, _macros.html). Today only WTForms >= 3.3's default
URL(schemes=("http", "https")) refuses `javascript://host/%0aalert(1)`; older WTForms accepted
any scheme. This guards against a downgrade or a validator change (passes now)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from overleg.extensions import db
from overleg.models import Meeting
from overleg.timeutil import today_local
from tests.factories import meeting_type

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    "link",
    [
        "javascript://meet.example.org/%0aalert(document.cookie)",
        "data://example.org/text/html,<script>alert(1)</script>",
        "vbscript://example.org/x",
    ],
)
def test_online_link_with_script_scheme_is_refused(as_role, link):
    c = as_role("secretaris")
    day = today_local() + timedelta(days=14)
    r = c.post(
        "/planning/nieuw",
        data={
            "meeting_type": str(meeting_type("tvo").id),
            "day": day.isoformat(),
            "start": "10:00",
            "end": "",
            "location": "Gemeentehuis",
            "online_url": link,
            "remarks": "",
        },
    )
    assert r.status_code == 400
    assert db.session.scalar(select(Meeting)) is None
