"""Taking minutes and their lifecycle: concept → ter vaststelling → vastgesteld at a later
meeting, frozen, corrected as a new version with a reason."""

from __future__ import annotations

from sqlalchemy import select

from overleg.extensions import db
from overleg.models import Decision, MinutesVersion, OutboxMessage
from tests.conftest import assert_audit, get_page, login, make_person
from tests.minutes_support import item_of, minutes_of, page_state, past_meeting, save_notes


def _two_meetings(people):
    reader = people["deelnemer"]
    first = past_meeting("tvo", 28, [(reader, "member"), (people["secretaris"], "secretary")])
    second = past_meeting("tvo", 7, [(reader, "member"), (people["secretaris"], "secretary")])
    return first, second


def test_secretary_takes_notes_decisions_and_actions(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting, _ = _two_meetings(people)
    item = item_of(meeting, "mededelingen")
    resp = sec.get(f"/overleggen/{meeting.id}/verslag")
    assert resp.status_code == 200
    assert "Aanwezigheid" in resp.get_data(as_text=True)
    version, base = page_state(sec, meeting, item)
    resp = save_notes(sec, meeting, item, "Politie meldt een rustige maand.", version, base)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#punt-{item.id}")
    resp = sec.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/besluiten",
        data={"text": "Het TVO stemt in met de aanpak."},
    )
    assert resp.status_code == 302
    resp = sec.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/actiepunten",
        data={
            "what": "Buurtschouw organiseren",
            "owner": f"p-{people['deelnemer'].id}",
            "due_date": "2030-01-31",
        },
    )
    assert resp.status_code == 302
    html = sec.get(f"/overleggen/{meeting.id}/verslag").get_data(as_text=True)
    assert "Politie meldt een rustige maand." in html
    assert "Het TVO stemt in met de aanpak." in html
    assert "Buurtschouw organiseren" in html
    assert minutes_of(meeting).status == "concept"


