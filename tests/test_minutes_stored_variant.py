"""Which stored PDF of approved minutes a reader is served (`minutes.stored_variant`): decided
from the read policy's entitlement without redacting a copy, it must say what redacting the
snapshot for that reader and comparing says (the full PDF when nothing is withheld, the
references-only one when exactly that is withheld, else a PDF rendered for them). Decisions
and actions without an agenda item follow the read policy (`decision_readable_ids`,
`action_readable_ids`); in a version frozen before the snapshot kept their own topic, staff
only. The download of approved minutes (`minutes.approved_for_download`, the parsed snapshot
shared between downloads, the statement kept per reader). Every "not shown" has an entitled
reader who is shown it, and a status."""

from __future__ import annotations

import copy
import json
import random
from collections import Counter

import pytest
from sqlalchemy import select

from overleg.domain import kept, policy
from overleg.domain import minutes as dm
from overleg.extensions import db
from overleg.models import (
    AgendaItem,
    AgendaItemAccess,
    Meeting,
    Minutes,
    MinutesVersion,
    Participant,
    Person,
    Topic,
)
from tests.conftest import get_page, login, make_person
from tests.factories import make_action, make_decision, meeting_type
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


def _legacy(snap: dict) -> dict:
    """The snapshot as a version frozen before item-less decisions kept their own topic."""
    old = copy.deepcopy(snap)
    old["schema"] = 1
    for d in old["decisions"]:
        if d["item_id"] is None:
            d.update(topic_id=None, reference=None, casus=False)
    return old


def _by_redacting(person, snap: dict) -> str | None:
    """The old way: redact for the reader, compare with the snapshot and the stored variant."""
    mine, withheld = dm.redact_for(person, snap)
    if not withheld:
        return dm.STORED_FULL
    return dm.STORED_REDACTED if mine == dm.restricted_redaction(snap) else None


def test_stored_variant_is_what_redacting_says_for_every_reader_of_the_demo(app, demo):
    rows = db.session.execute(
        select(MinutesVersion, Minutes.meeting_id).join(
            Minutes, Minutes.id == MinutesVersion.minutes_id
        )
    ).all()
    assert rows
    everyone = db.session.scalars(select(Person).order_by(Person.id)).all()
    seen: Counter = Counter()
    for version, meeting_id in rows:
        snap = version.snapshot
        meeting = db.session.get(Meeting, meeting_id)
        readers = {p.person for p in meeting.participants if p.person is not None}
        readers |= {p for p in everyone if p.is_secretary}
        readers |= set(everyone[:3])  # people who need not take part in this meeting
        for person in sorted(readers, key=lambda p: p.id):
            expected = _by_redacting(person, snap)
            assert dm.stored_variant(person, snap) == expected, (version.id, person.email)
            seen[expected] += 1
            old = _legacy(snap)  # as a version frozen before this schema reads
            assert dm.stored_variant(person, old) == _by_redacting(person, old), version.id
    assert seen[dm.STORED_FULL] > len(rows), seen  # participants among them, not only staff


def test_each_reader_of_approved_minutes_with_a_casus_gets_their_variant(
    seeded, people, as_role, app
):
    """Approved minutes with a closed casus and two open topics: the secretary and the member
    named on the casus get the full PDF, a member not named the references-only one, a guest
    invited for one open topic neither (rendered for them); each as redacting says, and the
    download shows each of them what that variant holds."""
    first, second, outsider, insider, sec, guest = casus_minutes(people)
    secretary = as_role("secretaris")
    assert secretary.post(f"/overleggen/{first.id}/verslag/ter-vaststelling").status_code == 302
    m = minutes_of(first)
    assert secretary.post(f"/overleggen/{second.id}/verslag/vaststellen/{m.id}").status_code == 302
    version = db.session.scalar(select(MinutesVersion).where(MinutesVersion.minutes_id == m.id))
    snap = version.snapshot
    expected = {
        sec: dm.STORED_FULL,
        insider: dm.STORED_FULL,
        outsider: dm.STORED_REDACTED,
        guest: None,
    }
    for person, variant in expected.items():
        assert _by_redacting(person, snap) == variant, person.email
        assert dm.stored_variant(person, snap) == variant, person.email

    def download(person) -> str:
        c = app.test_client()
        login(c, person.email)
        resp = c.get(f"/overleggen/{first.id}/verslag.pdf")
        assert resp.status_code == 200
        return " ".join(pdf_text(resp.data)).replace("\n", " ")

    assert "Notities Gezin" in download(insider)
    out = download(outsider)
    assert "Notities Gezin" not in out and "Notities Kermis Hoogezand." in out
    mine = download(guest)
    assert "Notities Kermis Hoogezand." in mine
    assert "Notities Gezin" not in mine and "Notities Overlast" not in mine


