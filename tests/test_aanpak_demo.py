"""The demo's plans van aanpak: the OOV ambtenaar follows the hennepteelt topic (a priority of
the jaarplan) through OVO, TVO and Driehoek with its measures; the plan was adopted by the body
that owns the topic and changed since; the topic returns on the TVO's next agenda with its
measures; the police see their measures in "Maatregelen van mijn organisatie"."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from overleg.demo import seed_all
from overleg.domain import aanpak as da
from overleg.extensions import db
from overleg.models import ActionItem, AgendaItem, Topic
from tests.conftest import DEMO_PASSWORD, get_page, login

pytestmark = pytest.mark.usefixtures("seeded")

CHAIN = "Hennepteelt en drugsoverlast bedrijventerrein Foxhol"


def _client(app, email):
    c = app.test_client()
    assert login(c, email, DEMO_PASSWORD).status_code == 302
    return c


def test_demo_plan_van_aanpak_through_the_bodies(app, demo):
    assert seed_all()["measures"] == 0  # idempotent
    topic = db.session.scalar(select(Topic).where(Topic.title == CHAIN))
    assert topic.theme is not None and topic.theme.name == "Aanpak drugscriminaliteit"
    v1, v2 = da.versions_of(topic)
    assert v1.is_frozen and v1.decision is not None and not v2.is_frozen
    assert v1.decision.meeting.meeting_type_id == v1.decision.meeting_type_id
    assert len(da.version_measures(v1)) == 4 and len(da.measures_of(topic)) == 5
    sec = _client(app, "oov@example.org")
    text = re.sub(r"\s+", " ", get_page(sec, f"/onderwerpen/{topic.id}"))
    assert "Plan van aanpak" in text and "Gezamenlijke controle bedrijventerrein" in text
    for body in ("OVO", "TVO", "Driehoek"):  # the timeline through the bodies
        assert body in text
    text = get_page(sec, f"/onderwerpen/{topic.id}/aanpak")
    assert "Versie 1, vastgesteld" in text and v1.decision.code in text
    assert "Versie 2, concept" in text
    assert "Bestuurlijke rapportage aanleveren" in text  # an action that belongs to a measure
    assert db.session.scalar(select(ActionItem.id).where(ActionItem.measure_id.is_not(None)))
    # the topic returns on the TVO's next agenda: "Voortgang plan van aanpak"
    item = db.session.scalar(
        select(AgendaItem).where(
            AgendaItem.topic_id == topic.id, AgendaItem.title.like("Voortgang%")
        )
    )
    assert item is not None and item.meeting.meeting_type.code == "tvo"
    text = get_page(sec, f"/overleggen/{item.meeting_id}/agenda")
    assert "Voortgang plan van aanpak" in text and "Bestuurlijke sluiting" in text
    # the police's measures, for a police officer who took part in the topic's meetings
    text = get_page(_client(app, "btchef@example.org"), "/maatregelen")
    assert "Maatregelen van mijn organisatie" in text
    assert "Gezamenlijke controle bedrijventerrein" in text
    assert "Bestuurlijke sluiting" not in text  # the gemeente's, not the police's