def test_bad_input_is_refused_beside_the_field(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting, _ = _two_meetings(people)
    item = item_of(meeting, "mededelingen")
    resp = sec.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/besluiten", data={"text": "  "}
    )
    assert resp.status_code == 400
    assert "Vul de tekst van het besluit in." in resp.get_data(as_text=True)
    resp = sec.post(
        f"/overleggen/{meeting.id}/verslag/punten/{item.id}/actiepunten",
        data={"what": "Iets doen", "owner": "", "due_date": "31-31-2019"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Kies wie het actiepunt uitvoert." in html
    assert "Vul een geldige datum in" in html
    assert db.session.scalar(select(Decision)) is None


def test_attendance_at_the_top(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting, _ = _two_meetings(people)
    ps = {p.person_id: p.id for p in meeting.participants}
    resp = sec.post(
        f"/overleggen/{meeting.id}/verslag/aanwezigheid",
        data={
            f"aanwezigheid-{ps[people['deelnemer'].id]}": "afwezig_met_bericht",
            f"aanwezigheid-{ps[people['secretaris'].id]}": "aanwezig",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    assert {p.attendance for p in meeting.participants} == {"afwezig_met_bericht", "aanwezig"}
    # Incomplete: refused with a message, nothing saved
    resp = sec.post(
        f"/overleggen/{meeting.id}/verslag/aanwezigheid",
        data={f"aanwezigheid-{ps[people['deelnemer'].id]}": "aanwezig"},
    )
    assert resp.status_code == 400
    assert "Kies aanwezig, afwezig met bericht of afwezig." in resp.get_data(as_text=True)


def test_lifecycle_approval_freeze_and_correction(seeded, people, as_role, app):
    sec = as_role("secretaris")
    first, second = _two_meetings(people)
    item = item_of(first, "mededelingen")
    version, base = page_state(sec, first, item)
    save_notes(sec, first, item, "Oorspronkelijke tekst.", version, base)

    # A participant cannot read a concept
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    html = reader.get(f"/overleggen/{first.id}/verslag").get_data(as_text=True)
    assert "nog in bewerking" in html and "Oorspronkelijke tekst." not in html
    assert reader.get(f"/overleggen/{first.id}/verslag.pdf").status_code == 404

    # Ter vaststelling: participants notified and can read, nobody can edit
    resp = sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling")
    assert resp.status_code == 302
    assert minutes_of(first).status == "ter_vaststelling"
    mails = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.meeting_id == first.id, OutboxMessage.reason == "minutes_review"
        )
    ).all()
    assert {m.recipient for m in mails} == {people["deelnemer"].email, people["secretaris"].email}
    assert all("Oorspronkelijke tekst." not in m.body_text for m in mails)
    html = reader.get(f"/overleggen/{first.id}/verslag").get_data(as_text=True)
    assert "Oorspronkelijke tekst." in html and "Ter vaststelling" in html
    assert 'name="notes"' not in html
    resp = save_notes(sec, first, item, "Poging tijdens vaststelling.", 99, "x")
    assert resp.status_code == 409
    assert "ter vaststelling" in resp.get_data(as_text=True)
    # A participant cannot save at all
    assert save_notes(reader, first, item, "Niet van mij.", 1, "").status_code == 403

    # Approved at the later meeting under its verslag item; version 1 frozen
    m1 = minutes_of(first)
    resp = sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m1.id}")
    assert resp.status_code == 302
    m1 = minutes_of(first)
    assert m1.status == "vastgesteld" and m1.approved_in_meeting_id == second.id
    assert m1.approved_item_id == item_of(second, "verslag").id
    assert [v.number for v in m1.versions] == [1]
    assert_audit("minutes_approved", object_id=m1.id)
    html = sec.get(f"/overleggen/{second.id}/verslag").get_data(as_text=True)
    assert "is vastgesteld" in html

    # Frozen: every edit is refused, the text stays as it was
    resp = save_notes(sec, first, item, "Stiekem gewijzigd.", m1.version, "")
    assert resp.status_code == 409
    body = resp.get_data(as_text=True)
    assert "vastgesteld en kan niet meer worden gewijzigd" in body
    assert "Stiekem gewijzigd." in body  # the typed text is shown, not lost
    assert (
        sec.post(
            f"/overleggen/{first.id}/verslag/punten/{item.id}/besluiten", data={"text": "Te laat"}
        ).status_code
        == 409
    )
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 409
    db.session.expire_all()
    assert item_of(first, "mededelingen").notes == "Oorspronkelijke tekst."

    # Correction needs a reason and creates version 2; version 1 stays readable
    form = {f"notes-{i.id}": i.notes or "" for i in first.agenda_items}
    form[f"notes-{item.id}"] = "Gecorrigeerde tekst."
    resp = sec.post(f"/overleggen/{first.id}/verslag/correctie", data=form)
    assert resp.status_code == 400
    assert "Geef de reden van de correctie op." in resp.get_data(as_text=True)
    form["reason"] = "Naam van de wijk stond verkeerd."
    resp = sec.post(f"/overleggen/{first.id}/verslag/correctie", data=form)
    assert resp.status_code == 302
    versions = db.session.scalars(select(MinutesVersion).order_by(MinutesVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].reason == "Naam van de wijk stond verkeerd."
    v1 = reader.get(f"/overleggen/{first.id}/verslag/versies/1").get_data(as_text=True)
    assert "Oorspronkelijke tekst." in v1 and "eerdere versie" in v1
    current = reader.get(f"/overleggen/{first.id}/verslag").get_data(as_text=True)
    assert "Gecorrigeerde tekst." in current and "Naam van de wijk stond verkeerd." in current
    assert_audit("minutes_corrected", object_id=m1.id)


def test_approval_only_at_a_later_meeting_of_the_same_body(seeded, people, as_role):
    sec = as_role("secretaris")
    first, second = _two_meetings(people)
    other_body = past_meeting("ovo", 3, [(people["secretaris"], "secretary")])
    sec.post(f"/overleggen/{second.id}/verslag/ter-vaststelling")
    m2 = minutes_of(second)
    resp = sec.post(f"/overleggen/{first.id}/verslag/vaststellen/{m2.id}")
    assert resp.status_code == 409
    assert "latere vergadering" in resp.get_data(as_text=True)
    resp = sec.post(f"/overleggen/{other_body.id}/verslag/vaststellen/{m2.id}")
    assert "hetzelfde overleg" in resp.get_data(as_text=True)
    assert minutes_of(second).status == "ter_vaststelling"
    # back to concept is allowed before approval
    assert sec.post(f"/overleggen/{second.id}/verslag/concept").status_code == 302
    assert minutes_of(second).status == "concept"


def test_participant_cannot_reach_minutes_of_a_meeting_they_are_not_in(seeded, people, app):
    outsider = make_person("buiten@test.example.org")
    meeting = past_meeting("tvo", 10, [(people["secretaris"], "secretary")])
    c = app.test_client()
    login(c, outsider.email)
    assert c.get(f"/overleggen/{meeting.id}/verslag").status_code == 404
    assert c.get(f"/overleggen/{meeting.id}/verslag.pdf").status_code == 404


def test_minutes_index_lists_visible_meetings(seeded, people, as_role, app):
    sec = as_role("secretaris")
    mine = past_meeting("tvo", 20, [(people["deelnemer"], "member")])
    other = past_meeting("ovo", 21)
    html = get_page(sec, "/verslagen")
    assert f"/overleggen/{mine.id}/verslag" in html and f"/overleggen/{other.id}/verslag" in html
    assert "Verslagen" in html  # navigation
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    html = get_page(reader, "/verslagen")
    assert (
        f"/overleggen/{mine.id}/verslag" in html and f"/overleggen/{other.id}/verslag" not in html
    )
    html = get_page(sec, "/verslagen?overleg=ovo")
    assert (
        f"/overleggen/{other.id}/verslag" in html and f"/overleggen/{mine.id}/verslag" not in html
    )
