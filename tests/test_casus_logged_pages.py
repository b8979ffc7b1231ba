"""Every response that shows a casus in full writes an audit event naming it; a list of topics
from many meetings names a casus by its reference only (policy.overview_topic_heading).

A review found staff pages and an actielijst that showed casework without an event: the
minutes editing page, the correction, refusal and conflict pages, the actielijst of the next
meeting's agenda (page and PDFs), and the topic picker of the agenda page."""

from __future__ import annotations

import io

from sqlalchemy import select

from overleg.extensions import db
from overleg.models import AuditEvent
from tests.conftest import login
from tests.doc_samples import make_pdf
from tests.minutes_support import minutes_of, past_meeting, pdf_text
from tests.test_minutes_casus import CASE_ACTION, CASE_NOTES, CASE_TITLE, _setup

REF = "TVO-2019-014"


def _events(event: str, person) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == event, AuditEvent.person_id == person.id)
        )
    )


def _naming(event: str, person, ref: str = REF) -> list[AuditEvent]:
    return [e for e in _events(event, person) if ref in (e.object_ref or "")]


def _client(app, person):
    c = app.test_client()
    login(c, person.email)
    return c


def test_the_minutes_editing_page_logs_the_casus_it_shows(seeded, people, as_role):
    first, second, _outsider, _insider = _setup(people)
    sec = as_role("secretaris")
    r = sec.get(f"/overleggen/{first.id}/verslag")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and CASE_NOTES in html
    (event,) = _naming("casus_viewed", people["secretaris"])
    # minutes not begun yet: the event is the meeting's
    assert (event.object_type, event.object_id) == ("meeting", first.id)
    assert event.after == {"casus": [REF]}
    # control: the next meeting has no casus item, and its page writes no event
    before = len(_events("casus_viewed", people["secretaris"]))
    r = sec.get(f"/overleggen/{second.id}/verslag")
    assert r.status_code == 200
    assert len(_events("casus_viewed", people["secretaris"])) == before


def test_a_refused_attendance_logs_the_view_but_stores_nothing_refused(seeded, people, as_role):
    first, _second, _outsider, _insider = _setup(people)
    sec = as_role("secretaris")
    assert sec.get(f"/overleggen/{first.id}/verslag").status_code == 200
    before = len(_naming("casus_viewed", people["secretaris"]))
    # an attendance no list offers: refused (400), the page shown again with the choice; the
    # view's event is written after the refused choice is rolled back, never stored with it
    participant = first.participants[0]
    r = sec.post(
        f"/overleggen/{first.id}/verslag/aanwezigheid",
        data={f"aanwezigheid-{participant.id}": "bogus"},
    )
    assert r.status_code == 400 and CASE_NOTES in r.get_data(as_text=True)
    assert len(_naming("casus_viewed", people["secretaris"])) == before + 1
    db.session.expire_all()
    assert participant.attendance is None


def test_the_correction_page_logs_the_casus_it_shows(seeded, people, as_role):
    first, second, _outsider, _insider = _setup(people)
    sec = as_role("secretaris")
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(first)
    assert sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    before = len(_naming("casus_viewed", people["secretaris"]))
    r = sec.get(f"/overleggen/{first.id}/verslag/correctie")
    assert r.status_code == 200 and CASE_NOTES in r.get_data(as_text=True)
    events = _naming("casus_viewed", people["secretaris"])
    assert len(events) == before + 1 and events[-1].object_type == "minutes"
    # a refused notes save on the approved minutes names the item: logged as well
    item = next(i for i in first.agenda_items if i.title == CASE_TITLE)
    r = sec.post(
        f"/overleggen/{first.id}/verslag/punten/{item.id}/notities",
        data={"notes": "Nieuwe tekst", "version": "1", "base": ""},
    )
    assert r.status_code in (400, 409) and CASE_TITLE in r.get_data(as_text=True)
    assert len(_naming("casus_viewed", people["secretaris"])) == before + 2


