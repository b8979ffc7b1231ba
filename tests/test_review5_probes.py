"""Review probes (attacker's eye) for the approved-minutes download (`minutes.stored_variant`,
`minutes.frozen_snapshot`), the statements kept per reader (`kept.statement`) and the
registers' plain rows. Every "not shown" has an entitled reader who is shown it, and a status."""

from __future__ import annotations

import json

from sqlalchemy import select

from overleg.domain import kept, policy
from overleg.domain import minutes as dm
from overleg.extensions import db
from overleg.models import (
    AgendaItem,
    AgendaItemAccess,
    MinutesVersion,
    Participant,
    Topic,
)
from tests.conftest import login, make_person
from tests.factories import make_decision, meeting_type
from tests.minutes_support import CASE, casus_minutes, minutes_of, past_meeting, pdf_text

SECRET = "Huisverbod Gezin Bakker verlengd"


def _download(app, person, meeting_id) -> tuple[int, str]:
    c = app.test_client()
    assert login(c, person.email).status_code == 302
    resp = c.get(f"/overleggen/{meeting_id}/verslag.pdf")
    text = " ".join(pdf_text(resp.data)).replace("\n", " ") if resp.status_code == 200 else ""
    return resp.status_code, text


def _approve(as_role, first, second) -> MinutesVersion:
    secretary = as_role("secretaris")
    assert secretary.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(first)
    assert secretary.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    return db.session.scalar(select(MinutesVersion).where(MinutesVersion.minutes_id == m.id))


# --- 1. a casus decision without item, in minutes without casus items ---------------------


