"""Property test of the read policy: random meetings, items, guests, besloten items and
confidentiality; for every person and item the policy's answer equals the short reference
implementation below, and the agenda page, the agenda PDF and the stukken page agree with it."""

from __future__ import annotations

import itertools
from datetime import time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from overleg.domain import policy
from overleg.domain.agenda import set_besloten, set_item_access
from overleg.extensions import db, limiter
from overleg.models import AgendaItem, Topic
from overleg.timeutil import today_local
from tests.conftest import login, make_person
from tests.factories import make_meeting, meeting_type, publish
from tests.leak_fixture import response_text

PEOPLE = 4
_serial = itertools.count()

item_st = st.fixed_dictionaries(
    {
        "topic": st.sampled_from([None, 0, 1, 2]),  # free item or one of three topics
        "standard": st.booleans(),
        "besloten": st.booleans(),
        "besloten_names": st.sets(st.integers(0, PEOPLE - 1)),
        "guest_names": st.sets(st.integers(0, PEOPLE - 1)),
    }
)
meeting_st = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["draft", "published", "held"]),
        # person -> None (not invited), "member" or "guest"
        "parts": st.lists(
            st.sampled_from([None, "member", "guest"]), min_size=PEOPLE, max_size=PEOPLE
        ),
        "items": st.lists(item_st, min_size=1, max_size=4),
    }
)
config_st = st.fixed_dictionaries(
    {
        "topics": st.lists(st.sampled_from(["casus", "vertrouwelijk"]), min_size=3, max_size=3),
        "meetings": st.lists(meeting_st, min_size=1, max_size=3),
    }
)


# --- the reference implementation of the rules (README "Who does what") -----------------


def _effective(config):
    """The configuration as the application can hold it: besloten items name at least one
    participant; names only of participants (guests only for guest names), standard items
    no topic."""
    out = []
    for m in config["meetings"]:
        parts = m["parts"]
        items = []
        for it in m["items"]:
            it = dict(it)
            if it["standard"]:
                it["topic"] = None
                it["besloten"] = False
            it["besloten_names"] = {p for p in it["besloten_names"] if parts[p]}
            if not it["besloten_names"]:
                it["besloten"] = False
            if not it["besloten"]:
                it["besloten_names"] = set()
            it["guest_names"] = {p for p in it["guest_names"] if parts[p] == "guest"}
            if it["standard"]:
                it["guest_names"] = set()
            items.append(it)
        out.append({**m, "items": items})
    return out


def reference_level(config, meetings, p, mi, ii) -> str:
    def casus(it):
        return it["topic"] is not None and config["topics"][it["topic"]] == "casus"

    def direct(mi, ii):
        m = meetings[mi]
        part = m["parts"][p]
        it = m["items"][ii]
        if part is None or m["state"] == "draft":
            return False
        if it["besloten"] and p not in it["besloten_names"]:
            return False
        if part == "guest":
            named_anywhere = any(p in j["guest_names"] for j in m["items"])
            return (
                p in it["guest_names"] or it["standard"] or (not named_anywhere and not casus(it))
            )
        return True

    m = meetings[mi]
    it = m["items"][ii]
    if m["parts"][p] is None or m["state"] == "draft":
        return policy.NONE
    if direct(mi, ii):
        return policy.FULL
    if casus(it) and not it["besloten"]:
        for mj, other in enumerate(meetings):
            for jj, j in enumerate(other["items"]):
                if j["topic"] == it["topic"] and direct(mj, jj):
                    return policy.FULL
    return policy.REFERENCE


# --- building the configuration -------------------------------------------------------------


def _build(config, meetings):
    n = next(_serial)
    people = [make_person(f"p{k}-{n}@prop.example.org") for k in range(PEOPLE)]
    topics = [
        Topic(
            reference=f"TVO-2026-{n:03d}{k}",
            title=f"zqt{n}x{k}zq",
            meeting_type=meeting_type("tvo"),
            confidentiality=conf,
            status="nieuw",
        )
        for k, conf in enumerate(config["topics"])
    ]
    db.session.add_all(topics)
    built = []
    for mi, m in enumerate(meetings):
        day = today_local() + (
            timedelta(days=-7 - mi) if m["state"] == "held" else timedelta(days=7 + mi)
        )
        participants = [(people[k], part) for k, part in enumerate(m["parts"]) if part]
        meeting = make_meeting(
            "tvo", day, time(10, 0), participants=participants, standard_items=False
        )
        items = []
        for ii, it in enumerate(m["items"]):
            item = AgendaItem(
                meeting=meeting,
                position=ii,
                kind="standard"
                if it["standard"]
                else ("topic" if it["topic"] is not None else "free"),
                standard_kind="mededelingen" if it["standard"] else None,
                title=f"zqi{n}x{mi}x{ii}zq",
                topic=topics[it["topic"]] if it["topic"] is not None else None,
                duration_minutes=5,
            )
            db.session.add(item)
            items.append(item)
        db.session.flush()
        for item, it in zip(items, m["items"], strict=True):
            if it["besloten"]:
                set_besloten(item, True, {people[k].id for k in it["besloten_names"]})
            if it["guest_names"]:
                set_item_access(item, "gast", {people[k].id for k in it["guest_names"]})
        if m["state"] != "draft":
            publish(meeting, commit=False)
        built.append((meeting, items))
    db.session.commit()
    return people, built


@pytest.mark.usefixtures("seeded")
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(config=config_st)
def test_policy_equals_the_reference_and_the_outputs_agree(app, config):
    meetings = _effective(config)
    people, built = _build(config, meetings)
    for p, person in enumerate(people):
        all_items = [i for _, items in built for i in items]
        levels = policy.item_levels(person, all_items)
        for mi, (_meeting, items) in enumerate(built):
            for ii, item in enumerate(items):
                assert levels[item.id] == reference_level(config, meetings, p, mi, ii), (
                    p,
                    mi,
                    ii,
                    meetings,
                )
    # Reading a topic in full implies finding it: the search through titles and
    # descriptions asks the first alone (policy.topic_found_in_full_clause).
    for person in people:
        full, found, searched = (
            set(db.session.scalars(select(Topic.id).where(clause(person))))
            for clause in (
                policy.topic_full_clause,
                policy.topic_visibility_clause,
                policy.topic_found_in_full_clause,
            )
        )
        assert full <= found
        assert searched == full
    # The outputs agree with the policy (pages for everyone, the PDF for one reader).
    for p, person in enumerate(people):
        limiter.reset()
        c = app.test_client()
        assert login(c, person.email).status_code == 302
        for mi, (meeting, items) in enumerate(built):
            levels = policy.item_levels(person, items)
            outputs = ["agenda", "stukken"] + (["agenda.pdf"] if p == 0 else [])
            for out in outputs:
                resp = c.get(f"/overleggen/{meeting.id}/{out}")
                if meetings[mi]["parts"][p] is None:
                    assert resp.status_code == 404, out
                    continue
                text = response_text(resp) if resp.status_code == 200 else ""
                if meetings[mi]["state"] == "draft":
                    # the agenda page says it is being prepared, stukken sends there, the
                    # PDF is not there yet
                    expected = {"agenda": 200, "stukken": 302, "agenda.pdf": 404}[out]
                    assert resp.status_code == expected, out
                    assert not any(i.title in text for i in items)
                    continue
                assert resp.status_code == 200, out
                flat = "".join(text.split())
                for item in items:
                    assert (item.title in flat) == (levels[item.id] == policy.FULL), (
                        out,
                        p,
                        mi,
                        item.title,
                    )
