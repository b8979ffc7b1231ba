"""Two secretaries editing the same minutes: a save on a stale version is refused (409) with
both texts side by side, and neither text is lost."""

from __future__ import annotations

from overleg.extensions import db
from tests.conftest import login, make_person
from tests.minutes_support import item_of, minutes_of, page_state, past_meeting, save_notes


def _second_secretary(app):
    make_person("tweede.secretaris@test.example.org", "secretaris", "Tineke Tweede")
    c = app.test_client()
    login(c, "tweede.secretaris@test.example.org")
    return c


def test_two_stale_saves_neither_text_lost(seeded, people, as_role, app):
    alice = as_role("secretaris")
    bob = _second_secretary(app)
    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    item = item_of(meeting, "mededelingen")
    # Both open the page at the same version
    a_version, a_base = page_state(alice, meeting, item)
    b_version, b_base = page_state(bob, meeting, item)
    assert (a_version, a_base) == (b_version, b_base)

    assert (
        save_notes(alice, meeting, item, "Tekst van Alice.", a_version, a_base).status_code == 302
    )
    resp = save_notes(bob, meeting, item, "Tekst van Bob.", b_version, b_base)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Tekst van Alice." in html and "Tekst van Bob." in html  # side by side
    assert "Uw tekst (niet opgeslagen)" in html and "Opgeslagen tekst" in html
    db.session.expire_all()
    assert item_of(meeting, "mededelingen").notes == "Tekst van Alice."

    # Alice saves again on her now stale form too (she did not reload): also refused
    resp = save_notes(alice, meeting, item, "Alice vult aan.", a_version, a_base)
    assert resp.status_code == 409
    assert "Alice vult aan." in resp.get_data(as_text=True)

    # Bob resolves from the conflict screen (it carries the current version): saved
    import re

    version = int(re.search(r'name="version" value="(\d+)"', html).group(1))
    base = re.search(r'name="base" value="([0-9a-f]+)"', html).group(1)
    merged = "Tekst van Alice.\nTekst van Bob."
    assert save_notes(bob, meeting, item, merged, version, base).status_code == 302
    db.session.expire_all()
    assert item_of(meeting, "mededelingen").notes == merged


def test_stale_version_on_another_item_is_not_a_conflict(seeded, people, as_role, app):
    alice = as_role("secretaris")
    bob = _second_secretary(app)
    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    one, two = item_of(meeting, "mededelingen"), item_of(meeting, "rondvraag")
    v1, b1 = page_state(alice, meeting, one)
    v2, b2 = page_state(bob, meeting, two)
    assert save_notes(alice, meeting, one, "Punt een.", v1, b1).status_code == 302
    assert save_notes(bob, meeting, two, "Punt twee.", v2, b2).status_code == 302
    db.session.expire_all()
    assert item_of(meeting, "mededelingen").notes == "Punt een."
    assert item_of(meeting, "rondvraag").notes == "Punt twee."
    assert minutes_of(meeting).version >= 2


def test_autosave_json_and_conflict(seeded, people, as_role, app):
    alice = as_role("secretaris")
    bob = _second_secretary(app)
    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    item = item_of(meeting, "mededelingen")
    version, base = page_state(alice, meeting, item)
    resp = save_notes(
        alice, meeting, item, "Eerste zin.", version, base, **{"X-Requested-With": "fetch"}
    )
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["ok"] and data["version"] > version
    # autosave continues from the returned version and base
    resp = save_notes(
        alice,
        meeting,
        item,
        "Eerste zin. Tweede zin.",
        data["version"],
        data["base"],
        **{"X-Requested-With": "fetch"},
    )
    assert resp.status_code == 200
    # Bob's stale autosave is refused with 409 JSON; his text is not stored
    resp = save_notes(
        bob, meeting, item, "Bob typt iets anders.", version, base, **{"X-Requested-With": "fetch"}
    )
    assert resp.status_code == 409
    assert resp.get_json()["conflict"] is True
    db.session.expire_all()
    assert item_of(meeting, "mededelingen").notes == "Eerste zin. Tweede zin."


