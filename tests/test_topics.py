"""Topic pages: create with reference, status transitions, list, timeline page, backlog,
open escalations overview, and the timeline's query count."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from overleg.domain import plan as dp
from overleg.domain.agenda import add_item, publish_agenda
from overleg.domain.escalation import conclude, escalate
from overleg.domain.topics import TopicError, change_status, create_topic
from overleg.extensions import db
from overleg.models import Theme, ThemeGroup, Topic, TopicEvent
from overleg.timeutil import today_local
from tests.conftest import assert_audit, get_page, login
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email):
    c = app.test_client()
    assert login(c, email, "Veilig-Overleg-2019").status_code == 302
    return c


@pytest.fixture
def sec(app):
    return _client(app, "oov@example.org")


def _this_years_plan():
    """This year's plan with one priority (the seed's themes are of 2019)."""
    version = dp.new_plan(today_local().year)
    dp.add_priority(
        version,
        dp.PriorityData("Veilige woon- en leefomgeving", "Verwarde personen", "Verward gedrag"),
    )
    db.session.commit()
    return version


def _theme(year: int, name: str = "Verwarde personen") -> Theme:
    return db.session.scalars(
        select(Theme).join(ThemeGroup).where(ThemeGroup.year == year, Theme.name == name)
    ).one()


def test_create_topic_gets_reference(sec):
    _this_years_plan()
    theme = _theme(today_local().year)
    r = sec.post(
        "/onderwerpen/nieuw",
        data={
            "title": "Verward gedrag rond station Kropswolde",
            "description": "Meldingen E33",
            "meeting_type": str(meeting_type("ovo").id),
            "theme": str(theme.id),
            "aanbrenger": "0",
            "confidentiality": "vertrouwelijk",
        },
    )
    assert r.status_code == 302
    topic = db.session.scalar(select(Topic))
    year = topic.created_at.year
    assert topic.reference == f"OVO-{year}-001"
    html = sec.get(r.headers["Location"]).get_data(as_text=True)
    assert f"OVO-{year}-001" in html and "Verward gedrag rond station Kropswolde" in html
    assert "Verwarde personen" in html


def _theme_select(page: str) -> str:
    found = re.search(r'<select[^>]*name="theme".*?</select>', page, re.S)
    assert found, "no theme select"
    return found.group(0)


def _topic_form(theme_id) -> dict:
    return {
        "title": "Verward gedrag rond station Kropswolde",
        "meeting_type": str(meeting_type("ovo").id),
        "theme": str(theme_id),
        "aanbrenger": "0",
        "confidentiality": "vertrouwelijk",
    }


def test_a_topic_belongs_to_a_priority_of_its_year_or_to_none(sec):
    _this_years_plan()
    year = today_local().year
    this_year, old = _theme(year), _theme(2019)
    page = _theme_select(get_page(sec, "/onderwerpen/nieuw"))
    assert f'<option value="{this_year.id}">Veilige woon- en leefomgeving: Verwarde personen' in (
        page
    )
    assert f'value="{old.id}"' not in page and "2019" not in page
    # another year's priority is refused in Dutch, beside the field; nothing saved
    resp = sec.post("/onderwerpen/nieuw", data=_topic_form(old.id))
    assert resp.status_code == 400
    assert f"Kies een prioriteit van het jaarplan {year}, of ‘Geen’" in resp.get_data(as_text=True)
    assert db.session.scalar(select(Topic)) is None
    # positive controls: the year's priority, or none
    assert sec.post("/onderwerpen/nieuw", data=_topic_form(this_year.id)).status_code == 302
    assert sec.post("/onderwerpen/nieuw", data=_topic_form(0)).status_code == 302
    assert [t.theme_id for t in db.session.scalars(select(Topic).order_by(Topic.id))] == [
        this_year.id,
        None,
    ]


def test_editing_offers_the_priorities_of_the_topics_own_year(sec):
    _this_years_plan()
    old, other = _theme(2019), _theme(2019, "Aanpak drugscriminaliteit")
    topic = create_topic(
        title="Inbraakgolf Zuidbroek", meeting_type=meeting_type("tvo"), year=2019, theme=old
    )
    db.session.commit()
    page = _theme_select(get_page(sec, f"/onderwerpen/{topic.id}/bewerken"))
    assert f'value="{other.id}"' in page  # 2019's priorities (the seed's themes)
    assert f'value="{_theme(today_local().year).id}"' not in page
    data = _topic_form(_theme(today_local().year).id)
    del data["meeting_type"]
    resp = sec.post(f"/onderwerpen/{topic.id}/bewerken", data=data)
    assert resp.status_code == 400
    assert "Kies een prioriteit van het jaarplan 2019" in resp.get_data(as_text=True)
    assert (
        sec.post(
            f"/onderwerpen/{topic.id}/bewerken", data=data | {"theme": str(other.id)}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).theme_id == other.id


def test_create_topic_validation(sec):
    r = sec.post(
        "/onderwerpen/nieuw",
        data={
            "title": "",
            "meeting_type": str(meeting_type("ovo").id),
            "theme": "0",
            "aanbrenger": "0",
            "confidentiality": "casus",
        },
    )
    assert r.status_code == 400
    assert "Geef het onderwerp een titel." in r.get_data(as_text=True)
    assert db.session.scalar(select(Topic)) is None


def test_status_transitions_table_and_history(sec):
    topic = create_topic(title="Inbraakgolf Zuidbroek", meeting_type=meeting_type("tvo"), year=2019)
    db.session.commit()
    r = sec.post(f"/onderwerpen/{topic.id}/status", data={"status": "afgerond"})
    assert r.status_code == 302
    r = sec.post(f"/onderwerpen/{topic.id}/status", data={"status": "opgeschaald"})
    assert r.status_code == 400
    assert "Deze status is vanuit ‘Afgerond’ niet toegestaan." in r.get_data(as_text=True)
    with pytest.raises(TopicError, match="De status kan niet van ‘Afgerond’ naar ‘Opgeschaald’"):
        change_status(topic, "opgeschaald")
    kinds = [
        (e.kind, e.from_status, e.to_status)
        for e in db.session.scalars(
            select(TopicEvent).where(TopicEvent.topic_id == topic.id).order_by(TopicEvent.id)
        )
    ]
    assert kinds == [("aangemaakt", None, "nieuw"), ("status", "nieuw", "afgerond")]


def test_participant_cannot_create_and_outsider_gets_404(app):
    topic = create_topic(title="X", meeting_type=meeting_type("tvo"), year=2019)
    db.session.commit()
    c = _client(app, "wijkagent@example.org")
    assert c.get("/onderwerpen/nieuw").status_code == 403
    assert c.get(f"/onderwerpen/{topic.id}").status_code == 404
    assert c.get("/escalaties").status_code == 403


def _chain():
    sec = person("oov@example.org")
    ovo = make_meeting("ovo", today_local() + timedelta(days=1))
    tvo = make_meeting("tvo", today_local() + timedelta(days=3))
    driehoek = make_meeting("driehoek", today_local() + timedelta(days=5))
    ovo2 = make_meeting("ovo", today_local() + timedelta(days=8))
    topic = create_topic(
        title="Hennepteelt bedrijventerrein Foxhol",
        meeting_type=meeting_type("ovo"),
        confidentiality="casus",
        description="Signalen van stroomdiefstal",
        year=2019,
    )
    item = add_item(ovo, title="", topic=topic)
    db.session.flush()
    up1 = escalate(
        item,
        meeting_type("tvo"),
        question="Integrale aanpak starten?",
        reason="Signalen van meerdere partners",
        by=sec,
    )
    publish_agenda(ovo)
    up2 = escalate(
        up1.target_item,
        meeting_type("driehoek"),
        question="Bestuurlijke sluiting?",
        reason="Artikel 13b Opiumwet",
        by=sec,
    )
    conclude(up1.target_item, outcome="Voorgelegd aan de Driehoek", by=sec)
    db.session.commit()
    return topic, up1, up2, dict(ovo=ovo, tvo=tvo, driehoek=driehoek, ovo2=ovo2)


def test_timeline_page_up_and_back(sec):
    topic, up1, up2, m = _chain()
    html = sec.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert "Hennepteelt bedrijventerrein Foxhol" in html
    assert "Integrale aanpak starten?" in html and "Bestuurlijke sluiting?" in html
    assert "Opgeschaald door Operationeel Veiligheidsoverleg" in html
    assert "Terugkoppeling Tactisch Veiligheidsoverleg" in html
    assert "Uitkomst: Voorgelegd aan de Driehoek" in html
    # open escalations: the one at the Driehoek
    open_part = html.split("Open escalaties")[1].split("Tijdlijn")[0]
    assert "naar Driehoeksoverleg" in open_part and "wacht 0 dagen" in open_part
    # order of the timeline: OVO, TVO, Driehoek, OVO (terugkoppeling)
    tl = html.split("Tijdlijn</h2>")[1]
    positions = [
        tl.index(f"/overleggen/{m[k].id}/agenda") for k in ("ovo", "tvo", "driehoek", "ovo2")
    ]
    assert positions == sorted(positions)
    assert_audit("casus_viewed", object_ref=topic.reference)


def test_timeline_reference_only_for_outsider_participant(app):
    topic, up1, up2, m = _chain()
    # the burgemeester sits in the Driehoek meeting only after this: make him a participant of
    # a later meeting where the casus is besloten to someone else.
    from overleg.domain.agenda import set_besloten
    from overleg.models import Participant

    db.session.add(
        Participant(meeting=m["driehoek"], person=person("burgemeester@example.org"), part="chair")
    )
    db.session.add(
        Participant(meeting=m["driehoek"], person=person("ovj@example.org"), part="member")
    )
    db.session.flush()
    set_besloten(up2.target_item, True, {person("ovj@example.org").id})
    publish(m["driehoek"])
    r = _client(app, "burgemeester@example.org").get(f"/onderwerpen/{topic.id}")
    html = r.get_data(as_text=True)
    assert "Hennepteelt" not in html and "Bestuurlijke sluiting" not in html
    # His only item of this topic is besloten to someone else: the topic is not his to find
    # (security review: list/open a topic only with at least one item one may see).
    assert r.status_code == 404
    html = _client(app, "ovj@example.org").get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert "Hennepteelt bedrijventerrein Foxhol" in html


def test_backlog_and_escalations_overview(sec):
    topic, up1, up2, m = _chain()
    # an escalation with no open meeting waits in the backlog
    lonely = create_topic(title="Jeugdgroep Oostwold", meeting_type=meeting_type("tvo"), year=2019)
    item = add_item(m["tvo"], title="", topic=lonely)
    db.session.flush()
    esc = escalate(
        item,
        meeting_type("po"),
        question="Extra inzet?",
        reason="Escalatie",
        by=person("oov@example.org"),
    )
    db.session.commit()
    assert esc.status == "te_agenderen"
    html = sec.get("/te-agenderen/po").get_data(as_text=True)
    assert "Jeugdgroep Oostwold" in html and "Er is geen komend overleg gepland." in html
    po = make_meeting("po", today_local() + timedelta(days=20))
    html = sec.get("/te-agenderen/po").get_data(as_text=True)
    r = sec.post(f"/escalaties/{esc.id}/agenderen", data={"meeting": str(po.id)})
    assert r.status_code == 302
    db.session.refresh(esc)
    assert esc.status == "geagendeerd" and esc.target_item.meeting_id == po.id
    # choosing a meeting of the wrong body is refused
    r = sec.post(f"/escalaties/{esc.id}/agenderen", data={"meeting": str(m["tvo"].id)})
    assert r.status_code == 400 and "Kies een vergadering van het Politie Overleg." in r.get_data(
        as_text=True
    )
    r = sec.get("/escalaties")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Jeugdgroep Oostwold" in html and "0 dagen" in html
    # an overview of work from many meetings names a casus by its reference only, as the
    # werkvoorraad does (policy.overview_topic_heading); its page shows it in full
    assert topic.reference in html and "Hennepteelt" not in html
    # nor its questions (case text); the other escalation's question is shown
    assert "Extra inzet?" in html
    assert "Integrale aanpak starten?" not in html and "Bestuurlijke sluiting?" not in html
    assert "Casus: de vraag staat op de pagina van" in html
    assert "staat in dit overzicht alleen met het kenmerk" in html
    assert "Hennepteelt" in sec.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)


def test_topics_list_filters(sec):
    create_topic(title="Fietsendiefstal station", meeting_type=meeting_type("ovo"), year=2019)
    create_topic(title="Ondermijning vakantiepark", meeting_type=meeting_type("tvo"), year=2019)
    db.session.commit()
    html = get_page(sec, "/onderwerpen?overleg=ovo")
    assert "Fietsendiefstal" in html and "Ondermijning" not in html
    html = get_page(sec, "/onderwerpen?q=vakantiepark")
    assert "Ondermijning" in html and "Fietsendiefstal" not in html


def test_timeline_queries_do_not_grow(sec, count_queries):
    counts = []
    for n in (5, 50):
        topic = create_topic(
            title=f"Langlopend {n}",
            meeting_type=meeting_type("tvo"),
            confidentiality="casus",
            year=2019,
        )
        for k in range(n):
            meeting = make_meeting(
                "tvo", today_local() + timedelta(days=k + 1), commit=False, standard_items=False
            )
            add_item(meeting, title="", topic=topic)
        db.session.commit()
        sec.get(f"/onderwerpen/{topic.id}")
        db.session.expire_all()
        with count_queries() as q:
            assert sec.get(f"/onderwerpen/{topic.id}").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    print(f"timeline queries {counts}")


def test_open_escalations_of_a_casus_only_with_the_casus_in_full(app):
    """That a casus went up to another body is part of the casus: a reader who sees only its
    reference (a guest invited without items) does not see its open escalations."""
    from tests.conftest import TEST_PASSWORD
    from tests.leak_fixture import build_world

    w = build_world()
    escalate(
        w.items["cas"],
        meeting_type("driehoek"),
        question="Kan de Driehoek besluiten?",
        reason="Vraagt een besluit van de burgemeester.",
        by=w.people["secretaris"],
        auto_place=False,
    )
    db.session.commit()
    url = f"/onderwerpen/{w.topics['cas'].id}"
    for persona, shown in (("plain_guest", False), ("participant", True)):
        c = app.test_client()
        login(c, w.people[persona].email, TEST_PASSWORD)
        resp = c.get(url)
        assert resp.status_code == 200, persona
        text = resp.get_data(as_text=True)
        # the open escalations and the timeline's "Opgeschaald op ... naar het Driehoek"
        assert ("naar Driehoek" in text) is shown, persona
        assert ("naar het Driehoek" in text) is shown, persona
        assert w.topics["cas"].reference in text
