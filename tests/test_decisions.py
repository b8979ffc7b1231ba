"""Decisions: numbered per body and year, never reused (not even after deleting a concept
decision); the register per body filterable by year, theme, topic and text."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from overleg.domain import decisions as dd
from overleg.domain.meetings import plan_meeting
from overleg.extensions import db
from overleg.models import Decision, Theme, Topic
from overleg.timeutil import today_local
from tests.conftest import demo_client, get_page, login
from tests.factories import make_meeting, meeting_type
from tests.minutes_support import item_of


def test_numbering_per_body_and_year(seeded):
    dec_2019 = make_meeting("tvo", day=date(2019, 12, 17))
    jan_2020 = make_meeting("tvo", day=date(2020, 1, 14))
    ovo_2019 = make_meeting("ovo", day=date(2019, 12, 18))
    item = item_of(dec_2019, "mededelingen")
    codes = [dd.add_decision(dec_2019, item, f"Besluit {n}").code for n in range(1, 4)]
    assert codes == ["TVO-2019-01", "TVO-2019-02", "TVO-2019-03"]
    assert (
        dd.add_decision(ovo_2019, item_of(ovo_2019, "mededelingen"), "Ander overleg").code
        == "OVO-2019-01"
    )
    assert (
        dd.add_decision(jan_2020, item_of(jan_2020, "mededelingen"), "Nieuw jaar").code
        == "TVO-2020-01"
    )
    db.session.commit()
    # A meeting on New Year's Eve evening (Amsterdam) counts for the local year, not UTC
    from datetime import time

    late = make_meeting("tvo", day=date(2019, 12, 31), at=time(23, 30))
    assert dd.add_decision(late, None, "Laat besluit").code == "TVO-2019-04"


def test_numbers_never_reused_after_deleting_a_concept_decision(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting = make_meeting(
        "tvo", day=date(2019, 3, 12), participants=[(people["secretaris"], "secretary")]
    )
    item = item_of(meeting, "mededelingen")
    for text in ("Eerste", "Tweede", "Derde"):
        assert (
            sec.post(
                f"/overleggen/{meeting.id}/verslag/punten/{item.id}/besluiten", data={"text": text}
            ).status_code
            == 302
        )
    third = db.session.scalar(select(Decision).where(Decision.code == "TVO-2019-03"))
    resp = sec.post(f"/overleggen/{meeting.id}/verslag/besluiten/{third.id}/verwijderen")
    assert resp.status_code == 302
    sec.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/besluiten", data={"text": "Vierde"}
    )
    codes = db.session.scalars(select(Decision.code).order_by(Decision.number)).all()
    assert codes == ["TVO-2019-01", "TVO-2019-02", "TVO-2019-04"]
    # Deleting the newest one does not give its number back either
    newest = db.session.scalar(select(Decision).where(Decision.code == "TVO-2019-04"))
    sec.post(f"/overleggen/{meeting.id}/verslag/besluiten/{newest.id}/verwijderen")
    sec.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/besluiten", data={"text": "Vijfde"}
    )
    assert (
        db.session.scalar(select(Decision.code).order_by(Decision.number.desc())) == "TVO-2019-05"
    )


def _topic(ref, title, theme=None, confidentiality="intern"):
    t = Topic(
        reference=ref,
        title=title,
        meeting_type=meeting_type("tvo"),
        confidentiality=confidentiality,
        theme=theme,
    )
    db.session.add(t)
    db.session.flush()
    return t


def _topic_item(meeting, topic):
    from overleg.models import AgendaItem

    item = AgendaItem(
        meeting=meeting,
        position=50,
        kind="topic",
        title=topic.title,
        topic=topic,
        purpose="besluitvorming",
    )
    db.session.add(item)
    db.session.flush()
    return item


def test_register_filters_by_year_theme_topic_and_text(seeded, people, as_role):
    sec = as_role("secretaris")
    themes = db.session.scalars(select(Theme).order_by(Theme.id)).all()
    jeugd = next(t for t in themes if "jeugd" in t.name.lower())
    drugs = next(t for t in themes if "drugs" in t.name.lower())
    m19 = make_meeting("tvo", day=date(2019, 5, 14))
    m20 = make_meeting("tvo", day=date(2020, 2, 11))
    t1 = _topic("TVO-2019-001", "Jeugdgroep Kiel", jeugd)
    t2 = _topic("TVO-2019-002", "Hennepteelt Sappemeer", drugs)
    dd.add_decision(m19, _topic_item(m19, t1), "Groepsscan laten uitvoeren door de politie.")
    dd.add_decision(m19, _topic_item(m19, t2), "Damoclesbeleid toepassen op het pand.")
    dd.add_decision(m20, item_of(m20, "mededelingen"), "Jaarverslag vastgesteld.")
    db.session.commit()

    def codes(query):
        html = sec.get(f"/besluiten/tvo?{query}").get_data(as_text=True)
        return [c for c in ("TVO-2019-01", "TVO-2019-02", "TVO-2020-01") if c in html]

    assert codes("") == ["TVO-2019-01", "TVO-2019-02", "TVO-2020-01"]
    assert codes("jaar=2020") == ["TVO-2020-01"]
    assert codes(f"thema={jeugd.id}") == ["TVO-2019-01"]
    # each year's plan has its own priorities: the filter names the year of each
    page = sec.get("/besluiten/tvo").get_data(as_text=True)
    assert f"{jeugd.name} ({jeugd.group.year})</option>" in page
    assert codes(f"onderwerp={t2.id}") == ["TVO-2019-02"]
    assert codes("tekst=damocles") == ["TVO-2019-02"]
    assert codes("jaar=2019&tekst=jaarverslag") == []
    assert sec.get("/besluiten/bestaat-niet").status_code == 404


def test_register_shows_participants_only_their_meetings_and_hides_casus_text(
    seeded, people, app, as_role
):
    reader = people["deelnemer"]
    mine = make_meeting("tvo", day=date(2019, 5, 14), participants=[(reader, "member")])
    other = make_meeting("tvo", day=date(2019, 6, 11))
    casus = _topic("TVO-2019-014", "Gezin Jansen, Hoogezand", confidentiality="casus")
    # reader takes part in `mine`, but the casus item is besloten to others
    item = _topic_item(mine, casus)
    item.besloten = True
    dd.add_decision(mine, item_of(mine, "mededelingen"), "Openbaar besluit voor iedereen.")
    dd.add_decision(mine, item, "Huisverbod Jansen verlengen.")
    dd.add_decision(other, item_of(other, "mededelingen"), "Besluit elders.")
    from overleg.domain.minutes import ensure_minutes

    for m in (mine, other):
        ensure_minutes(m).status = "ter_vaststelling"
    db.session.commit()
    c = app.test_client()
    login(c, reader.email)
    resp = c.get("/besluiten/tvo")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Openbaar besluit voor iedereen." in html
    assert "TVO-2019-02" in html and "Huisverbod Jansen" not in html and "Gezin Jansen" not in html
    assert "Besluit elders." not in html
    # a text search never reveals hidden text by its hits
    resp = c.get("/besluiten/tvo?tekst=huisverbod")
    assert resp.status_code == 200
    assert "TVO-2019-02" not in resp.get_data(as_text=True)
    # the secretary sees everything, and finds the hidden decision by its text
    html = as_role("secretaris").get("/besluiten/tvo").get_data(as_text=True)
    assert "Huisverbod Jansen verlengen." in html and "Besluit elders." in html
    html = as_role("secretaris").get("/besluiten/tvo?tekst=huisverbod").get_data(as_text=True)
    assert "TVO-2019-02" in html


# --- the register of a body the reader takes no part in gives nothing away ------------------


def test_register_filters_list_only_topics_and_years_the_reader_may_see(seeded, app):
    """/besluiten/driehoek for a wijkagent who is in no Driehoek: not found (404), so neither a
    row nor the "Onderwerp" or "Jaar" filter tells which topics it decided on or in which years
    it met. The burgemeester, its chair, sees the rows and both filters."""
    from overleg.domain.topics import create_topic
    from tests.factories import person

    chair = [(person("burgemeester@example.org"), "chair")]
    old = make_meeting("driehoek", date(2016, 3, 1), participants=chair)
    dd.add_decision(old, None, "Gebiedsverbod uitgevaardigd voor de stationsomgeving")
    recent = make_meeting("driehoek", date(2019, 3, 12), participants=chair)
    topic = create_topic(
        title="Ondermijning haven",
        meeting_type=meeting_type("driehoek"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    item = _topic_item(recent, topic)
    dd.add_decision(recent, item, "Bestuurlijke sluiting voorbereiden")
    from overleg.domain.minutes import ensure_minutes

    for m in (old, recent):  # out for approval: the register shows their decisions
        ensure_minutes(m).status = "ter_vaststelling"
    db.session.commit()

    shown = {
        "/besluiten/driehoek": ("Bestuurlijke sluiting", topic.reference, 'value="2016"'),
        "/besluiten/driehoek?jaar=2016": ("Gebiedsverbod",),
    }
    burgemeester = app.test_client()
    assert login(burgemeester, "burgemeester@example.org", "Veilig-Overleg-2019").status_code == 302
    wijkagent = app.test_client()
    assert login(wijkagent, "wijkagent@example.org", "Veilig-Overleg-2019").status_code == 302
    for url, texts in shown.items():
        for_chair = burgemeester.get(url)
        assert for_chair.status_code == 200
        for_outsider = wijkagent.get(url)
        assert for_outsider.status_code == 404
        for text in texts:
            assert text in for_chair.get_data(as_text=True), (url, text)
            assert text not in for_outsider.get_data(as_text=True), (url, text)


def test_registers_list_only_the_bodies_of_the_participant(seeded, app):
    plan_meeting(meeting_type("ovo"), today_local() - timedelta(days=3), time(10, 0), send=False)
    plan_meeting(
        meeting_type("driehoek"), today_local() - timedelta(days=3), time(16, 0), send=False
    )
    db.session.commit()
    agent = demo_client(app, "wijkagent@example.org")
    for url in ("/besluiten", "/verslagen"):
        html = get_page(agent, url)
        assert "/besluiten/ovo" in html and "/actiepunten/ovo" in html, url
        for code in ("driehoek", "po", "tvo"):
            assert f"/besluiten/{code}" not in html and f"/actiepunten/{code}" not in html, url
            assert f"overleg={code}" not in html, url
    sec = demo_client(app, "oov@example.org")
    for url in ("/besluiten", "/verslagen"):
        html = get_page(sec, url)
        for code in ("driehoek", "po", "tvo", "ovo"):
            assert f"/besluiten/{code}" in html, url
    nobody = app.test_client()
    from tests.conftest import make_person

    make_person("los@example.org")
    login(nobody, "los@example.org")
    html = get_page(nobody, "/besluiten")
    assert "U neemt (nog) niet deel" in html and "/besluiten/ovo" not in html