def _with_loose(snap: dict, casus: bool) -> dict:
    """The snapshot with a decision and an action without an agenda item added (the demo's
    minutes have none)."""
    snap = copy.deepcopy(snap)
    top = max([e["id"] for e in snap["decisions"] + snap["actions"]] + [0]) + 1000
    snap["decisions"].append(
        {
            "id": top,
            "code": "TVO-2019-99",
            "text": "Besluit zonder agendapunt",
            "item_id": None,
            "item_number": None,
            "topic_id": 1 if casus else None,
            "reference": "TVO-2019-001" if casus else None,
            "casus": casus,
            "besloten": False,
        }
    )
    snap["actions"].append(
        {"id": top + 1, "item_id": None, "meeting_id": snap["meeting_id"], "what": "Losse actie"}
        | {"casus": False, "besloten": False}
    )
    return snap


def test_two_redactions_are_equal_exactly_when_they_withhold_the_same(app, demo):
    """The rule `stored_variant` rests on, over random entitlements: `redact` gives equal
    snapshots exactly when `_withheld` names the same items, decisions and actions, and the
    snapshot itself exactly when it names nothing; also with decisions and actions without
    an item, in a snapshot that keeps their own topic and in an older one."""
    rng = random.Random(12)
    snaps = [
        v.snapshot for v in db.session.scalars(select(MinutesVersion).order_by(MinutesVersion.id))
    ]
    snaps = [s for s in snaps if s["decisions"] or s["carried_actions"]]
    assert snaps
    snaps = snaps[:8] + [_with_loose(s, casus=n % 2 == 0) for n, s in enumerate(snaps[:6])]
    snaps += [_legacy(s) for s in snaps[-2:]]
    equal_pairs = unequal_pairs = untouched = 0
    for snap in snaps:
        items = [e["id"] for e in snap["items"]]
        carried = [a["id"] for a in snap["carried_actions"]]
        loose_d = [d["id"] for d in snap["decisions"] if d["item_id"] is None]
        loose_a = [a["id"] for a in snap["actions"] if a["item_id"] is None]

        def pick(ids, p):
            return {i for i in ids if rng.random() < p}

        variants = [(set(items), set(carried), set(loose_d), set(loose_a))]
        variants.append(dm._restricted_sets(snap))
        variants += [
            (pick(items, p), pick(carried, p), pick(loose_d, p), pick(loose_a, p))
            for p in (0.3, 0.7, 0.9, 1.0, 1.0)
        ]
        redacted = [dm.redact(snap, *v) for v in variants]
        withheld = [dm._withheld(snap, *v) for v in variants]
        for i, red in enumerate(redacted):
            assert (red == snap) == (not any(withheld[i]))
            untouched += red == snap
            for j in range(i + 1, len(variants)):
                same = red == redacted[j]
                assert same == (withheld[i] == withheld[j]), (variants[i], variants[j])
                equal_pairs += same
                unequal_pairs += not same
    assert equal_pairs and unequal_pairs and untouched


# --- decisions and actions without an agenda item -----------------------------------------


def _loose_world(people):
    """`casus_minutes` plus, without an item: a decision on the casus topic (its item's named
    member reads it), a decision without topic and an action (who reads the meeting's minutes
    reads them, except a guest invited for particular items)."""
    world = casus_minutes(people)
    first = world[0]
    casus = next(i.topic for i in first.agenda_items if i.title == CASE)
    loose = make_decision(first, None, text="Casusregie Bakker naar het Zorg- en Veiligheidshuis")
    loose.topic = casus
    make_decision(first, None, text="Vergaderrooster 2028 vastgesteld")
    action = make_action(first, None)
    action.what = "Presentielijst rondsturen"
    db.session.commit()
    return world


LOOSE_TEXTS = (
    "Casusregie Bakker",  # a casus decision without item: who reads the casus
    "Vergaderrooster 2028",  # a decision without item or topic: who reads the minutes
    "Presentielijst rondsturen",  # an action without item: likewise, but not a named guest
)


