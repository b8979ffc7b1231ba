"""The agenda as an overview: each item's documents on the agenda page (need to know), the
minutes "Verslag vorige vergadering" is about, what the "Agenda gewijzigd" mail says changed
(per recipient, casus by reference), "Agenderen op" offering the chosen body's meetings only,
and the smaller points of issue 10."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from overleg.domain.agenda import (
    add_item,
    agenda_changes,
    move_item,
    publish_agenda,
    remove_item,
    set_besloten,
    set_item_access,
)
from overleg.domain.documents import add_document
from overleg.domain.minutes import ensure_minutes, send_for_approval
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import Escalation, Meeting, OutboxMessage
from overleg.timeutil import nl_date, today_local
from tests.conftest import demo_client, get_page
from tests.doc_samples import make_pdf
from tests.factories import make_meeting, meeting_type, person, publish
from tests.minutes_support import pdf_text

pytestmark = pytest.mark.usefixtures("seeded")

SEC = "oov@example.org"
MEMBER = "specialist@example.org"
GUEST = "veiligthuis@example.org"


def _page(app, email, url) -> str:
    return htmllib.unescape(get_page(demo_client(app, email), url))


def _item_html(html: str, item) -> str:
    start = html.index(f'id="punt-{item.id}"')
    return html[start : html.index("</li>", start)]


# --- documents on the agenda page -----------------------------------------------------------


def test_agenda_page_shows_each_items_documents_to_who_may_read_them(app):
    member, guest = person(MEMBER), person(GUEST)
    tvo = make_meeting(
        "tvo",
        today_local() + timedelta(days=3),
        participants=[(member, "member"), (guest, "guest")],
    )
    casus = create_topic(
        title="Casus Stukken", meeting_type=meeting_type("tvo"), confidentiality="casus"
    )
    open_item = add_item(tvo, title="Jaarplan", purpose="informatie", duration_minutes=5)
    casus_item = add_item(tvo, title="", topic=casus)
    set_item_access(open_item, "gast", {guest.id})  # the guest comes for the open item only
    open_doc = add_document(open_item, "jaarplan.pdf", make_pdf(["Jaarplan"]), None)
    casus_doc = add_document(casus_item, "rapport-casus.pdf", make_pdf(["Rapport"]), None)
    publish(tvo)
    # the member reads both items, and sees both documents under them
    html = _page(app, MEMBER, f"/overleggen/{tvo.id}/agenda")
    row = _item_html(html, casus_item)
    assert f'href="/stukken/{casus_doc.id}"' in row and "rapport-casus.pdf" in row
    assert "Stukken:" in row and "(PDF," in row
    assert f'href="/stukken/{open_doc.id}"' in _item_html(html, open_item)
    # the named guest reads the casus by reference only: no document, not even its name
    html = _page(app, GUEST, f"/overleggen/{tvo.id}/agenda")
    assert f'href="/stukken/{open_doc.id}"' in _item_html(html, open_item)  # positive control
    row = _item_html(html, casus_item)
    assert casus.reference in row and "Casus Stukken" not in row
    assert "rapport-casus.pdf" not in html and f"/stukken/{casus_doc.id}" not in html
    r = demo_client(app, GUEST).get(f"/stukken/{casus_doc.id}")
    assert r.status_code in (403, 404)


# --- Verslag vorige vergadering ---------------------------------------------------------------


def test_verslag_item_names_and_links_the_previous_minutes(app):
    member, other = person(MEMBER), person("wijkagent@example.org")
    earlier = make_meeting(
        "tvo", today_local() - timedelta(days=28), participants=[(member, "member")]
    )
    previous = make_meeting(
        "tvo", today_local() - timedelta(days=14), participants=[(member, "member")]
    )
    send_for_approval(ensure_minutes(previous))
    skipped = make_meeting("tvo", today_local() - timedelta(days=7))
    skipped.status = "geannuleerd"  # a cancelled meeting has no minutes to approve
    make_meeting("ovo", today_local() - timedelta(days=3))  # another body: not this one's
    nxt = make_meeting(
        "tvo",
        today_local() + timedelta(days=4),
        participants=[(member, "member"), (other, "guest")],
    )
    publish(nxt)
    verslag = next(i for i in nxt.agenda_items if i.standard_kind == "verslag")
    label = f"Verslag van het Tactisch Veiligheidsoverleg van {nl_date(previous.starts_at)}"
    html = _page(app, SEC, f"/overleggen/{nxt.id}/agenda")
    row = _item_html(html, verslag)
    assert f'<a class="utrecht-link" href="/overleggen/{previous.id}/verslag">{label}</a>' in row
    assert "(ter vaststelling)" in row
    assert f"/overleggen/{earlier.id}/verslag" not in row
    assert f"/overleggen/{skipped.id}/verslag" not in row
    # a participant of that meeting follows the link; one who was not there sees the name only
    assert f'href="/overleggen/{previous.id}/verslag">{label}' in _page(
        app, MEMBER, f"/overleggen/{nxt.id}/agenda"
    )
    html = _page(app, "wijkagent@example.org", f"/overleggen/{nxt.id}/agenda")
    assert label in html and f"/overleggen/{previous.id}/verslag" not in html
    # the agenda PDF names them too
    pdf = demo_client(app, SEC).get(f"/overleggen/{nxt.id}/agenda.pdf")
    assert pdf.status_code == 200
    assert label.replace(" ", "") in "".join(pdf_text(pdf.data)).replace(" ", "").replace("\n", "")


def test_without_an_earlier_meeting_the_verslag_item_says_nothing_more(app):
    m = make_meeting("driehoek", today_local() + timedelta(days=4))
    verslag = next(i for i in m.agenda_items if i.standard_kind == "verslag")
    assert "Verslag van het" not in _item_html(
        _page(app, SEC, f"/overleggen/{m.id}/agenda"), verslag
    )


# --- the change mail --------------------------------------------------------------------------


def _changed_world():
    member, guest = person(MEMBER), person(GUEST)
    tvo = make_meeting(
        "tvo",
        today_local() + timedelta(days=5),
        participants=[(member, "member"), (guest, "guest")],
    )
    gone = add_item(tvo, title="Vervallen punt", purpose="informatie", duration_minutes=5)
    first = add_item(tvo, title="Eerste punt", purpose="informatie", duration_minutes=5)
    second = add_item(tvo, title="Tweede punt", purpose="informatie", duration_minutes=5)
    guest_item = add_item(tvo, title="Punt voor de gast", purpose="informatie", duration_minutes=5)
    set_item_access(guest_item, "gast", {guest.id})
    db.session.commit()
    publish_agenda(tvo)
    db.session.commit()
    casus = create_topic(
        title="Casus Mailgeheim", meeting_type=meeting_type("tvo"), confidentiality="casus"
    )
    added = add_item(tvo, title="Nieuw open punt", purpose="bespreking", duration_minutes=5)
    added_casus = add_item(tvo, title="", topic=casus)
    move_item(second, "up")  # Tweede punt before Eerste punt
    remove_item(gone)
    db.session.commit()
    return tvo, {"added": added, "casus": added_casus, "first": first, "second": second}, casus


def _number(meeting: Meeting, item) -> int:
    items = [i for i in sorted(meeting.agenda_items, key=lambda i: i.position) if i.on_agenda]
    return items.index(item) + 1


def test_agenda_changes_compares_with_the_snapshot(app):
    tvo, items, _casus = _changed_world()
    changes = agenda_changes(tvo)
    assert changes.known
    assert [i.title for _, i in changes.added] == ["Nieuw open punt", items["casus"].title]
    # only the item whose place among the others changed counts as moved
    assert [(i.title) for _, _, i in changes.moved] in (["Tweede punt"], ["Eerste punt"])
    assert [e["title"] for _, e in changes.removed] == ["Vervallen punt"]


def test_change_mail_lists_what_changed_per_recipient(app):
    tvo, items, casus = _changed_world()
    c = demo_client(app, SEC)
    # the secretary sees beforehand what the message will name
    html = htmllib.unescape(get_page(c, f"/overleggen/{tvo.id}/agenda"))
    assert f"Toegevoegd: punt {_number(tvo, items['added'])}, Nieuw open punt" in html
    r = c.post(f"/overleggen/{tvo.id}/agenda/wijziging-melden")
    assert r.status_code == 302
    mails = {
        m.recipient: m.body_text
        for m in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.meeting_id == tvo.id, OutboxMessage.reason == "agenda_changed"
            )
        )
    }
    member_mail = mails[MEMBER]
    assert "Gewijzigd sinds het vorige bericht over de agenda:" in member_mail
    assert f"- Toegevoegd: punt {_number(tvo, items['added'])}, Nieuw open punt" in member_mail
    assert f"- Toegevoegd: punt {_number(tvo, items['casus'])}, {casus.reference}" in member_mail
    assert "Casus Mailgeheim" not in member_mail  # casus by its reference only, even entitled
    assert re.search(r"- Verplaatst: (Tweede|Eerste) punt, nu punt \d \(was punt \d\)", member_mail)
    assert re.search(r"- Vervallen: Vervallen punt \(was punt \d\)", member_mail)
    # the guest invited for one item: the open items they do not read are not named
    guest_mail = mails[GUEST]
    assert "is gewijzigd na publicatie" in guest_mail
    for text in ("Nieuw open punt", "Tweede punt", "Eerste punt", "Vervallen punt"):
        assert text not in guest_mail
    assert "Casus Mailgeheim" not in guest_mail
    assert f"Toegevoegd: punt {_number(tvo, items['casus'])}, {casus.reference}" in guest_mail
    # the next report compares with what was told now
    db.session.expire_all()
    meeting = db.session.get(Meeting, tvo.id)
    assert agenda_changes(meeting).empty


def test_change_mail_names_a_besloten_item_by_reference(app):
    member, other = person(MEMBER), person("btchef@example.org")
    tvo = make_meeting(
        "tvo",
        today_local() + timedelta(days=5),
        participants=[(member, "member"), (other, "member")],
    )
    publish_agenda(tvo)
    db.session.commit()
    casus = create_topic(
        title="Besloten Casus", meeting_type=meeting_type("tvo"), confidentiality="casus"
    )
    item = add_item(tvo, title="", topic=casus)
    set_besloten(item, True, {member.id})
    db.session.commit()
    assert (
        demo_client(app, SEC).post(f"/overleggen/{tvo.id}/agenda/wijziging-melden").status_code
        == 302
    )
    bodies = [
        m.body_text
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.reason == "agenda_changed")
        )
    ]
    assert len(bodies) == 2
    assert all(casus.reference in b and "Besloten Casus" not in b for b in bodies)


# --- Agenderen op -------------------------------------------------------------------------------


def _options(html: str) -> list[int]:
    select_html = html.split('name="meeting"')[1].split("</select>")[0]
    return [int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', select_html)]


def test_agenderen_op_offers_only_meetings_of_the_chosen_body(app):
    tvo = make_meeting("tvo", today_local() + timedelta(days=2))
    topic = create_topic(title="Ondermijning", meeting_type=meeting_type("tvo"))
    item = add_item(tvo, title="", topic=topic)
    db.session.commit()
    driehoek = make_meeting("driehoek", today_local() + timedelta(days=9))
    po = make_meeting("po", today_local() + timedelta(days=10))
    c = demo_client(app, SEC)
    url = f"/agendapunten/{item.id}/opschalen"
    # two paths and none chosen: no meeting to pick yet, a link per body
    html = htmllib.unescape(get_page(c, url))
    assert _options(html) == [0]
    dri, po_type = meeting_type("driehoek"), meeting_type("po")
    assert f'href="{url}?naar={dri.id}">Opschalen: Driehoeksoverleg</a>' in html
    assert f'href="{url}?naar={po_type.id}">Opschalen: Politie Overleg</a>' in html
    # the Driehoek chosen: its meetings only
    html = htmllib.unescape(get_page(c, f"{url}?naar={dri.id}"))
    assert driehoek.id in _options(html) and po.id not in _options(html)
    assert f'name="to_type" value="{dri.id}"' in html
    assert "Naar overleg: <strong>Opschalen: Driehoeksoverleg</strong>" in html
    html = htmllib.unescape(get_page(c, f"{url}?naar={po_type.id}"))
    assert po.id in _options(html) and driehoek.id not in _options(html)
    # and the choice goes through
    r = c.post(
        url,
        data={
            "to_type": str(dri.id),
            "question": "Mandaat?",
            "reason": "Ernst",
            "meeting": str(driehoek.id),
        },
    )
    assert r.status_code == 302
    esc = db.session.scalar(select(Escalation))
    assert esc.target_item.meeting_id == driehoek.id


def test_agenderen_op_with_one_path_lists_that_bodys_meetings(app):
    ovo = make_meeting("ovo", today_local() + timedelta(days=2))
    topic = create_topic(title="Jeugdoverlast", meeting_type=meeting_type("ovo"))
    item = add_item(ovo, title="", topic=topic)
    db.session.commit()
    tvo = make_meeting("tvo", today_local() + timedelta(days=9))
    driehoek = make_meeting("driehoek", today_local() + timedelta(days=9))
    html = get_page(demo_client(app, SEC), f"/agendapunten/{item.id}/opschalen")
    assert tvo.id in _options(html) and driehoek.id not in _options(html)
    assert "?naar=" not in html  # nothing to choose between


# --- the smaller points -------------------------------------------------------------------------


def test_minutes_index_has_a_space_before_zie_ook(app):
    html = _page(app, SEC, "/verslagen")
    assert "Zie ook" in html
    assert not re.search(r"\.Zie ook", html)
    assert re.search(r"Veiligheidsoverleg</a>\. Zie ook", html)


def test_minutes_ter_vaststelling_show_one_status(app):
    member = person(MEMBER)
    held = make_meeting("tvo", today_local() - timedelta(days=7), participants=[(member, "member")])
    send_for_approval(ensure_minutes(held))
    db.session.commit()
    html = _page(app, MEMBER, f"/overleggen/{held.id}/verslag")
    assert "Ter vaststelling" in html
    assert "CONCEPT" not in html
    assert 'class="minutes-read"' in html
    css = Path("static/css/overleg.css").read_text(encoding="utf-8")
    for rule in (
        ".minutes-read .minutes-item",
        ".minutes-read .item-text",
        ".minutes-read .facts th",
    ):
        assert rule in css


def test_agenda_pdf_keeps_definitieve_agenda_on_one_line(app):
    m = make_meeting("tvo", today_local() + timedelta(days=3))
    publish_agenda(m)
    db.session.commit()
    r = demo_client(app, SEC).get(f"/overleggen/{m.id}/agenda.pdf")
    assert r.status_code == 200
    lines = [line.strip() for page in pdf_text(r.data) for line in page.splitlines()]
    assert any("Definitieve agenda" in line for line in lines), lines[:30]


def test_change_mail_of_an_agenda_published_without_snapshot_says_only_that_it_changed(app):
    member = person(MEMBER)
    tvo = publish(
        make_meeting("tvo", today_local() + timedelta(days=5), participants=[(member, "member")])
    )
    assert tvo.agenda_snapshot is None  # published before snapshots were kept
    add_item(tvo, title="Later toegevoegd", purpose="informatie", duration_minutes=5)
    db.session.commit()
    assert not agenda_changes(tvo).known
    assert (
        demo_client(app, SEC).post(f"/overleggen/{tvo.id}/agenda/wijziging-melden").status_code
        == 302
    )
    body = db.session.scalar(
        select(OutboxMessage.body_text).where(OutboxMessage.reason == "agenda_changed")
    )
    assert "is gewijzigd na publicatie" in body
    assert "Gewijzigd sinds" not in body and "Later toegevoegd" not in body
    db.session.expire_all()
    assert db.session.get(Meeting, tvo.id).agenda_snapshot  # the next report compares with it
