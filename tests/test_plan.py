"""The jaarplan as data per year: a plan for a new year is a copy of the last; the Driehoek
adopts a version (a decision in its register) and an adopted version is frozen, refusing edits
in Dutch; a change makes a new version. (The demo's plans: tests/test_plan_demo.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from overleg.domain import plan as dp
from overleg.domain.decisions import register
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import Decision, Organisation, Theme, ThemeGroup
from overleg.models.plan import PlanVersion
from overleg.timeutil import today_local
from tests.conftest import DEMO_PASSWORD, get_page, login
from tests.factories import make_meeting, meeting_type, person

pytestmark = pytest.mark.usefixtures("seeded")


def _org(short: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.short_name == short)).one()


def plans():
    """Last year's plan, adopted before Overleg, and this year's concept copied from it."""
    year = today_local().year
    last = dp.new_plan(year - 1)
    dp.add_priority(
        last,
        dp.PriorityData(
            cluster="Geweld",
            name="Aanpak huiselijk geweld en kindermishandeling",
            heading="Aanpak huiselijk geweld en kindermishandeling",
            ambition="Bevorderen van een veilige thuissituatie.",
            results="- Minder huiselijk geweld.\n- Minder recidive.",
            contribution_partners="Het Veiligheidshuis en Veilig Thuis.",
            indicators=["Aantal meldingen Veilig Thuis", "Aantal huisverboden"],
            partners=[_org("Veiligheidshuis"), _org("Veilig Thuis")],
        ),
    )
    for cluster, name in [
        ("Veilige woon- en leefomgeving", "Sociale (woon)overlast/ burenruzies"),
        ("Veilige woon- en leefomgeving", "Verwarde personen"),
    ]:
        dp.add_priority(
            last,
            dp.PriorityData(
                cluster=cluster,
                name=name,
                heading="Personen met verward gedrag" if "Verward" in name else name,
                ambition_label="doel",
                results="Geen overlast",
                indicators=["Aantal meldingen"],
            ),
        )
    dp.mark_adopted_before(last, datetime(year - 1, 2, 1, 12), "Vastgesteld vóór Overleg.")
    current = dp.copy_to_year(year)
    db.session.commit()
    return last, current


def test_a_new_year_starts_as_a_copy_of_the_last():
    source, copy = plans()
    year = today_local().year
    assert copy.status == "concept" and copy.copied_from_id == source.id
    assert copy.plan.title == f"Integraal Jaarplan Veiligheid {year}"
    assert len(copy.priorities) == len(source.priorities) == 3
    for old, new in zip(source.priorities, copy.priorities, strict=True):
        assert new.theme.group.year == year and old.theme.group.year == year - 1
        assert new.theme.name == old.theme.name and new.theme_id != old.theme_id
        assert new.heading == old.heading and new.results == old.results
        assert new.ambition_label == old.ambition_label
        assert [i.text for i in new.indicators] == [i.text for i in old.indicators]
        assert {p.organisation_id for p in new.partners} == {
            p.organisation_id for p in old.partners
        }
    groups = db.session.scalars(
        select(ThemeGroup.name).where(ThemeGroup.year == year).order_by(ThemeGroup.position)
    ).all()
    assert groups == ["Geweld", "Veilige woon- en leefomgeving"]
    assert [c.name for c in dp.clusters(copy)] == groups
    with pytest.raises(dp.PlanError, match="Er is al een jaarplan voor"):
        dp.copy_to_year(year)
    nxt = dp.copy_to_year(year + 1)
    assert nxt.copied_from_id == copy.id and nxt.plan.title.endswith(str(year + 1))
    with pytest.raises(dp.PlanError, match="geen eerder jaarplan"):
        dp.copy_to_year(2001)


def test_the_seed_year_keeps_its_texts_when_the_copy_changes():
    source, copy = plans()
    dp.update_priority(
        copy.priorities[0],
        heading="Huiselijk geweld",
        texts={"results": "Iets anders"},
        indicators=["Nieuw"],
        partner_ids=[],
    )
    db.session.commit()
    db.session.expire_all()
    assert source.priorities[0].results == "- Minder huiselijk geweld.\n- Minder recidive."
    assert [i.text for i in source.priorities[0].indicators] == [
        "Aantal meldingen Veilig Thuis",
        "Aantal huisverboden",
    ]
    assert len(source.priorities[0].partners) == 2


def _current():
    return plans()[1]


def _driehoek_held(days_ago: int = 2):
    sec = person("oov@example.org")
    return make_meeting(
        "driehoek", today_local() - timedelta(days=days_ago), participants=[(sec, "secretary")]
    )


def test_the_driehoek_adopts_a_version_and_it_is_frozen():
    version = _current()
    meeting = _driehoek_held()
    sec = person("oov@example.org")
    decision = dp.adopt(version, meeting, by=sec)
    db.session.commit()
    assert version.status == "vastgesteld" and version.decision_id == decision.id
    assert decision.code.startswith("DRIEHOEK-") and decision.meeting_id == meeting.id
    assert "stelt het Integraal Jaarplan Veiligheid" in decision.text
    rows = register(meeting_type("driehoek"), sec)
    assert [r.decision.id for r in rows] == [decision.id]
    # frozen: every edit refused in Dutch
    priority = version.priorities[0]
    with pytest.raises(dp.PlanFrozen, match="is vastgesteld en kan niet meer worden gewijzigd"):
        dp.update_priority(
            priority, heading="Anders", texts={"results": "x"}, indicators=[], partner_ids=[]
        )
    with pytest.raises(dp.PlanFrozen):
        dp.adopt(version, meeting)
    # a change makes a new version, a concept copied from the adopted one
    v2 = dp.new_version(version, by=sec)
    assert (v2.number, v2.status, v2.copied_from_id) == (2, "concept", version.id)
    assert [p.theme_id for p in v2.priorities] == [p.theme_id for p in version.priorities]
    with pytest.raises(dp.PlanError, match="al een conceptversie"):
        dp.new_version(version)
    dp.update_priority(
        v2.priorities[0],
        heading=v2.priorities[0].heading,
        texts={"results": "- Minder huiselijk geweld."},
        indicators=["Aantal meldingen Veilig Thuis", "Aantal huisverboden"],
        partner_ids=[],
    )
    db.session.commit()
    assert version.priorities[0].results != v2.priorities[0].results  # the adopted one kept
    assert dp.current_version(version.plan) is version  # until v2 is adopted
    dp.adopt(v2, meeting, by=sec)
    assert dp.current_version(version.plan) is v2


def test_adoption_only_at_a_held_driehoek_with_concept_minutes():
    version = _current()
    tvo = make_meeting("tvo", today_local() - timedelta(days=2))
    with pytest.raises(dp.PlanError, match="Driehoeksoverleg"):
        dp.adopt(version, tvo)
    future = make_meeting("driehoek", today_local() + timedelta(days=3))
    with pytest.raises(dp.PlanError, match="nog niet begonnen"):
        dp.adopt(version, future)
    held = _driehoek_held()
    assert dp.adoption_meetings() == [held]
    assert version.status == "concept"


def test_topics_belong_to_a_priority_of_their_year():
    _current()
    year = today_local().year
    theme = db.session.scalar(
        select(Theme)
        .join(ThemeGroup)
        .where(ThemeGroup.year == year, Theme.name == "Verwarde personen")
    )
    topic = create_topic(
        title="Man met verward gedrag", meeting_type=meeting_type("tvo"), theme=theme
    )
    priority = dp.priority_for_topic(topic)
    assert priority is not None and priority.heading == "Personen met verward gedrag"
    assert priority.version.plan.year == year
    loose = create_topic(title="Zonder prioriteit", meeting_type=meeting_type("tvo"))
    assert dp.priority_for_topic(loose) is None


def _as(client, email):
    assert login(client, email, DEMO_PASSWORD).status_code == 302
    return client


def test_pages_edit_adopt_and_freeze(app):
    version = _current()
    year = today_local().year
    meeting = _driehoek_held()
    db.session.commit()
    sec = _as(app.test_client(), "oov@example.org")
    member = _as(app.test_client(), "specialist@example.org")
    # a concept is the secretary's: 404 to a participant, beside the adopted 2019 plan (200)
    assert member.get(f"/jaarplan/{year}").status_code == 404
    assert member.get(f"/jaarplan/{year - 1}").status_code == 200
    assert f"Integraal Jaarplan Veiligheid {year - 1}" in get_page(member, "/jaarplan")
    assert f"Integraal Jaarplan Veiligheid {year}" not in get_page(member, "/jaarplan")
    # edit a priority of the concept
    priority = version.priorities[1]
    url = f"/jaarplan/versie/{version.id}/bewerken?prioriteit={priority.id}"
    assert priority.heading in get_page(sec, url)
    org = db.session.scalar(select(Organisation).where(Organisation.short_name == "HALT"))
    resp = sec.post(
        url,
        data={
            "heading": priority.heading,
            "ambition": "Minder overlast in de wijken",
            "results": "- Minder burenruzies",
            "indicators": "Aantal overlastmeldingen\nAantal buurtbemiddelingen",
            "partners": [str(org.id)],
        },
    )
    assert resp.status_code == 302
    page = get_page(sec, f"/jaarplan/{year}")
    assert "Aantal buurtbemiddelingen" in page and "Bureau HALT" in page
    # adopt at the held Driehoek
    resp = sec.post(
        f"/jaarplan/versie/{version.id}/vaststellen",
        data={"meeting": str(meeting.id), "text": "Het jaarplan wordt vastgesteld."},
    )
    assert resp.status_code == 302
    decision = db.session.scalar(select(Decision).where(Decision.meeting_id == meeting.id))
    assert decision is not None and decision.text == "Het jaarplan wordt vastgesteld."
    page = get_page(member, f"/jaarplan/{year}")
    assert decision.code in page and "Vastgesteld" in page
    # frozen: the edit page refuses with a Dutch message
    resp = sec.post(url, data={"heading": "Anders"}, follow_redirects=True)
    assert resp.status_code == 200
    assert "is vastgesteld en kan niet meer worden gewijzigd" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PlanVersion, version.id).priorities[1].heading == priority.heading
    # a new version
    resp = sec.post(f"/jaarplan/versie/{version.id}/nieuwe-versie")
    assert resp.status_code == 302 and resp.location.endswith("versie=2")
    assert "Versie 2" in get_page(sec, f"/jaarplan/{year}?versie=2")


def test_bad_input_is_a_dutch_4xx(app):
    version = _current()
    sec = _as(app.test_client(), "oov@example.org")
    resp = sec.post(f"/jaarplan/versie/{version.id}/vaststellen", data={"meeting": ""})
    assert resp.status_code == 400
    assert "Kies de vergadering" in resp.get_data(as_text=True)
    resp = sec.post(f"/jaarplan/versie/{version.id}/vaststellen", data={"meeting": "abc"})
    assert resp.status_code == 400
    resp = sec.post("/jaarplan/kopie", data={"year": "1900"})
    assert resp.status_code == 400 and "tussen 2000 en 2099" in resp.get_data(as_text=True)
    missing = sec.get("/jaarplan/1999")
    assert missing.status_code == 404
    assert "Er is geen jaarplan voor 1999." in missing.get_data(as_text=True)
    assert 'href="/jaarplan">Naar de jaarplannen</a>' in missing.get_data(as_text=True)
    assert sec.get(f"/jaarplan/{today_local().year - 1}?versie=7").status_code == 404