def test_entries_without_item_read_as_the_policy_says(seeded, people, as_role, app):
    """The snapshot keeps an item-less decision's own casus topic; each reader's PDF and page
    show the item-less decisions and actions the read policy gives them, and
    `stored_variant` agrees with redacting for each."""
    first, second, outsider, insider, sec, guest = _loose_world(people)
    version = _approve(as_role, first, second)
    snap = version.snapshot
    loose = [d for d in snap["decisions"] if d["item_id"] is None]
    casus = next(i.topic for i in first.agenda_items if i.title == CASE)
    assert [(d["topic_id"], d["reference"], d["casus"]) for d in loose] == [
        (casus.id, casus.reference, True),
        (None, None, False),
    ]
    assert dm.has_restricted(snap) and version.redacted_pdf_key is not None
    expected = {
        sec: (dm.STORED_FULL, set(LOOSE_TEXTS)),
        insider: (dm.STORED_FULL, set(LOOSE_TEXTS)),
        outsider: (dm.STORED_REDACTED, set(LOOSE_TEXTS[1:])),
        guest: (None, {LOOSE_TEXTS[1]}),
    }
    facts = [policy.DecisionFacts(d["id"], None, d["topic_id"], d["casus"]) for d in loose]
    action_facts = [policy.ActionFacts(a["id"], first.id, None) for a in snap["actions"]]
    for person, (variant, shown) in expected.items():
        ent = policy.minutes_entitlement(person, snap)
        if ent is not None:
            assert ent.decisions == policy.decision_readable_ids(person, facts)
            assert ent.actions == policy.action_readable_ids(person, action_facts)
        assert dm.stored_variant(person, snap) == _by_redacting(person, snap) == variant
        status, text = _download(app, person, first.id)
        assert status == 200 and "Notities Kermis Hoogezand." in text, person.email
        page = get_page(_client(app, person), f"/overleggen/{first.id}/verslag")
        for needle in LOOSE_TEXTS:
            assert (needle in text) == (needle in shown), (person.email, needle)
            assert (needle in page) == (needle in shown), (person.email, needle)
        if LOOSE_TEXTS[0] not in shown:  # withheld: by its casus's reference
            assert f"{casus.reference} — inhoud alleen voor bevoegden" in page, person.email


def _client(app, person):
    c = app.test_client()
    assert login(c, person.email).status_code == 302
    return c


def test_entries_without_item_of_an_older_version_for_staff_only(seeded, people, as_role, app):
    """A version frozen before the snapshot kept an item-less decision's own topic (schema
    1): its item-less decisions and actions are withheld from every participant, as they
    were, and shown to the secretary; `stored_variant` agrees with redacting."""
    first, second, outsider, insider, sec, guest = _loose_world(people)
    version = _approve(as_role, first, second)
    version.snapshot_json = json.dumps(_legacy(version.snapshot), ensure_ascii=False)
    for column in ("pdf_key", "pdf_sha256", "pdf_size", "redacted_pdf_key"):
        setattr(version, column, None)  # made again from this snapshot at the first download
    version.redacted_pdf_sha256 = None
    db.session.commit()
    snap = dm.frozen_snapshot(version)
    assert snap["schema"] == 1
    for person in (sec, insider, outsider, guest):
        assert dm.stored_variant(person, snap) == _by_redacting(person, snap), person.email
        status, text = _download(app, person, first.id)
        assert status == 200 and "Notities Kermis Hoogezand." in text, person.email
        for needle in LOOSE_TEXTS:
            assert (needle in text) == (person is sec), (person.email, needle)
    assert dm.stored_variant(insider, snap) is None  # their view is stored in neither PDF


# --- the review's probes (attacker's eye) ---------------------------------------------------


def _open_topic_item(meeting, reference: str) -> tuple[Topic, AgendaItem]:
    """An open (intern) TVO topic, "Kermis Hoogezand", and its item on ``meeting`` with
    notes; not yet added to the session."""
    topic = Topic(
        reference=reference,
        title="Kermis Hoogezand",
        meeting_type=meeting_type("tvo"),
        confidentiality="intern",
    )
    item = AgendaItem(
        meeting=meeting,
        position=3,
        kind="topic",
        title="Kermis Hoogezand",
        topic=topic,
        purpose="bespreking",
        notes="Notities Kermis Hoogezand.",
    )
    return topic, item


