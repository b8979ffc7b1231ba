"""Need to know in minutes: a casus item shows only its reference to readers not entitled, in
the page and in the PDF (live concept and the stored approved PDF)."""

from __future__ import annotations

from overleg.domain import actions as da
from overleg.domain import decisions as dd
from overleg.extensions import db
from overleg.models import AgendaItem, AgendaItemAccess, Topic
from tests.conftest import login, make_person
from tests.factories import meeting_type
from tests.minutes_support import item_of, minutes_of, past_meeting, pdf_text

CASE_TITLE = "Gezin Jansen, Hoogezand"
CASE_NOTES = "Zoon (15) betrokken bij inbraken; moeder vraagt hulp."
CASE_DECISION = "Huisverbod Jansen verlengen met tien dagen."
CASE_ACTION = "Veilig Thuis belt moeder Jansen."


def _setup(people):
    outsider = people["deelnemer"]
    insider = make_person("ingewijde@test.example.org", name="Ina Ingewijde")
    sec = people["secretaris"]
    parts = [(outsider, "member"), (insider, "member"), (sec, "secretary")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    topic = Topic(
        reference="TVO-2019-014",
        title=CASE_TITLE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
    )
    item = AgendaItem(
        meeting=first,
        position=3,
        kind="topic",
        title=CASE_TITLE,
        topic=topic,
        purpose="bespreking",
        besloten=True,
        notes=CASE_NOTES,
    )
    db.session.add_all([topic, item])
    db.session.flush()
    db.session.add(AgendaItemAccess(agenda_item_id=item.id, person_id=insider.id, kind="besloten"))
    dd.add_decision(first, item, CASE_DECISION)
    da.add_action(first, item, CASE_ACTION, owner_person=insider)
    dd.add_decision(first, item_of(first, "mededelingen"), "Algemeen besluit zonder casus.")
    db.session.commit()
    return first, second, outsider, insider


def _client(app, person):
    c = app.test_client()
    login(c, person.email)
    return c


def _assert_hidden(text: str):
    for secret in (CASE_TITLE, CASE_NOTES, CASE_DECISION, CASE_ACTION, "Jansen"):
        assert secret not in text, secret


def test_casus_hidden_in_page_and_pdf_for_reader_not_entitled(seeded, people, as_role, app):
    first, second, outsider, insider = _setup(people)
    sec = as_role("secretaris")
    sec.post(f"/overleggen/{first.id}/verslag/ter-vaststelling")
    out, ins = _client(app, outsider), _client(app, insider)

    html = out.get(f"/overleggen/{first.id}/verslag").get_data(as_text=True)
    _assert_hidden(html)
    assert "TVO-2019-014" in html and "Algemeen besluit zonder casus." in html
    text = "\n".join(pdf_text(out.get(f"/overleggen/{first.id}/verslag.pdf").data))
    _assert_hidden(text)
    assert "TVO-2019-014" in text

    html = ins.get(f"/overleggen/{first.id}/verslag").get_data(as_text=True)
    assert CASE_NOTES in html and CASE_DECISION in html and CASE_ACTION in html
    from tests.conftest import assert_audit

    rows = assert_audit("casus_viewed", object_type="minutes", person_id=insider.id)
    assert all(CASE_TITLE not in (r.object_ref or "") for r in rows)

    # Approved: the stored PDFs — the full one for the entitled, the redacted one for others
    m = minutes_of(first)
    assert sec.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    out_pdf = out.get(f"/overleggen/{first.id}/verslag.pdf").data
    _assert_hidden("\n".join(pdf_text(out_pdf)).replace("\n", " "))
    ins_pdf = ins.get(f"/overleggen/{first.id}/verslag.pdf").data
    assert CASE_DECISION in "\n".join(pdf_text(ins_pdf)).replace("\n", " ")
    assert out_pdf != ins_pdf
    assert out.get(f"/overleggen/{first.id}/verslag.pdf").data == out_pdf
    _assert_hidden(out.get(f"/overleggen/{first.id}/verslag/versies/1").get_data(as_text=True))

    # The carried action on the next meeting's actielijst: hidden too
    html = out.get("/actiepunten/tvo").get_data(as_text=True)
    _assert_hidden(html)
    assert "TVO-2019-014" in html
