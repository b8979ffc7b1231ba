"""The plan van aanpak per topic: measures with their organisation, contact, dates, status and
progress notes; versions, adoption by the body that owns the topic and freezing; the measures
on the topic page and under the topic's item on every agenda where it returns (page and PDF);
actions that belong to a measure; "Maatregelen van mijn organisatie"; need to know."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from overleg.domain import aanpak as da
from overleg.domain.agenda import add_item, set_item_access
from overleg.domain.decisions import register
from overleg.domain.minutes import ensure_minutes, send_for_approval
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import ActionItem, Decision, Organisation
from overleg.models.aanpak import AanpakVersion, Measure
from overleg.timeutil import nl_date, today_local
from tests.conftest import DEMO_PASSWORD, assert_audit, login
from tests.factories import make_meeting, meeting_type, person, publish

pytestmark = pytest.mark.usefixtures("seeded")

SEC = "oov@example.org"
MEMBER = "specialist@example.org"  # politie, member of the TVO meetings below
OUTSIDER = "wijkagent@example.org"  # politie too, but at none of those meetings
GUEST = "veiligthuis@example.org"


def _org(short: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.short_name == short)).one()


def _client(app, email: str):
    c = app.test_client()
    assert login(c, email, DEMO_PASSWORD).status_code == 302
    return c


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(data: bytes) -> str:
    return _flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def world():
    """A casus topic of the TVO, on the agenda of a held TVO meeting and returning on the
    next one, with a plan of two measures (one with a progress note)."""
    sec, member, guest = person(SEC), person(MEMBER), person(GUEST)
    today = today_local()
    parts = [(member, "member"), (sec, "secretary")]
    held = make_meeting("tvo", today - timedelta(days=7), participants=parts)
    nxt = make_meeting("tvo", today + timedelta(days=7), participants=parts + [(guest, "guest")])
    topic = create_topic(
        title="Woonoverlast familie Jansen",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        description="Aanhoudende overlast",
    )
    first = add_item(held, title="", topic=topic)
    again = add_item(nxt, title="", topic=topic)
    other = add_item(nxt, title="Mededelingen Veilig Thuis")
    db.session.flush()
    set_item_access(other, "gast", {guest.id})  # the guest is invited for another item only
    m1 = da.add_measure(
        topic,
        da.MeasureData(
            title="Huisbezoek wijkagent en woningcorporatie",
            organisation=_org("Politie"),
            contact=member,
            starts_on=today - timedelta(days=10),
            due_on=today - timedelta(days=1),
        ),
        by=sec,
    )
    m2 = da.add_measure(
        topic,
        da.MeasureData(
            title="Gezinscoach inzetten", organisation=_org("Sociale teams"), due_on=today
        ),
        by=sec,
    )
    da.add_note(
        m1,
        noted_on=today - timedelta(days=2),
        text="Eerste gesprek gevoerd, vervolg gepland",
        status="lopend",
        by=sec,
        today=today,
    )
    publish(held, commit=False)
    publish(nxt, commit=False)
    db.session.commit()
    return {
        "sec": sec,
        "member": member,
        "guest": guest,
        "held": held,
        "next": nxt,
        "topic": topic,
        "first": first,
        "again": again,
        "m1": m1,
        "m2": m2,
    }


# --- versions, adoption, freezing ------------------------------------------------------------


def test_a_plan_is_adopted_by_the_body_that_owns_the_topic_and_then_frozen(world):
    topic, held, sec = world["topic"], world["held"], world["sec"]
    (v1,) = da.versions_of(topic)
    assert (v1.number, v1.status, v1.copied_from_id) == (1, "concept", None)
    decision = da.adopt(v1, held, by=sec)
    db.session.commit()
    assert v1.status == "vastgesteld" and v1.decision_id == decision.id
    assert decision.code.startswith("TVO-") and decision.topic_id == topic.id
    assert decision.agenda_item_id == world["first"].id  # under the topic's item there
    assert "stelt het plan van aanpak voor" in decision.text and topic.reference in decision.text
    assert decision.id in [r.decision.id for r in register(meeting_type("tvo"), sec)]
    frozen = [m.title for m in da.version_measures(v1)]
    assert frozen == ["Huisbezoek wijkagent en woningcorporatie", "Gezinscoach inzetten"]
    with pytest.raises(da.AanpakError, match="al vastgesteld"):
        da.adopt(v1, held)
    # a change after adoption makes a new concept version, copied from the adopted one
    m1 = world["m1"]
    changed = da.update_measure(
        m1,
        da.MeasureData(
            title="Huisbezoek met de woningcorporatie",
            organisation=m1.organisation,
            contact=m1.contact,
            starts_on=m1.starts_on,
            due_on=m1.due_on,
        ),
        by=sec,
    )
    db.session.commit()
    assert changed
    v1_again, v2 = da.versions_of(topic)
    assert v1_again is v1
    assert (v2.number, v2.status, v2.copied_from_id) == (2, "concept", v1.id)
    assert da.version_measures(v1)[0].title == "Huisbezoek wijkagent en woningcorporatie"
    assert da.current_version([v1, v2]) is v1  # until v2 is adopted
    # one concept at a time: a further change goes into v2
    da.add_measure(topic, da.MeasureData(title="Buurtbemiddeling", organisation=_org("Gemeente")))
    db.session.commit()
    assert [v.number for v in da.versions_of(topic)] == [1, 2]
    # what an adopted version held stays: not removed, stopped instead
    with pytest.raises(da.AanpakError, match="gestopt"):
        da.remove_measure(world["m2"])
    # the progress of a measure goes on without a new version
    da.add_note(
        world["m2"], noted_on=today_local(), text="Gestart", status="lopend", today=today_local()
    )
    db.session.commit()
    assert [v.number for v in da.versions_of(topic)] == [1, 2]
    da.adopt(v2, held, by=sec)
    db.session.commit()
    assert da.current_version(da.versions_of(topic)) is v2
    assert [m.title for m in da.version_measures(v2)][0] == "Huisbezoek met de woningcorporatie"
    assert da.version_measures(v1)[0].title == "Huisbezoek wijkagent en woningcorporatie"
    # an unchanged edit is no change and makes no version
    m2 = world["m2"]
    assert not da.update_measure(
        m2, da.MeasureData(title=m2.title, organisation=m2.organisation, due_on=m2.due_on)
    )
    assert [v.number for v in da.versions_of(topic)] == [1, 2]


def test_adoption_only_at_a_held_meeting_of_the_owning_body_with_concept_minutes(world):
    topic, sec = world["topic"], world["sec"]
    (v1,) = da.versions_of(topic)
    driehoek = make_meeting("driehoek", today_local() - timedelta(days=2))
    with pytest.raises(da.AanpakError, match="vastgesteld door het"):
        da.adopt(v1, driehoek)
    with pytest.raises(da.AanpakError, match="nog niet begonnen"):
        da.adopt(v1, world["next"])
    assert da.adoption_meetings(topic) == [world["held"]]
    send_for_approval(ensure_minutes(world["held"], sec), sec)
    db.session.commit()
    assert da.adoption_meetings(topic) == []
    empty = create_topic(title="Zonder maatregelen", meeting_type=meeting_type("tvo"))
    version = da.concept_for_change(empty)
    other = make_meeting("tvo", today_local() - timedelta(days=3))
    with pytest.raises(da.AanpakError, match="nog geen maatregelen"):
        da.adopt(version, other)
    assert v1.status == "concept" and version.status == "concept"


def test_measure_input_and_status_changes_are_checked_in_dutch(world):
    m1, today = world["m1"], today_local()
    with pytest.raises(da.MeasureError) as exc:
        da.add_measure(
            world["topic"],
            da.MeasureData(
                title=" ", organisation=None, starts_on=today, due_on=today - timedelta(days=1)
            ),
        )
    assert exc.value.errors == {
        "title": "Beschrijf de maatregel.",
        "organisation": "Kies de organisatie die de maatregel uitvoert.",
        "due_on": "De einddatum ligt vóór de startdatum.",
    }
    with pytest.raises(da.MeasureError, match="in de toekomst"):
        da.add_note(m1, noted_on=today + timedelta(days=1), text="x", today=today)
    with pytest.raises(da.MeasureError, match="kan de maatregel niet naar ‘Gepland’"):
        da.add_note(m1, noted_on=today, text="terug", status="gepland", today=today)
    da.add_note(m1, noted_on=today, text="Afgerond", status="gereed", today=today)
    assert m1.status == "gereed" and [n.status for n in m1.notes] == ["lopend", "gereed"]
    # a new measure without history may be removed from the concept
    spare = da.add_measure(
        world["topic"], da.MeasureData(title="Proef", organisation=_org("Gemeente"))
    )
    db.session.commit()
    da.remove_measure(spare)
    db.session.commit()
    assert db.session.get(Measure, spare.id) is None


# --- the agenda where the topic returns: page and PDF ------------------------------------------


def test_measures_show_under_the_topic_item_of_the_agenda_where_it_returns(app, world):
    nxt = world["next"].id
    member = _client(app, MEMBER)
    html = _flat(member.get(f"/overleggen/{nxt}/agenda").get_data(as_text=True))
    assert "Voortgang plan van aanpak" in html
    # the progress as it stands today, also on the agenda of a meeting long past
    assert f"(stand van {nl_date(today_local(), 'long')})" in html
    assert "Huisbezoek wijkagent en woningcorporatie" in html and "Gezinscoach inzetten" in html
    assert "Eerste gesprek gevoerd, vervolg gepland" in html  # the latest progress note
    assert "Lopend" in html and "verlopen" in html  # m1 is past its due date
    resp = member.get(f"/overleggen/{nxt}/agenda.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _pdf_text(resp.data)
    assert "Voortgang plan van aanpak" in text
    assert "Huisbezoek wijkagent" in text and "Gezinscoach inzetten" in text
    assert "Eerste gesprek gevoerd" in text
    assert "Politie" in text
    root = PdfReader(io.BytesIO(resp.data)).trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])  # still tagged
    # the guest invited for another item: the casus by its reference, no plan
    guest = _client(app, GUEST)
    ref = world["topic"].reference
    for url in (f"/overleggen/{nxt}/agenda", f"/overleggen/{nxt}/agenda.pdf"):
        resp = guest.get(url)
        assert resp.status_code == 200
        text = _pdf_text(resp.data) if url.endswith(".pdf") else resp.get_data(as_text=True)
        assert ref in text  # positive control: the item is there, by reference
        assert "Huisbezoek" not in text and "Voortgang plan van aanpak" not in text
        assert "Woonoverlast familie Jansen" not in text


def test_agenda_page_and_pdf_queries_do_not_grow_with_measures(app, world, count_queries):
    sec, member = world["sec"], world["member"]
    parts = [(member, "member"), (sec, "secretary")]
    meetings = []
    for n in (2, 8):
        meeting = make_meeting("tvo", today_local() + timedelta(days=20 + n), participants=parts)
        for k in range(n):
            topic = create_topic(title=f"Onderwerp {n}-{k}", meeting_type=meeting_type("tvo"))
            add_item(meeting, title="", topic=topic)
            for j in range(2):
                m = da.add_measure(
                    topic, da.MeasureData(title=f"Maatregel {k}.{j}", organisation=_org("Politie"))
                )
                da.add_note(m, noted_on=today_local(), text="Voortgang", today=today_local())
        publish(meeting, commit=False)
        meetings.append(meeting.id)
    db.session.commit()
    for email in (SEC, MEMBER):
        c = _client(app, email)
        for suffix in ("agenda", "agenda.pdf"):
            counts = []
            for meeting_id in meetings:
                c.get(f"/overleggen/{meeting_id}/{suffix}")  # warm up
                db.session.expunge_all()
                with count_queries() as q:
                    resp = c.get(f"/overleggen/{meeting_id}/{suffix}")
                assert resp.status_code == 200
                counts.append(q.count)
            assert counts[0] == counts[1], (email, suffix, counts)


# --- the topic page, the plan page, the organisation's list: need to know ----------------------


def test_the_plan_of_a_casus_is_part_of_the_casus(app, world):
    topic = world["topic"]
    member, outsider = _client(app, MEMBER), _client(app, OUTSIDER)
    html = member.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    assert "Plan van aanpak" in html and "Huisbezoek wijkagent en woningcorporatie" in html
    resp = member.get(f"/onderwerpen/{topic.id}/aanpak")
    assert resp.status_code == 200
    assert "Eerste gesprek gevoerd, vervolg gepland" in resp.get_data(as_text=True)
    assert_audit("casus_viewed", object_type="topic", object_id=topic.id)
    # the organisation's list: the member (politie) sees the casus measure of politie
    html = member.get("/maatregelen").get_data(as_text=True)
    assert "Maatregelen van mijn organisatie" in html
    assert "Huisbezoek wijkagent en woningcorporatie" in html and topic.reference in html
    assert "Gezinscoach inzetten" not in html  # the sociaal team's, not politie's
    # another police officer, never at an item of this casus: nothing of it
    resp = outsider.get("/maatregelen")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Maatregelen van mijn organisatie" in text
    assert "Huisbezoek" not in text and topic.reference not in text
    assert "Er zijn geen maatregelen van Politie" in text
    for url in (f"/onderwerpen/{topic.id}/aanpak", f"/onderwerpen/{topic.id}/aanpak/versie/1"):
        resp = outsider.get(url)
        assert resp.status_code == 404
        assert "Woonoverlast" not in resp.get_data(as_text=True)
    # the secretary's controls are hers alone
    assert outsider.post(f"/onderwerpen/{topic.id}/aanpak/maatregelen").status_code == 403
    assert member.post(f"/maatregelen/{world['m1'].id}/voortgang").status_code == 403


def test_secretary_keeps_the_plan_through_its_pages(app, world):
    topic, sec = world["topic"], _client(app, SEC)
    politie = _org("Politie")
    # bad input: the form again with Dutch messages, nothing saved
    resp = sec.post(
        f"/onderwerpen/{topic.id}/aanpak/maatregelen",
        data={"title": "", "organisation": "", "contact": "0", "due_on": "31-02-2027"},
    )
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert "Beschrijf de maatregel." in text and "Kies de organisatie" in text
    assert "Vul een geldige datum in" in text
    assert db.session.scalar(select(db.func.count(Measure.id))) == 2
    resp = sec.post(
        f"/onderwerpen/{topic.id}/aanpak/maatregelen",
        data={
            "title": "Cameratoezicht portiek",
            "organisation": str(politie.id),
            "contact": str(world["member"].id),
            "starts_on": today_local().isoformat(),
            "due_on": (today_local() + timedelta(days=60)).isoformat(),
        },
    )
    assert resp.status_code == 302
    measure = db.session.scalar(select(Measure).where(Measure.title == "Cameratoezicht portiek"))
    assert measure is not None and measure.contact_id == world["member"].id
    assert_audit("measure_added", object_id=measure.id)
    # progress with a status change; a refused transition says so
    resp = sec.post(
        f"/maatregelen/{measure.id}/voortgang",
        data={
            f"m{measure.id}-noted_on": today_local().isoformat(),
            f"m{measure.id}-text": "Camera geplaatst",
            f"m{measure.id}-status": "gereed",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Measure, measure.id).status == "gereed"
    resp = sec.post(
        f"/maatregelen/{measure.id}/voortgang",
        data={
            f"m{measure.id}-noted_on": today_local().isoformat(),
            f"m{measure.id}-text": "Terug",
            f"m{measure.id}-status": "gestopt",
        },
    )
    assert resp.status_code == 400
    assert "Kies een status uit de lijst." in resp.get_data(as_text=True)
    # adopt through the page: a decision of the TVO
    assert sec.get(f"/onderwerpen/{topic.id}/aanpak/vaststellen").status_code == 200
    resp = sec.post(
        f"/onderwerpen/{topic.id}/aanpak/vaststellen",
        data={"meeting": str(world["held"].id), "text": "Het TVO stelt het plan vast."},
    )
    assert resp.status_code == 302
    version = db.session.scalar(select(AanpakVersion).where(AanpakVersion.topic_id == topic.id))
    assert version.status == "vastgesteld"
    decision = db.session.get(Decision, version.decision_id)
    assert decision.text == "Het TVO stelt het plan vast."
    html = sec.get(f"/onderwerpen/{topic.id}/aanpak").get_data(as_text=True)
    assert "Versie 1, vastgesteld" in html and decision.code in html
    # the date is that of the meeting that adopted it, not of the click that recorded it
    assert f"Versie 1, vastgesteld {nl_date(world['held'].starts_at, 'long')}" in html
    # after a refused form the browser lands on the form, not at the top of the long page
    assert f'action="/onderwerpen/{topic.id}/aanpak/maatregelen#toevoegen"' in html
    assert f'action="/maatregelen/{measure.id}/voortgang#maatregel-{measure.id}"' in html
    html = sec.get(f"/onderwerpen/{topic.id}/aanpak/versie/1").get_data(as_text=True)
    assert "Zo is het plan vastgesteld" in html and "Cameratoezicht portiek" in html
    # editing after adoption: a new concept, the adopted version unchanged
    resp = sec.post(
        f"/maatregelen/{measure.id}/bewerken",
        data={"title": "Cameratoezicht portiek en galerij", "organisation": str(politie.id)},
    )
    assert resp.status_code == 302
    assert [v.number for v in da.versions_of(topic)] == [1, 2]
    html = sec.get(f"/onderwerpen/{topic.id}/aanpak/versie/1").get_data(as_text=True)
    assert "Cameratoezicht portiek en galerij" not in html
    # removing what was adopted is refused with a message
    resp = sec.post(f"/maatregelen/{measure.id}/verwijderen")
    assert resp.status_code == 303
    html = sec.get(f"/onderwerpen/{topic.id}/aanpak").get_data(as_text=True)
    assert "Zet hem op ‘gestopt’" in html


# --- actions that belong to a measure ---------------------------------------------------------


def test_an_action_belongs_to_a_measure_of_the_items_topic(app, world):
    held, item, m1 = world["held"], world["first"], world["m1"]
    sec = _client(app, SEC)
    html = sec.get(f"/overleggen/{held.id}/verslag").get_data(as_text=True)
    assert f'<option value="{m1.id}">Huisbezoek wijkagent en woningcorporatie</option>' in html
    url = f"/overleggen/{held.id}/verslag/punten/{item.id}/actiepunten"
    other_topic = create_topic(title="Ander onderwerp", meeting_type=meeting_type("tvo"))
    foreign = da.add_measure(
        other_topic, da.MeasureData(title="Elders", organisation=_org("Gemeente"))
    )
    db.session.commit()
    resp = sec.post(
        url,
        data={
            "what": "Verslag huisbezoek delen",
            "owner": f"p-{world['member'].id}",
            "measure": str(foreign.id),
        },
    )
    assert resp.status_code == 400
    assert "Kies een maatregel uit het plan van aanpak van dit onderwerp." in resp.get_data(
        as_text=True
    )
    resp = sec.post(
        url,
        data={
            "what": "Verslag huisbezoek delen",
            "owner": f"p-{world['member'].id}",
            "measure": str(m1.id),
        },
    )
    assert resp.status_code == 302
    action = db.session.scalar(select(ActionItem).where(ActionItem.what.like("Verslag huis%")))
    assert action.measure_id == m1.id
    html = sec.get(f"/onderwerpen/{world['topic'].id}/aanpak").get_data(as_text=True)
    assert "Actiepunten bij deze maatregel" in html and "Verslag huisbezoek delen" in html
    # without a measure, as before
    resp = sec.post(url, data={"what": "Los actiepunt", "owner": f"p-{world['member'].id}"})
    assert resp.status_code == 302
    loose = db.session.scalar(select(ActionItem).where(ActionItem.what == "Los actiepunt"))
    assert loose.measure_id is None
