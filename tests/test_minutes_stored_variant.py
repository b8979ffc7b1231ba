"""Which stored PDF of approved minutes a reader is served (`minutes.stored_variant`): decided
from the read policy's entitlement without redacting a copy, it must say what redacting the
snapshot for that reader and comparing says (the full PDF when nothing is withheld, the
references-only one when exactly that is withheld, else a PDF rendered for them)."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from overleg.domain import minutes as dm
from overleg.extensions import db
from overleg.models import (
    Meeting,
    Minutes,
    MinutesVersion,
    Person,
)
from tests.conftest import login
from tests.minutes_support import casus_minutes, minutes_of, pdf_text


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


def test_two_redactions_are_equal_exactly_when_they_withhold_the_same(app, demo):
    """The rule `stored_variant` rests on, over random entitlements: `redact` gives equal
    snapshots exactly when `_withheld` names the same items, decisions and actions, and the
    snapshot itself exactly when it names nothing."""
    rng = random.Random(12)
    snaps = [
        v.snapshot for v in db.session.scalars(select(MinutesVersion).order_by(MinutesVersion.id))
    ]
    snaps = [s for s in snaps if s["decisions"] or s["carried_actions"]]
    assert snaps
    equal_pairs = unequal_pairs = untouched = 0
    for snap in snaps[:12]:
        items = [e["id"] for e in snap["items"]]
        carried = [a["id"] for a in snap["carried_actions"]]

        def pick(ids, p):
            return {i for i in ids if rng.random() < p}

        variants = [(set(items), set(carried)), dm._restricted_sets(snap)]
        variants += [(pick(items, p), pick(carried, p)) for p in (0.3, 0.7, 0.9, 1.0, 1.0)]
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
