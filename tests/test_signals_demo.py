"""The demo's residents' signals wait in the OOV ambtenaar's triage list; one becomes a topic
on the OVO's backlog without the resident's details."""

from __future__ import annotations

from sqlalchemy import select

from overleg.demo import seed_all
from overleg.extensions import db
from overleg.models import MeetingType, Signal, Topic
from tests.conftest import DEMO_PASSWORD, get_page, login


def test_a_demo_signal_becomes_an_ovo_topic(app, client, demo):
    assert seed_all()["signals"] == 0  # idempotent
    signal = db.session.scalars(select(Signal).where(Signal.contact_email.is_not(None))).one()
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    assert signal.reference in get_page(client, "/signalen")
    ovo = db.session.scalar(select(MeetingType).where(MeetingType.code == "ovo"))
    resp = client.post(
        f"/signalen/{signal.id}/onderwerp",
        data={
            "onderwerp-meeting_type": str(ovo.id),
            "onderwerp-title": "Jongeren bij de speeltuin Kerkstraat",
            "onderwerp-confidentiality": "vertrouwelijk",
        },
    )
    assert resp.status_code == 302
    topic = db.session.scalars(select(Topic).where(Topic.title.like("Jongeren bij%"))).one()
    assert topic.meeting_type_id == ovo.id and topic.theme_id == signal.theme_id
    page = get_page(client, f"/onderwerpen/{topic.id}")
    assert "bewoner@example.org" not in page and "Demo Bewoner" not in page
    assert topic.reference in page