def test_the_actielijst_of_the_next_agenda_logs_a_casus_action_shown(seeded, people, as_role, app):
    first, second, outsider, insider = _setup(people)
    sec = as_role("secretaris")
    # the actions of a meeting reach the next actielijst once its minutes are sent
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    ins, out = _client(app, insider), _client(app, outsider)

    r = ins.get(f"/overleggen/{second.id}/agenda")
    assert r.status_code == 200 and CASE_ACTION in r.get_data(as_text=True)
    assert _naming("casus_viewed", insider), "the actielijst showed a casus action"
    r = ins.get(f"/overleggen/{second.id}/agenda.pdf")
    assert r.status_code == 200 and CASE_ACTION in " ".join(pdf_text(r.data)).replace("\n", " ")
    assert _naming("agenda_exported", insider)
    r = ins.get(f"/overleggen/{second.id}/vergaderstukken.pdf")
    assert r.status_code == 200
    assert len(_naming("agenda_exported", insider)) == 2

    # who may not read the action sees its reference only, and no event names it
    r = out.get(f"/overleggen/{second.id}/agenda")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and CASE_ACTION not in html and REF in html
    assert not _naming("casus_viewed", outsider)
    r = out.get(f"/overleggen/{second.id}/agenda.pdf")
    assert r.status_code == 200 and CASE_ACTION not in " ".join(pdf_text(r.data))
    assert not _naming("agenda_exported", outsider)


def test_the_agenda_topic_picker_names_a_casus_by_its_reference(seeded, people, as_role):
    _first, _second, _outsider, _insider = _setup(people)
    coming = past_meeting("tvo", -7, [(people["secretaris"], "secretary")])
    db.session.commit()
    r = as_role("secretaris").get(f"/overleggen/{coming.id}/agenda")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert f">{REF} (casus)</option>" in html and CASE_TITLE not in html
    assert "Een casus staat in deze lijst alleen met het kenmerk" in html
    # an open topic that is no casus keeps its title (demo data: the TVO's topics)
    assert " · " in html


def test_the_register_topic_filter_names_a_casus_by_its_reference(seeded, people, as_role):
    first, _second, _outsider, _insider = _setup(people)
    sec = as_role("secretaris")
    assert sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    # a search that finds no row: the page shows no casus, only the filter's topics
    r = sec.get("/besluiten/tvo?tekst=geenenkeltreffer")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and REF in html and CASE_TITLE not in html
    assert not _naming("casus_viewed", people["secretaris"])
    # control: without the search the row itself shows the casus decision in full, logged
    r = sec.get("/besluiten/tvo")
    assert r.status_code == 200 and "Huisverbod Jansen" in r.get_data(as_text=True)
    assert _naming("casus_viewed", people["secretaris"])


def _casus_item(meeting):
    return next(i for i in meeting.agenda_items if i.title == CASE_TITLE)


def test_the_pages_about_one_casus_item_log_it(seeded, people, as_role):
    first, _second, _outsider, _insider = _setup(people)
    sec = as_role("secretaris")
    item = _casus_item(first)
    pages = ("bewerken", "toegang", "opschalen", "afhandelen", "stukken")
    for n, page in enumerate(pages, start=1):
        r = sec.get(f"/agendapunten/{item.id}/{page}")
        assert r.status_code == 200, page
        assert CASE_TITLE in r.get_data(as_text=True), page
        assert len(_naming("casus_viewed", people["secretaris"])) == n, page
    # control: an item without a casus writes none
    plain = next(i for i in first.agenda_items if i.standard_kind == "mededelingen")
    for page in ("bewerken", "toegang", "stukken"):
        assert sec.get(f"/agendapunten/{plain.id}/{page}").status_code == 200, page
    assert len(_events("casus_viewed", people["secretaris"])) == len(pages)
    # declining is for a waiting proposal only: any other item leads back to the agenda,
    # named nowhere on the way
    r = sec.get(f"/agendapunten/{item.id}/afwijzen")
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/overleggen/{first.id}/agenda#voorstellen"
    )
    with sec.session_transaction() as session:
        assert [m for _, m in session.get("_flashes", [])] == ["Dit voorstel is al behandeld."]


def test_an_upload_to_a_casus_item_is_announced_by_its_reference(seeded, people, as_role):
    first, _second, _outsider, _insider = _setup(people)
    sec = as_role("secretaris")
    item = _casus_item(first)
    r = sec.post(
        f"/agendapunten/{item.id}/stukken",
        data={
            "file": (
                io.BytesIO(make_pdf(["Notitie"])),
                "Gezin Jansen notitie.pdf",
                "application/pdf",
            )
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    with sec.session_transaction() as session:
        flashes = [message for _, message in session.get("_flashes", [])]
    assert flashes == [f"Het stuk is toegevoegd aan agendapunt {REF}."]
    assert "Jansen" not in " ".join(flashes)