def test_casus_decision_without_item_not_in_plain_minutes_pdf(seeded, people, as_role, app):
    """Minutes with only an open item, and a decision without item whose topic is a casus
    (its item was deleted: agenda_item_id SET NULL, topic kept). The read policy denies its
    text to a member not entitled to the casus (decision_readable_ids); the approved PDF
    must not show it to them. The secretary (staff) reads it (positive control); the member
    reads a decision without item or topic beside it."""
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
    open_topic, item = _open_topic_item(first, "TVO-2019-032")
    db.session.add_all([casus, open_topic, item])
    db.session.flush()
    d = make_decision(first, None, text=SECRET)
    d.topic = casus  # its item gone (SET NULL), its casus topic kept
    make_decision(first, None, text="Vergaderrooster 2028 vastgesteld")
    db.session.commit()
    # the policy: the member may not read it, the secretary may
    facts = [policy.DecisionFacts(d.id, None, casus.id, True)]
    assert policy.decision_readable_ids(outsider, facts) == set()
    assert policy.decision_readable_ids(sec, facts) == {d.id}

    version = _approve(as_role, first, second)
    snap = version.snapshot
    # the snapshot keeps the decision's casus topic: a references-only PDF is stored, and
    # it is exactly the member's view
    assert dm.has_restricted(snap) and version.redacted_pdf_key is not None
    assert dm.stored_variant(outsider, snap) == dm.STORED_REDACTED
    assert dm.stored_variant(sec, snap) == dm.STORED_FULL

    status, text = _download(app, sec, first.id)
    assert status == 200 and "Huisverbod Gezin" in text  # positive control
    status, text = _download(app, outsider, first.id)
    assert status == 200 and "Notities Kermis Hoogezand." in text
    assert "Vergaderrooster 2028" in text  # an item-less decision they may read
    assert "Huisverbod Gezin" not in text, "casus decision text served to a non-entitled member"
    assert "TVO-2019-031" in text  # its reference only


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


def test_action_without_item_not_in_pdf_of_named_guest(seeded, people, as_role, app):
    """The policy: an action without item follows its meeting, except for a guest invited
    for particular items (action_readable_ids). Minutes without casus or besloten items, a
    guest named for their one topic item: redacting withholds nothing but that action; no
    references-only PDF is stored, so `stored_variant` says None and the PDF is rendered for
    the guest (it served the full one before). The member and the secretary read it."""
    member, sec = people["deelnemer"], people["secretaris"]
    guest = make_person("gast@test.example.org", name="Gerda Gast")
    parts = [(member, "member"), (sec, "secretary"), (guest, "guest")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    topic, item = _open_topic_item(first, "TVO-2019-041")
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
    assert dm.stored_variant(member, snap) == dm.STORED_FULL
    assert dm.redact_for(guest, snap)[0]["actions"][0]["what"] is None
    facts = [policy.ActionFacts(action.id, first.id, None)]
    assert policy.action_readable_ids(member, facts) == {action.id}
    assert policy.action_readable_ids(guest, facts) == set()

    for reader in (sec, member):  # positive controls
        status, text = _download(app, reader, first.id)
        assert status == 200 and "Sleutels wijkpost" in text, reader.email
    status, text = _download(app, guest, first.id)
    assert status == 200 and "Notities Kermis Hoogezand." in text
    assert "Sleutels wijkpost" not in text, "action text served to a named guest"


# --- the stored PDFs themselves ------------------------------------------------------------


def test_no_references_only_pdf_is_never_served_as_the_full_one(seeded, people, as_role, app):
    """Minutes without casus or besloten content store the full PDF only: asked for the
    references-only one, `stored_pdf` refuses rather than hand out the full one, also for a
    version frozen without PDFs (made at the first download). The download itself, which asks
    for that variant only when `has_restricted`, serves the full PDF to a member."""
    member, sec = people["deelnemer"], people["secretaris"]
    parts = [(member, "member"), (sec, "secretary")]
    first = past_meeting("tvo", 28, parts)
    second = past_meeting("tvo", 7, parts)
    make_decision(first, None, text="Vergaderrooster 2028 vastgesteld")
    db.session.commit()
    version = _approve(as_role, first, second)
    assert not dm.has_restricted(version.snapshot) and version.redacted_pdf_key is None
    with pytest.raises(RuntimeError, match="no stored references-only PDF"):
        dm.stored_pdf(version, redacted=True)
    data, sha = dm.stored_pdf(version, redacted=False)
    assert sha == version.pdf_sha256 and data.startswith(b"%PDF")

    for column in ("pdf_key", "pdf_sha256", "pdf_size"):
        setattr(version, column, None)  # as the bulk demo data freezes them
    db.session.commit()
    with pytest.raises(RuntimeError, match="no stored references-only PDF"):
        dm.stored_pdf(version, redacted=True)
    assert version.pdf_key is not None and version.redacted_pdf_key is None  # made, full only
    status, text = _download(app, member, first.id)
    assert status == 200 and "Vergaderrooster 2028" in text