def test_page_works_without_javascript_and_offers_drafts(seeded, people, as_role):
    sec = as_role("secretaris")
    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    html = sec.get(f"/overleggen/{meeting.id}/verslag").get_data(as_text=True)
    # plain forms with a submit button, enhanced by the script
    assert html.count("data-autosave") == len(meeting.agenda_items)
    assert "minutes-autosave.js" in html
    assert ">Opslaan</button>" in html


def test_version_column_catches_simultaneous_writes(seeded, people):
    """Two requests that both passed the form check: the version column refuses the second
    UPDATE (StaleDataError), which the views answer with the conflict screen."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.orm.exc import StaleDataError

    from overleg.domain import minutes as dm

    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    minutes = dm.ensure_minutes(meeting)
    db.session.commit()
    item = item_of(meeting, "mededelingen")
    loaded = minutes.version
    # another process saves in between
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE minutes SET version = version + 1 WHERE id = :id"), {"id": minutes.id}
        )
    dm.save_notes(
        minutes, item, "Mijn tekst", base_version=loaded, base_hash=dm.text_hash(item.notes)
    )
    with pytest.raises(StaleDataError):
        db.session.commit()
    db.session.rollback()


def _racing_save(monkeypatch, other_item_id: int, notes: str):
    """Make the next save meet another worker's save committed between its read and its write
    (the minutes' version raised, ``other_item_id``'s notes changed), as under load."""
    from sqlalchemy import text

    from overleg.domain import minutes as dm

    original = dm.save_notes
    calls = []

    def racing(minutes, item, yours, **kwargs):
        if not calls:
            with db.engine.begin() as conn:
                conn.execute(
                    text("UPDATE agenda_item SET notes = :n WHERE id = :id"),
                    {"n": notes, "id": other_item_id},
                )
                conn.execute(
                    text("UPDATE minutes SET version = version + 1 WHERE id = :id"),
                    {"id": minutes.id},
                )
        calls.append(item.id)
        return original(minutes, item, yours, **kwargs)

    monkeypatch.setattr(dm, "save_notes", racing)
    return calls


def test_simultaneous_save_of_another_item_is_saved(seeded, people, as_role, monkeypatch):
    """Two autosaves of different items committing at once: the version column refuses the
    second UPDATE, and the view saves it again on the new version instead of a false 409."""
    from overleg.domain import minutes as dm

    alice = as_role("secretaris")
    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    dm.ensure_minutes(meeting)
    db.session.commit()
    item, other = item_of(meeting, "mededelingen"), item_of(meeting, "rondvraag")
    version, base = page_state(alice, meeting, item)
    calls = _racing_save(monkeypatch, other.id, "Punt van Bob.")
    resp = save_notes(
        alice, meeting, item, "Punt van Alice.", version, base, **{"X-Requested-With": "fetch"}
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["ok"] is True
    assert len(calls) == 2  # refused once by the version column, then saved
    db.session.expire_all()
    assert item_of(meeting, "mededelingen").notes == "Punt van Alice."
    assert item_of(meeting, "rondvraag").notes == "Punt van Bob."


def test_simultaneous_save_of_the_same_item_is_a_conflict(seeded, people, as_role, monkeypatch):
    from overleg.domain import minutes as dm

    alice = as_role("secretaris")
    meeting = past_meeting("tvo", 5, [(people["secretaris"], "secretary")])
    dm.ensure_minutes(meeting)
    db.session.commit()
    item = item_of(meeting, "mededelingen")
    version, base = page_state(alice, meeting, item)
    _racing_save(monkeypatch, item.id, "Tekst van Bob.")
    resp = save_notes(alice, meeting, item, "Tekst van Alice.", version, base)
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Tekst van Alice." in html and "Tekst van Bob." in html
    db.session.expire_all()
    assert item_of(meeting, "mededelingen").notes == "Tekst van Bob."
