"""The minutes record who chaired: the chair, or an acting chair ("waarnemend voorzitter")
picked at attendance, on the minutes page and in their PDF, instead of the absent chair."""

from __future__ import annotations

import pytest

from overleg.domain import minutes as dmin
from overleg.extensions import db
from tests.conftest import login, make_person
from tests.minutes_support import minutes_of, past_meeting, pdf_text


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def held(seeded, people):
    """A held TVO (chair Karel Voorzitter, a member, the secretary) and a later held one."""
    chair = make_person("voorzitter@test.example.org", name="Karel Voorzitter")
    member = people["deelnemer"]
    sec = people["secretaris"]
    meeting = past_meeting("tvo", 14, [(chair, "chair"), (member, "member"), (sec, "secretary")])
    later = past_meeting("tvo", 2, [(member, "member"), (sec, "secretary")])
    ids = {p.person_id: p.id for p in meeting.participants}
    return {"meeting": meeting, "later": later, "chair": chair, "member": member, "ids": ids}


def _attendance(held, chair: str) -> dict[int, str]:
    ids = held["ids"]
    values = {pid: "aanwezig" for pid in ids.values()}
    values[ids[held["chair"].id]] = chair
    return values


# --- domain ----------------------------------------------------------------------------------


def test_acting_chair_is_who_chaired_in_the_snapshot(held, people):
    meeting, ids = held["meeting"], held["ids"]
    minutes = dmin.ensure_minutes(meeting, people["secretaris"])
    dmin.record_attendance(
        minutes,
        _attendance(held, "afwezig_met_bericht"),
        acting_chair_id=ids[held["member"].id],
    )
    db.session.commit()
    snap = dmin.build_snapshot(minutes)
    assert (
        snap["chair"]
        == "Dirk Deelnemer, waarnemend voorzitter (voorzitter Karel Voorzitter afwezig)"
    )
    assert snap["acting_chair"] is True
    present = next(g for g in snap["attendance"] if g["key"] == "aanwezig")
    assert any(
        p["name"] == "Dirk Deelnemer" and "waarnemend voorzitter" in p["detail"]
        for p in present["people"]
    )
    # Positive control: the chair present, nobody acting: the chair chaired.
    dmin.record_attendance(minutes, _attendance(held, "aanwezig"), acting_chair_id=None)
    snap = dmin.build_snapshot(minutes)
    assert (snap["chair"], snap["acting_chair"]) == ("Karel Voorzitter", False)
    # The chair absent and nobody picked: the absent chair is not named as chairing.
    dmin.record_attendance(minutes, _attendance(held, "afwezig"), acting_chair_id=None)
    assert dmin.build_snapshot(minutes)["chair"] == (
        "niet vastgelegd (voorzitter Karel Voorzitter afwezig)"
    )


def test_acting_chair_only_when_the_chair_is_away_and_they_are_present(held, people):
    meeting, ids = held["meeting"], held["ids"]
    minutes = dmin.ensure_minutes(meeting, people["secretaris"])
    member = ids[held["member"].id]
    with pytest.raises(dmin.MinutesError, match="De voorzitter \\(Karel Voorzitter\\) is aanwezig"):
        dmin.record_attendance(minutes, _attendance(held, "aanwezig"), acting_chair_id=member)
    values = _attendance(held, "afwezig") | {member: "afwezig"}
    with pytest.raises(dmin.MinutesError, match="is niet aanwezig"):
        dmin.record_attendance(minutes, values, acting_chair_id=member)
    with pytest.raises(dmin.MinutesError, match="uit de deelnemers"):
        dmin.record_attendance(minutes, _attendance(held, "afwezig"), acting_chair_id=-1)
    db.session.rollback()
    assert meeting.acting_chair_id is None


# --- page and PDF ----------------------------------------------------------------------------


def test_acting_chair_on_the_minutes_page_and_in_the_pdf(held, people, as_role, app):
    sec = as_role("secretaris")
    meeting, later, ids = held["meeting"], held["later"], held["ids"]
    form = {
        f"aanwezigheid-{pid}": value
        for pid, value in _attendance(held, "afwezig_met_bericht").items()
    }
    # refused: the chair is present
    refused = {f"aanwezigheid-{pid}": "aanwezig" for pid in ids.values()}
    refused["waarnemend-voorzitter"] = str(ids[held["member"].id])
    resp = sec.post(f"/overleggen/{meeting.id}/verslag/aanwezigheid", data=refused)
    assert resp.status_code == 400
    assert "Een waarnemend voorzitter kiest u alleen als de voorzitter er niet is" in (
        resp.get_data(as_text=True)
    )
    # accepted: the chair is away, the member chairs
    form["waarnemend-voorzitter"] = str(ids[held["member"].id])
    resp = sec.post(f"/overleggen/{meeting.id}/verslag/aanwezigheid", data=form)
    assert resp.status_code == 302
    html = sec.get(f"/overleggen/{meeting.id}/verslag").get_data(as_text=True)
    assert f'<option value="{ids[held["member"].id]}" selected>' in html
    # sent and approved at the next (held) meeting; a participant reads it
    assert sec.post(f"/overleggen/{meeting.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(meeting)
    assert sec.post(f"/overleggen/{later.id}/verslag/vaststellen/{m.id}").status_code == 302
    reader = app.test_client()
    login(reader, people["deelnemer"].email)
    page = _flat(reader.get(f"/overleggen/{meeting.id}/verslag").get_data(as_text=True))
    expected = "Dirk Deelnemer, waarnemend voorzitter (voorzitter Karel Voorzitter afwezig)"
    assert f'<th scope="row">Voorzitter</th><td>{expected}</td>' in page
    assert '<th scope="row">Voorzitter</th><td>Karel Voorzitter</td>' not in page
    resp = reader.get(f"/overleggen/{meeting.id}/verslag.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _flat(" ".join(pdf_text(resp.data)))
    assert "waarnemend voorzitter" in text
    assert "Dirk Deelnemer, waarnemend voorzitter" in text
    assert "Voorzitter Karel Voorzitter Notulist" not in text  # not named as chairing
    assert "Karel Voorzitter afwezig" in text
