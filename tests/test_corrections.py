"""Corrections without loss (issue 10, item 4): decisions and actions are edited while their
minutes are a concept (the number stays, the change is logged without its text); after
approval a correction version may correct them too, with a reason, and every version keeps
reading as it was, page and PDF."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from overleg.domain import actions as da
from overleg.domain import decisions as dd
from overleg.domain import minutes as dmin
from overleg.extensions import db
from overleg.models import ActionItem, AuditEvent, Decision, Organisation
from tests.conftest import assert_audit, get_page, login
from tests.minutes_support import item_of, minutes_of, past_meeting, pdf_text


def _meeting(people, days_ago=28):
    return past_meeting(
        "tvo",
        days_ago,
        [(people["deelnemer"], "member"), (people["secretaris"], "secretary")],
    )


def _decision(meeting, text="Het TVO stemt in met de aanpak."):
    decision = dd.add_decision(meeting, item_of(meeting, "mededelingen"), text)
    dmin.ensure_minutes(meeting)
    db.session.commit()
    return decision


def _action(meeting, owner, what="Buurtschouw organiseren"):
    action = da.add_action(
        meeting,
        item_of(meeting, "mededelingen"),
        what,
        owner_person=owner,
        due_date=date(2030, 1, 31),
    )
    dmin.ensure_minutes(meeting)
    db.session.commit()
    return action


def _approve(sec, first, second):
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(first)
    assert sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    assert minutes_of(first).status == "vastgesteld"


def _events(name):
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)).all()


# --- editing while concept ------------------------------------------------------------------


def test_domain_decision_edit_keeps_number_and_records_the_change(seeded, people):
    meeting = _meeting(people)
    first = _decision(meeting, "Eerste besluit met een tikfout: aanpk.")
    second = _decision(meeting, "Tweede besluit.")
    assert dmin.edit_decision(first, "Eerste besluit zonder tikfout: aanpak.", people["secretaris"])
    db.session.commit()
    db.session.expire_all()
    first = db.session.get(Decision, first.id)
    year = dd.meeting_year(meeting)
    assert (first.code, first.number) == (f"TVO-{year}-01", 1)
    assert first.text == "Eerste besluit zonder tikfout: aanpak."
    # the number is kept: the next decision still gets the next free number
    assert _decision(meeting, "Derde besluit.").number == 3
    assert db.session.get(Decision, second.id).number == 2
    # the change is logged by the decision's code, never with its text
    (event,) = _events("decision_changed")
    assert event.object_id == first.id and event.object_ref == first.code
    assert event.before is None and event.after is None
    assert event.person_id == people["secretaris"].id
    # nothing changed: no event
    assert not dmin.edit_decision(first, "  Eerste besluit zonder tikfout: aanpak. ")
    assert len(_events("decision_changed")) == 1
    with pytest.raises(dmin.MinutesError, match="Vul de tekst van het besluit in."):
        dmin.edit_decision(first, "   ")


def test_domain_action_edit_records_owner_and_due_date(seeded, people):
    meeting = _meeting(people)
    action = _action(meeting, people["deelnemer"])
    org = db.session.scalars(select(Organisation).order_by(Organisation.id)).first()
    fields = da.ActionFields(
        "Buurtschouw organiseren met de woningcorporatie",
        owner_organisation=org,
        due_date=date(2030, 2, 28),
    )
    assert dmin.edit_action(action, fields, people["secretaris"])
    db.session.commit()
    db.session.expire_all()
    action = db.session.get(ActionItem, action.id)
    assert action.what == "Buurtschouw organiseren met de woningcorporatie"
    assert action.owner_person_id is None and action.owner_organisation_id == org.id
    assert action.due_date == date(2030, 2, 28) and action.status == "open"
    assert_audit(
        "action_changed",
        object_id=action.id,
        before={"owner": people["deelnemer"].id, "owner_organisation": None, "due": "2030-01-31"},
        after={"owner": None, "owner_organisation": org.id, "due": "2030-02-28"},
    )
    with pytest.raises(dmin.MinutesError, match="Kies wie het actiepunt uitvoert"):
        dmin.edit_action(action, da.ActionFields("Iets", None, None, None))


def test_domain_edit_refused_once_minutes_left_the_concept(seeded, people, as_role):
    sec = as_role("secretaris")
    first, second = _meeting(people, 28), _meeting(people, 7)
    decision = _decision(first)
    action = _action(first, people["deelnemer"])
    # positive control: a concept takes the edit
    assert dmin.edit_decision(decision, "Aangepast in concept.")
    db.session.commit()
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    with pytest.raises(dmin.MinutesError, match="ter vaststelling"):
        dmin.edit_decision(decision, "Tijdens vaststelling.")
    db.session.rollback()
    m = minutes_of(first)
    assert sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    action = db.session.get(ActionItem, action.id)
    with pytest.raises(dmin.MinutesFrozen):
        dmin.edit_decision(decision, "Na vaststelling.")
    with pytest.raises(dmin.MinutesFrozen):
        dmin.edit_action(action, da.ActionFields("Na vaststelling.", people["deelnemer"]))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Aangepast in concept."
    assert db.session.get(ActionItem, action.id).what == "Buurtschouw organiseren"


def test_page_decision_edit_keeps_number(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting = _meeting(people)
    decision = _decision(meeting, "Het TVO stemt in met de aanpk.")
    html = get_page(sec, f"/overleggen/{meeting.id}/verslag")
    assert f"Besluit {decision.code} wijzigen" in html
    url = f"/overleggen/{meeting.id}/verslag/besluiten/{decision.id}/wijzigen"
    resp = sec.post(url, data={"text": "Het TVO stemt in met de aanpak."})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#besluit-{decision.id}")
    html = get_page(sec, f"/overleggen/{meeting.id}/verslag")
    assert f"Besluit {decision.code} is gewijzigd; het nummer blijft hetzelfde." in html
    assert "Het TVO stemt in met de aanpak." in html and "aanpk" not in html
    assert f"<strong>{decision.code}</strong>" in html
    assert db.session.scalar(select(Decision.code).where(Decision.id == decision.id)) == (
        decision.code
    )
    assert_audit("decision_changed", object_id=decision.id, object_ref=decision.code)
    # bad input: 400 with the message beside the field, nothing lost, nothing saved
    resp = sec.post(url, data={"text": "x" * 5001})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Gebruik hoogstens 5000 tekens." in body and "x" * 5001 in body
    resp = sec.post(url, data={"text": ""})
    assert resp.status_code == 400 and "Vul de tekst van het besluit in." in resp.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Het TVO stemt in met de aanpak."
    # a decision of another meeting is not found here
    other = _meeting(people, 14)
    resp = sec.post(f"/overleggen/{other.id}/verslag/besluiten/{decision.id}/wijzigen")
    assert resp.status_code == 404


def test_page_action_edit(seeded, people, as_role, app):
    sec = as_role("secretaris")
    meeting = _meeting(people)
    action = _action(meeting, people["deelnemer"])
    html = get_page(sec, f"/overleggen/{meeting.id}/verslag")
    assert "Actiepunt wijzigen" in html and 'value="2030-01-31"' in html
    url = f"/overleggen/{meeting.id}/verslag/actiepunten/{action.id}/wijzigen"
    resp = sec.post(
        url,
        data={
            "what": "Buurtschouw organiseren in Kiel-Windeweer",
            "owner": f"p-{people['secretaris'].id}",
            "due_date": "2030-03-15",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    html = get_page(sec, f"/overleggen/{meeting.id}/verslag")
    assert "Buurtschouw organiseren in Kiel-Windeweer" in html and "15 maart 2030" in html
    assert_audit("action_changed", object_id=action.id)
    # an owner not offered for the item is refused beside the field, the text kept
    resp = sec.post(url, data={"what": "Nieuwe tekst die blijft", "owner": "p-999999"})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Kies een persoon of organisatie uit de lijst." in body
    assert "Nieuwe tekst die blijft" in body
    # a participant may not edit at all
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    assert reader.post(url, data={"what": "Van mij", "owner": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ActionItem, action.id).what == "Buurtschouw organiseren in Kiel-Windeweer"


def test_page_edit_refused_after_approval_text_shown_again(seeded, people, as_role):
    sec = as_role("secretaris")
    first, second = _meeting(people, 28), _meeting(people, 7)
    decision = _decision(first)
    action = _action(first, people["deelnemer"])
    # positive control in concept
    url = f"/overleggen/{first.id}/verslag/besluiten/{decision.id}/wijzigen"
    assert sec.post(url, data={"text": "Voor vaststelling gewijzigd."}).status_code == 302
    _approve(sec, first, second)
    resp = sec.post(url, data={"text": "Na vaststelling gewijzigd."})
    assert resp.status_code == 409
    body = resp.get_data(as_text=True)
    assert "Correctie na vaststelling" in body and "Na vaststelling gewijzigd." in body
    resp = sec.post(
        f"/overleggen/{first.id}/verslag/actiepunten/{action.id}/wijzigen",
        data={"what": "Na vaststelling", "owner": f"p-{people['deelnemer'].id}"},
    )
    assert resp.status_code == 409
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Voor vaststelling gewijzigd."
    assert db.session.get(ActionItem, action.id).what == "Buurtschouw organiseren"


# --- a correction after approval corrects decisions and actions; every version stays ------


def test_correction_corrects_a_decision_and_an_action_old_version_unchanged(
    seeded, people, as_role, app
):
    sec = as_role("secretaris")
    first, second = _meeting(people, 28), _meeting(people, 7)
    decision = _decision(first, "Het TVO besluit tot cameratoezicht in de Kielstraat.")
    action = _action(first, people["deelnemer"], "Bewoners van de Kielstraat informeren")
    _approve(sec, first, second)
    page = sec.get(f"/overleggen/{first.id}/verslag/correctie")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Besluit {decision.code}" in html and f'name="decision-{decision.id}"' in html
    assert f'name="action-{action.id}-what"' in html

    form = {f"notes-{i.id}": i.notes or "" for i in first.agenda_items}
    form[f"decision-{decision.id}"] = "Het TVO besluit tot cameratoezicht in de Kerkstraat."
    form[f"action-{action.id}-what"] = "Bewoners van de Kerkstraat informeren"
    form[f"action-{action.id}-owner"] = f"p-{people['deelnemer'].id}"
    form[f"action-{action.id}-due"] = "2030-01-31"
    # without a reason: 400, what was typed is shown again, nothing saved
    resp = sec.post(f"/overleggen/{first.id}/verslag/correctie", data=form)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Geef de reden van de correctie op." in body and "Kerkstraat" in body
    db.session.expire_all()
    assert "Kielstraat" in db.session.get(Decision, decision.id).text
    # an owner not offered: refused beside the action, nothing saved
    bad = form | {"reason": "Straatnaam", f"action-{action.id}-owner": "p-999999"}
    resp = sec.post(f"/overleggen/{first.id}/verslag/correctie", data=bad)
    assert resp.status_code == 400
    assert "kies een persoon of organisatie uit de lijst" in resp.get_data(as_text=True)
    assert len(minutes_of(first).versions) == 1

    form["reason"] = "De straatnaam was verkeerd."
    resp = sec.post(f"/overleggen/{first.id}/verslag/correctie", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    m = minutes_of(first)
    assert [v.number for v in m.versions] == [1, 2]
    assert m.versions[1].reason == "De straatnaam was verkeerd."
    db.session.expire_all()
    corrected = db.session.get(Decision, decision.id)
    assert corrected.code == decision.code and "Kerkstraat" in corrected.text
    assert db.session.get(ActionItem, action.id).what == "Bewoners van de Kerkstraat informeren"
    assert_audit("decision_corrected", object_id=decision.id, after={"version": 2})
    assert_audit("action_corrected", object_id=action.id, after={"version": 2})

    # the participant reads both versions, each as it was: page and PDF
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    v1 = get_page(reader, f"/overleggen/{first.id}/verslag/versies/1")
    assert "cameratoezicht in de Kielstraat" in v1 and "Kerkstraat" not in v1
    assert "Bewoners van de Kielstraat informeren" in v1
    v2 = get_page(reader, f"/overleggen/{first.id}/verslag/versies/2")
    assert "cameratoezicht in de Kerkstraat" in v2 and "Kielstraat" not in v2
    assert f"In deze versie gecorrigeerd: besluit {decision.code}; 1 actiepunt." in v2
    current = get_page(reader, f"/overleggen/{first.id}/verslag")
    assert "Kerkstraat" in current and f"Gecorrigeerd: {decision.code}, 1 actiepunt" in current
    pdf1 = reader.get(f"/overleggen/{first.id}/verslag/versies/1.pdf")
    pdf2 = reader.get(f"/overleggen/{first.id}/verslag/versies/2.pdf")
    assert pdf1.status_code == pdf2.status_code == 200
    text1, text2 = (" ".join(pdf_text(p.data)).replace("\n", " ") for p in (pdf1, pdf2))
    assert "Kielstraat" in text1 and "Kerkstraat" not in text1
    assert "Kerkstraat" in text2 and "Kielstraat" not in text2
    # the register shows the decision under its number with the corrected text
    register = get_page(reader, "/besluiten/tvo")
    assert decision.code in register and "Kerkstraat" in register


def test_domain_correction_refuses_foreign_decisions_and_a_correction_of_nothing(
    seeded, people, as_role
):
    sec = as_role("secretaris")
    first, second = _meeting(people, 28), _meeting(people, 7)
    decision = _decision(first)
    elsewhere = _decision(second, "Besluit van een andere vergadering.")
    _approve(sec, first, second)
    m = minutes_of(first)
    with pytest.raises(dmin.MinutesError) as refused:
        dmin.correct(m, {}, "Reden", decisions={elsewhere.id: "Anders"})
    assert refused.value.errors == {
        f"decision_{elsewhere.id}": "Dit besluit hoort niet bij dit verslag."
    }
    with pytest.raises(dmin.MinutesError, match="Er is niets gewijzigd"):
        dmin.correct(m, {}, "Reden", decisions={decision.id: decision.text})
    db.session.rollback()
    version = dmin.correct(m, {}, "Tikfout", decisions={decision.id: "Verbeterd besluit."})
    db.session.commit()
    assert version.number == 2 and version.snapshot["corrected"]["decisions"] == [decision.code]
    assert m.versions[0].snapshot["decisions"][0]["text"] == "Het TVO stemt in met de aanpak."
    assert version.snapshot["decisions"][0]["text"] == "Verbeterd besluit."