def test_casus_decision_without_item_not_in_plain_minutes_pdf(seeded, people, as_role, app):
    """Minutes with only an open item, and a decision without item whose topic is a casus
    (its item was deleted: agenda_item_id SET NULL, topic kept). The read policy denies its
    text to a member not entitled to the casus (decision_readable_ids); the approved PDF
    must not show it to them. The secretary (staff) reads it (positive control)."""
    outsider, sec = people["deelnemer"], people["secretaris"]
    parts = [(outsider, "member"), (sec, "secretary")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    casus = Topic(
        reference="TVO-2019-031",
        title=CASE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
    )
    open_topic = Topic(
        reference="TVO-2019-032",
        title="Kermis Hoogezand",
        meeting_type=meeting_type("tvo"),
        confidentiality="intern",
    )
    item = AgendaItem(
        meeting=first,
        position=3,
        kind="topic",
        title="Kermis Hoogezand",
        topic=open_topic,
        purpose="bespreking",
        notes="Notities Kermis Hoogezand.",
    )
    db.session.add_all([casus, open_topic, item])
    db.session.flush()
    d = make_decision(first, None, text=SECRET)
    d.topic = casus  # its item gone (SET NULL), its casus topic kept
    db.session.commit()
    # the policy: the member may not read it, the secretary may
    facts = [policy.DecisionFacts(d.id, None, casus.id, True)]
    assert policy.decision_readable_ids(outsider, facts) == set()
    assert policy.decision_readable_ids(sec, facts) == {d.id}

    version = _approve(as_role, first, second)
    snap = version.snapshot
    assert not dm.has_restricted(snap)  # no references-only PDF is stored for it
    assert dm.stored_variant(outsider, snap) is None  # rendered for them, not the full one

    status, text = _download(app, sec, first.id)
    assert status == 200 and "Huisverbod Gezin" in text  # positive control
    status, text = _download(app, outsider, first.id)
    assert status == 200 and "Notities Kermis Hoogezand." in text
    assert "Huisverbod Gezin" not in text, "casus decision text served to a non-entitled member"


def test_casus_decision_without_item_not_in_register_for_outsider(seeded, people, as_role, app):
    """Control for the probe above: the decision register (policy-built) withholds it."""
    outsider, sec = people["deelnemer"], people["secretaris"]
    parts = [(outsider, "member"), (sec, "secretary")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    casus = Topic(
        reference="TVO-2019-031",
        title=CASE,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
    )
    db.session.add(casus)
    db.session.flush()
    d = make_decision(first, None, text=SECRET)
    d.topic = casus
    db.session.commit()
    _approve(as_role, first, second)
    c = app.test_client()
    login(c, sec.email)
    path = "/besluiten/tvo"
    resp = c.get(path)
    assert resp.status_code == 200 and SECRET in resp.get_data(as_text=True)
    assert CASE in resp.get_data(as_text=True)  # the casus topic's title, for staff
    c2 = app.test_client()
    login(c2, outsider.email)
    resp = c2.get(path)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert d.code in html and SECRET not in html and CASE not in html
    assert "TVO-2019-031" in html  # its reference only


# --- 1b. the shared parsed snapshot is never changed by a download -------------------------


def test_frozen_snapshot_unchanged_by_downloads_of_every_reader(seeded, people, as_role, app):
    first, second, outsider, insider, sec, guest = casus_minutes(people)
    version = _approve(as_role, first, second)
    pristine = json.loads(version.snapshot_json)
    order = [guest, outsider, insider, sec, guest, outsider, guest]
    for person in order:
        status, text = _download(app, person, first.id)
        assert status == 200
        if person in (insider, sec):
            assert "Notities Gezin" in text and "Besluit over de casus Bakker" in text
        else:
            assert "Notities Gezin" not in text and "casus Bakker" not in text
        if person is guest:
            assert "Notities Kermis Hoogezand." in text and "Notities Overlast" not in text
        if person is outsider:
            assert "Notities Overlast Sappemeer." in text
        v = db.session.get(MinutesVersion, version.id)
        assert dm.frozen_snapshot(v) == pristine, person.email


def test_non_participant_and_removed_participant_get_no_approved_pdf(seeded, people, as_role, app):
    """A member not on the roster gets 404; an entitled member removed from the roster after
    their download (kept statement, prepared statements) gets 404 next time; put back, 200."""
    first, second, outsider, insider, sec, guest = casus_minutes(people)
    _approve(as_role, first, second)
    stranger = make_person("vreemde@test.example.org")
    assert _download(app, stranger, first.id)[0] == 404
    status, text = _download(app, insider, first.id)
    assert status == 200 and "Notities Gezin" in text
    part = db.session.scalar(
        select(Participant).where(
            Participant.meeting_id == first.id, Participant.person_id == insider.id
        )
    )
    db.session.delete(part)
    db.session.commit()
    assert _download(app, insider, first.id)[0] == 404
    db.session.add(Participant(meeting_id=first.id, person_id=insider.id, part="member"))
    db.session.commit()
    status, text = _download(app, insider, first.id)
    assert status == 200 and "Notities Gezin" in text


def test_demoted_secretary_gets_no_full_pdf_and_no_staff_statement(seeded, people, as_role, app):
    """A secretary (not on the roster) downloads the full PDF; demoted, the kept staff
    statement is not theirs any more: 404 (not a participant). Promoted again: full."""
    first, second, outsider, insider, sec, guest = casus_minutes(people)
    _approve(as_role, first, second)
    other_sec = make_person("sec2@test.example.org", "secretaris")
    status, text = _download(app, other_sec, first.id)
    assert status == 200 and "Notities Gezin" in text
    assert kept.reader(other_sec) == ("staff",)
    other_sec.app_role = "deelnemer"
    db.session.commit()
    assert kept.reader(other_sec) == ("person", other_sec.id)
    assert _download(app, other_sec, first.id)[0] == 404
    # demoted but on the roster as a plain member: references only
    db.session.add(Participant(meeting_id=first.id, person_id=other_sec.id, part="member"))
    db.session.commit()
    status, text = _download(app, other_sec, first.id)
    assert status == 200 and "Notities Gezin" not in text and "Notities Kermis" in text
    other_sec.app_role = "secretaris"
    db.session.commit()
    status, text = _download(app, other_sec, first.id)
    assert status == 200 and "Notities Gezin" in text


def test_kept_statements_differ_per_reader(seeded, people, app):
    a, b = people["deelnemer"], make_person("b@test.example.org")
    s1 = dm._approved_stmt(a)
    assert dm._approved_stmt(a) is s1
    assert dm._approved_stmt(b) is not s1
    assert dm._approved_stmt(people["secretaris"]) is dm._approved_stmt(people["beheerder"])
    a.active = False
    assert kept.reader(a) == ("none",)
    assert dm.approved_for_download(1, a) is None


# --- 1c. an action without item, for a guest invited for particular items ------------------


def test_action_without_item_not_in_pdf_of_named_guest(seeded, people, as_role, app):
    """The policy: an action without item follows its meeting, except for a guest invited
    for particular items (action_readable_ids). Minutes without casus or besloten items, a
    guest named for their one topic item: redacting withholds nothing but that action, as the
    references-only variant would; no such PDF is stored, so `stored_variant` says None and
    the PDF is rendered for the guest (it served the full one before)."""
    from tests.factories import make_action

    member, sec = people["deelnemer"], people["secretaris"]
    guest = make_person("gast@test.example.org", name="Gerda Gast")
    parts = [(member, "member"), (sec, "secretary"), (guest, "guest")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    topic = Topic(
        reference="TVO-2019-041",
        title="Kermis Hoogezand",
        meeting_type=meeting_type("tvo"),
        confidentiality="intern",
    )
    item = AgendaItem(
        meeting=first,
        position=3,
        kind="topic",
        title="Kermis Hoogezand",
        topic=topic,
        purpose="bespreking",
        notes="Notities Kermis Hoogezand.",
    )
    db.session.add_all([topic, item])
    db.session.flush()
    db.session.add(AgendaItemAccess(agenda_item_id=item.id, person_id=guest.id, kind="gast"))
    action = make_action(first, None)
    action.what = "Sleutels wijkpost ophalen bij beheerder"
    db.session.commit()
    version = _approve(as_role, first, second)
    snap = version.snapshot
    # the cause: the reader's view is "references only", which for these minutes is not stored
    assert not dm.has_restricted(snap)
    assert dm.stored_variant(guest, snap) is None  # rendered for them
    assert dm.redact_for(guest, snap)[0]["actions"][0]["what"] is None
    facts = [policy.ActionFacts(action.id, first.id, None)]
    assert policy.action_readable_ids(member, facts) == {action.id}
    assert policy.action_readable_ids(guest, facts) == set()

    # positive control: the secretary's PDF holds it. (The member's holds it not: `redact`
    # withholds every entry without item from participants, stricter than the policy; see
    # the session note.)
    status, text = _download(app, sec, first.id)
    assert status == 200 and "Sleutels wijkpost" in text
    status, text = _download(app, guest, first.id)
    assert status == 200 and "Notities Kermis Hoogezand." in text
    assert "Sleutels wijkpost" not in text, "action text served to a named guest"


# --- 4. the action register's plain rows, page after page, one reader after another ---------


def _next_link(html: str) -> str | None:
    import html as h
    import re

    m = re.search(r'rel="next" href="([^"]+)"', html)
    return h.unescape(m.group(1)) if m else None


def test_action_register_second_page_per_reader(seeded, people, as_role, app):
    """55 actions on an open item and, last (page 2), one on the besloten casus item. The
    member named on the casus reads its text on page 2; the member not named sees its
    reference only, on the same page reached by their own cursor; asked in turns so the kept
    keyset statements (first page, next page) serve both. Also searched by its text."""
    from tests.factories import make_action

    first, second, outsider, insider, sec, guest = casus_minutes(people)
    items = {i.title: i for i in first.agenda_items}
    for n in range(55):
        a = make_action(first, items["Kermis Hoogezand"])
        a.what = f"Kermisactie {n:02d}"
    secret = make_action(first, items[CASE])
    secret.what = "Jeugdzorg inschakelen voor de kinderen Bakker"
    db.session.commit()
    _approve(as_role, first, second)

    def pages(person) -> tuple[str, str]:
        c = app.test_client()
        assert login(c, person.email).status_code == 302
        one = c.get("/actiepunten/tvo")
        assert one.status_code == 200
        link = _next_link(one.get_data(as_text=True))
        assert link, "no next page"
        two = c.get(link)
        assert two.status_code == 200
        return one.get_data(as_text=True), two.get_data(as_text=True)

    def search(person) -> str:
        c = app.test_client()
        login(c, person.email)
        resp = c.get("/actiepunten/tvo?tekst=Jeugdzorg")
        assert resp.status_code == 200
        return resp.get_data(as_text=True)

    for person in (outsider, insider, outsider, sec, guest, insider, outsider):
        one, two = pages(person)
        entitled = person in (insider, sec)
        assert "Kermisactie 00" in one or "Kermisactie 00" in two
        if entitled:
            assert "Jeugdzorg inschakelen" in two, person.email
        else:
            assert "Jeugdzorg" not in one + two, person.email
            if person is outsider:
                assert "TVO-2019-020: inhoud alleen zichtbaar" in two
        found = search(person)
        assert ("Jeugdzorg inschakelen" in found) == entitled, person.email
