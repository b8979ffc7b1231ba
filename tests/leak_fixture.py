"""One fixture with every kind of agenda item, each carrying its own canary strings, for the
leak matrix (tests/test_leak_matrix.py) and the read-policy tests.

Canaries are lower-case tokens ``zz<item><field>zz`` (items: std, opn, cas, bes, bcs, gst, esc,
dri, unp; fields: tit, dsc, qst, nts, dec, act, doc; and msr, a measure of the plan van aanpak
of the item's topic, for the items with a topic of their own), so they survive PDF text
extraction once whitespace is removed.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import time, timedelta

import time_machine

from overleg.domain import aanpak as daanpak
from overleg.domain import actions as dact
from overleg.domain import decisions as ddec
from overleg.domain import minutes as dmin
from overleg.domain.agenda import add_item, publish_agenda, set_besloten, set_item_access
from overleg.domain.documents import add_document
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import MeetingSeries, Organisation
from overleg.timeutil import to_local, today_local
from tests.conftest import make_person
from tests.doc_samples import make_pdf
from tests.factories import make_meeting, meeting_type, publish

FIELDS = ("tit", "dsc", "qst", "nts", "dec", "act", "doc")
# Items of meetings without minutes render no notes, decisions or actions.
AGENDA_FIELDS = ("tit", "dsc", "qst", "doc")
# Items whose topic has a plan van aanpak (its measure's title and progress note carry the
# canary "msr"); std has no topic, bcs shares the topic of cas.
PLAN_ITEMS = ("opn", "cas", "bes", "gst", "esc", "dri", "unp")


def canary(item: str, fld: str) -> str:
    return f"zz{item}{fld}zz"


def canaries(*items: str) -> set[str]:
    out = set()
    for code in items:
        fields = AGENDA_FIELDS if code == "unp" else FIELDS
        out |= {canary(code, f) for f in fields}
        if code in PLAN_ITEMS:
            out.add(canary(code, "msr"))
    return out


ALL_ITEMS = ("std", "opn", "cas", "bes", "bcs", "gst", "esc", "dri", "unp")
ALL = canaries(*ALL_ITEMS)
TOKEN = re.compile(r"zz[a-z]{6}zz")


def found(text: str) -> set[str]:
    """The canaries in a text (whitespace and soft hyphens removed: PDFs break lines)."""
    flat = re.sub(r"[\s\u00ad]+", "", text).lower()
    return {c for c in ALL if c in flat}


def response_text(resp) -> str:
    data = resp.get_data()
    if resp.mimetype == "application/pdf" or data.startswith(b"%PDF-"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


@dataclass
class World:
    people: dict = field(default_factory=dict)
    meetings: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    docs: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)


def _doc(item, code: str, by) -> None:
    add_document(item, f"stuk-{code}.pdf", make_pdf([canary(code, "doc")]), by, mark_changed=False)


def _topic_item(meeting, code: str, confidentiality: str, by, **extra):
    topic = create_topic(
        title=canary(code, "tit"),
        meeting_type=meeting.meeting_type,
        confidentiality=confidentiality,
        description=canary(code, "dsc"),
        year=2026,
    )
    item = add_item(meeting, title="", topic=topic, duration_minutes=5)
    db.session.flush()
    item.question = canary(code, "qst")
    for key, value in extra.items():
        setattr(item, key, value)
    return topic, item


def build_world() -> World:
    """Meetings: H (TVO, held, agenda published, minutes approved at N), N (TVO, next,
    published: its actielijst carries H's actions), U (TVO, agenda still being prepared),
    D (Driehoek, held, minutes sent)."""
    w = World()
    mk = make_person
    w.people = {
        "secretaris": mk("sec@leak.example.org", "secretaris", "Sanne Secretaris"),
        "beheerder": mk("beh@leak.example.org", "beheerder", "Bert Beheerder"),
        "participant": mk("deelnemer@leak.example.org", name="Piet Deelnemer"),
        "besloten": mk("besloten@leak.example.org", name="Bea Besloten"),
        "named_guest": mk("gast@leak.example.org", name="Gerda Gast"),
        "plain_guest": mk("gast2@leak.example.org", name="Gijs Gast"),
        "other_body": mk("driehoek@leak.example.org", name="Dora Driehoek"),
        "owner": mk("eigenaar@leak.example.org", name="Otto Eigenaar"),
    }
    p = w.people
    sec = p["secretaris"]
    today = today_local()
    held = make_meeting(
        "tvo",
        today - timedelta(days=14),
        time(10, 0),
        participants=[
            (p["participant"], "member"),
            (p["besloten"], "member"),
            (p["named_guest"], "guest"),
            (p["plain_guest"], "guest"),
        ],
    )
    nxt = make_meeting(
        "tvo",
        today + timedelta(days=14),
        time(10, 0),
        participants=[(p["participant"], "member"), (p["besloten"], "member")],
    )
    unpublished = make_meeting(
        "tvo",
        today + timedelta(days=42),
        time(10, 0),
        participants=[(p["participant"], "member"), (p["besloten"], "member")],
    )
    driehoek = make_meeting(
        "driehoek",
        today - timedelta(days=10),
        time(14, 0),
        participants=[(p["other_body"], "member")],
    )
    w.meetings = {"held": held, "next": nxt, "unpublished": unpublished, "driehoek": driehoek}

    # H: every kind of item
    std = next(i for i in held.agenda_items if i.standard_kind == "mededelingen")
    std.title = canary("std", "tit")
    std.description = canary("std", "dsc")
    std.question = canary("std", "qst")
    w.items["std"] = std
    for code, conf, extra in (
        ("opn", "vertrouwelijk", {}),
        ("cas", "casus", {}),
        ("bes", "casus", {}),
        ("gst", "casus", {}),
        ("esc", "vertrouwelijk", {"origin_label": "Opgeschaald door het OVO"}),
    ):
        w.topics[code], w.items[code] = _topic_item(held, code, conf, sec, **extra)
    # bcs: a besloten item on the same casus as the open item cas, in the same meeting; who
    # reads cas in full is not entitled to it by that casus (named participants only)
    bcs = add_item(held, title=canary("bcs", "tit"), topic=w.topics["cas"], duration_minutes=5)
    bcs.description = canary("bcs", "dsc")
    bcs.question = canary("bcs", "qst")
    w.items["bcs"] = bcs
    w.topics["dri"], w.items["dri"] = _topic_item(driehoek, "dri", "casus", sec)
    w.topics["unp"], w.items["unp"] = _topic_item(unpublished, "unp", "vertrouwelijk", sec)
    db.session.flush()
    set_besloten(w.items["bes"], True, {p["besloten"].id})
    set_besloten(w.items["bcs"], True, {p["besloten"].id})
    set_item_access(w.items["gst"], "gast", {p["named_guest"].id})
    for code, item in w.items.items():
        _doc(item, code, sec)
    # A plan van aanpak on every topic: one measure of the police, with a progress note; the
    # plans of opn and cas adopted (their frozen version carries the canary too). People of
    # the police: the participant, the owner, the plain guest and the Driehoek member.
    politie = db.session.query(Organisation).filter_by(short_name="Politie").one()
    for who in ("participant", "owner", "plain_guest", "other_body"):
        p[who].organisation = politie
    for code in PLAN_ITEMS:
        topic = w.topics[code]
        measure = daanpak.add_measure(
            topic, daanpak.MeasureData(title=canary(code, "msr"), organisation=politie), by=sec
        )
        daanpak.add_note(
            measure, noted_on=today, text=f"Voortgang {canary(code, 'msr')}", today=today
        )
        if code in ("opn", "cas"):
            version = daanpak.concept_for_change(topic, sec)
            version.status = "vastgesteld"
            version.adopted_at = held.starts_at
            version.snapshot_json = json.dumps(daanpak.snapshot([measure]))
    publish(held, commit=False)
    publish(driehoek, commit=False)
    db.session.flush()

    # Minutes of H and D: notes, a decision and an action on every item
    for meeting in (held, driehoek):
        minutes = dmin.ensure_minutes(meeting, sec)
        for code, item in w.items.items():
            if item.meeting_id != meeting.id:
                continue
            item.notes = canary(code, "nts")
            ddec.add_decision(meeting, item, canary(code, "dec"), by=sec)
            owner = p["owner"] if code == "cas" else p["participant"]
            if meeting is driehoek:
                owner = p["other_body"]
            w.actions[code] = dact.add_action(
                meeting, item, canary(code, "act"), owner_person=owner, by=sec
            )
        dmin.touch(minutes, sec)
        dmin.send_for_approval(minutes, sec)
    db.session.flush()
    publish_agenda(nxt)
    # Minutes are approved at a meeting that has begun: approve H's at N's start (the clock
    # moved there and back), so that N keeps its place as the next meeting.
    with time_machine.travel(to_local(nxt.starts_at) + timedelta(minutes=5), tick=False):
        dmin.approve(dmin.get_minutes(held), nxt, sec)
    db.session.add(
        MeetingSeries(
            meeting_type=meeting_type("tvo"),
            frequency="weekly",
            interval=4,
            first_date=today + timedelta(days=70),
            start_time="10:00",
            duration_minutes=90,
            occurrences=2,
        )
    )
    db.session.commit()
    return w
