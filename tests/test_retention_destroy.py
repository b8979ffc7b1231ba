"""Destruction of records past their term, the legal hold that stops it, the destruction
register, and the purge of login data (issue 12, item 8). Frozen clock: TEST_NOW
(27 March 2027); the TVO (19.1.11) keeps 5 years, the Driehoek (19.1.10) 10."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from overleg.domain import retention as dr
from overleg.domain.minutes import ensure_minutes
from overleg.extensions import db
from overleg.models import (
    ActionItem,
    AgendaItem,
    AuditEvent,
    Decision,
    Document,
    Meeting,
    Minutes,
    MinutesVersion,
)
from overleg.models.retention import DestructionRecord, LegalHold
from overleg.storage import get_storage
from overleg.timeutil import today_local, utcnow
from tests.conftest import assert_audit
from tests.factories import make_meeting

OLD = date(2019, 3, 12)  # TVO: due from 12 March 2024
OLDER_HELD = date(2019, 4, 9)
RECENT = date(2023, 1, 10)  # TVO: due from 10 January 2028 — within its term


def with_records(day: date, code: str = "tvo", marker: str = "X") -> Meeting:
    """A meeting with every kind of record: notes, outcome, minutes with two versions and
    their PDFs (and a redacted one), a document, a decision, a closed and an open action."""
    storage = get_storage()
    meeting = make_meeting(code, day=day)
    item = meeting.agenda_items[-1]
    item.notes = f"Aantekening {marker}"
    item.outcome = f"Uitkomst {marker}"
    item.description = f"Toelichting {marker}"
    meeting.agenda_snapshot = f'{{"marker": "{marker}"}}'
    minutes = ensure_minutes(meeting)
    for n in (1, 2):
        db.session.add(
            MinutesVersion(
                minutes=minutes,
                number=n,
                reason="Vastgesteld",
                snapshot_json=f'{{"marker": "{marker}"}}',
                pdf_key=storage.save(b"%PDF-1.7 full " + marker.encode()),
                redacted_pdf_key=storage.save(b"%PDF-1.7 redacted") if n == 2 else None,
            )
        )
    data = b"%PDF-1.7 document " + marker.encode()
    db.session.add(
        Document(
            agenda_item=item,
            filename="stuk.pdf",
            content_type="application/pdf",
            size=len(data),
            sha256="0" * 64,
            storage_key=storage.save(data),
        )
    )
    year = day.year
    number = db.session.scalar(select(func.count(Decision.id))) + 1
    db.session.add(
        Decision(
            meeting_type_id=meeting.meeting_type_id,
            year=year,
            number=number,
            code=f"{code.upper()}-{year}-{number:02d}",
            text=f"Besluit {marker}",
            meeting=meeting,
        )
    )
    from overleg.models import Organisation

    org = db.session.scalars(select(Organisation)).first()
    db.session.add_all(
        [
            ActionItem(
                meeting_type_id=meeting.meeting_type_id,
                meeting=meeting,
                what=f"Afgerond {marker}",
                owner_organisation=org,
                status="afgerond",
                closed_at=utcnow(),
                closing_note=f"Gedaan {marker}",
            ),
            ActionItem(
                meeting_type_id=meeting.meeting_type_id,
                meeting=meeting,
                what=f"Lopend {marker}",
                owner_organisation=org,
            ),
        ]
    )
    db.session.commit()
    return meeting


def keys_of(meeting_id: int) -> list[str]:
    rows = db.session.execute(
        select(MinutesVersion.pdf_key, MinutesVersion.redacted_pdf_key)
        .join(Minutes)
        .where(Minutes.meeting_id == meeting_id)
    ).all()
    keys = [k for row in rows for k in row if k]
    keys += db.session.scalars(
        select(Document.storage_key).join(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
    ).all()
    return keys


def on_disk(app, key: str) -> bool:
    return (Path(app.config["STORAGE_DIR"]) / key).exists()


def hold(meeting: Meeting, by) -> LegalHold:
    h = dr.place_hold(meeting, "Bezwaarprocedure 2026/17", date(2026, 5, 1), by)
    db.session.commit()
    return h


@pytest.fixture
def three(seeded, people):
    """Past term, past term but held, within term."""
    old = with_records(OLD, marker="OUD")
    held = with_records(OLDER_HELD, marker="BEVROREN")
    recent = with_records(RECENT, marker="RECENT")
    hold(held, people["beheerder"])
    return old, held, recent


def test_destroy_respects_the_hold_and_the_term(app, three, clock):
    old, held, recent = three
    keys = {m.id: keys_of(m.id) for m in three}
    assert all(len(k) == 4 for k in keys.values())  # 2 + 1 PDFs and a document each
    assert all(on_disk(app, k) for ks in keys.values() for k in ks)  # positive control
    ids = {m.id for m in three}

    report = dr.destroy(get_storage(), by=None, via="opdracht")
    assert [r.meeting_id for r in report.destroyed] == [old.id]
    assert report.files == 4 and report.batches == 1
    db.session.expire_all()

    # destroyed: minutes, versions, documents, files, text
    assert db.session.scalar(select(Minutes).where(Minutes.meeting_id == old.id)) is None
    assert not any(on_disk(app, k) for k in keys[old.id])
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == old.id)).all()
    assert items and all(i.notes is None and i.outcome is None for i in items)
    assert db.session.get(Meeting, old.id).agenda_snapshot is None
    decision = db.session.scalar(select(Decision).where(Decision.meeting_id == old.id))
    assert decision.text == dr.DESTROYED_TEXT and decision.code.startswith("TVO-2019")
    actions = {
        a.status: a.what
        for a in db.session.scalars(select(ActionItem).where(ActionItem.meeting_id == old.id))
    }
    assert actions == {"afgerond": dr.DESTROYED_TEXT, "open": "Lopend OUD"}  # open work stays
    # the stub stays
    assert db.session.get(Meeting, old.id) is not None

    # held and recent survive, files and all (the positive controls)
    for m, marker in ((held, "BEVROREN"), (recent, "RECENT")):
        minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == m.id))
        assert minutes is not None and len(minutes.versions) == 2
        assert all(on_disk(app, k) for k in keys[m.id])
        notes = db.session.scalars(
            select(AgendaItem.notes).where(AgendaItem.meeting_id == m.id)
        ).all()
        assert f"Aantekening {marker}" in notes

    # the register
    rec = db.session.scalar(select(DestructionRecord))
    assert (rec.meeting_ref, rec.meeting_date, rec.category, rec.retention_years) == (
        "TVO-2019-03-12",
        OLD,
        "19.1.11",
        5,
    )
    assert (rec.due_date, rec.minutes_versions, rec.documents, rec.files, rec.via) == (
        date(2024, 3, 12),
        2,
        1,
        4,
        "opdracht",
    )
    assert db.session.scalar(select(func.count(DestructionRecord.id))) == 1
    assert_audit("records_destroyed", object_id=old.id, object_ref="TVO-2019-03-12")
    # the audit log holds the reference, never the text
    texts = [
        (e.object_ref or "") + str(e.after or "")
        for e in db.session.scalars(select(AuditEvent)).all()
    ]
    assert not any("OUD" in t or "Bezwaar" in t for t in texts)
    assert ids  # all three meetings still exist
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.id.in_(ids))) == 3

    # a second run finds nothing more
    assert dr.destroy(get_storage(), by=None, via="opdracht").count == 0


def test_lifting_the_hold_lets_destruction_through(app, three, people):
    old, held, _recent = three
    h = db.session.scalar(select(LegalHold).where(LegalHold.meeting_id == held.id))
    dr.lift_hold(h, "Procedure afgerond", people["beheerder"])
    db.session.commit()
    report = dr.destroy(get_storage(), by=people["beheerder"], via="pagina")
    assert [r.meeting_id for r in report.destroyed] == [old.id, held.id]
    assert all(r.destroyed_by_id == people["beheerder"].id for r in report.destroyed)


def test_batches_of_two_over_five_meetings(app, seeded):
    days = [date(2018, 1, 9) + timedelta(weeks=n) for n in range(5)]
    meetings = [make_meeting("tvo", day=d) for d in days]
    for m in meetings:
        ensure_minutes(m)
    inside = make_meeting("tvo", day=RECENT)
    db.session.commit()
    report = dr.destroy(get_storage(), by=None, via="opdracht", batch_size=2)
    assert report.batches == 3  # 2 + 2 + 1
    assert [r.meeting_id for r in report.destroyed] == [m.id for m in meetings]
    assert db.session.scalar(select(func.count(Minutes.id))) == 0
    assert dr.records_destroyed(inside) is None
    # a limit stops within a batch boundary too
    assert dr.destroy(get_storage(), by=None, via="opdracht", batch_size=2).count == 0


def test_selected_destruction_skips_held_and_not_due(app, three, people):
    old, held, recent = three
    report = dr.destroy(
        get_storage(),
        by=people["beheerder"],
        via="pagina",
        meeting_ids=[old.id, held.id, recent.id],
    )
    assert [r.meeting_id for r in report.destroyed] == [old.id]
    assert (report.held, report.not_due) == (1, 1)
    with pytest.raises(dr.RetentionError, match="Kies de vergaderingen"):
        dr.destroy(get_storage(), by=None, via="pagina", meeting_ids=[])


def test_hold_refusals_are_dutch(seeded, people):
    m = make_meeting("tvo", day=OLD)
    by = people["beheerder"]
    with pytest.raises(dr.RetentionError, match="Vul de reden"):
        dr.place_hold(m, "  ", date(2026, 1, 1), by)
    with pytest.raises(dr.RetentionError, match="in de toekomst"):
        dr.place_hold(m, "Rechtszaak", today_local() + timedelta(days=1), by)
    h = dr.place_hold(m, "Rechtszaak", date(2026, 1, 1), by)
    with pytest.raises(dr.RetentionError, match="al bevroren"):
        dr.place_hold(m, "Nog een", date(2026, 1, 1), by)
    dr.lift_hold(h, "Klaar", by)
    with pytest.raises(dr.RetentionError, match="al opgeheven"):
        dr.lift_hold(h, "Klaar", by)


# --- the pages -------------------------------------------------------------------------------


def test_page_shows_held_as_bevroren_and_destroys_after_confirmation(app, three, as_role):
    old, held, recent = three
    client = as_role("beheerder")
    html = client.get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert "2 vergaderingen komen voor vernietiging in aanmerking" in html
    assert "waarvan 1 bevroren" in html
    assert "bevroren" in html and "Bezwaarprocedure 2026/17" in html  # the reason, here only
    assert f'name="overleg" value="{old.id}"' in html  # selectable
    assert f'name="overleg" value="{held.id}"' not in html  # frozen: no checkbox
    assert "10 januari 2023" not in html  # within term: not listed

    # step 1: the confirmation names what will go and what is skipped
    resp = client.post("/beheer/bewaartermijnen/vernietigen", data={"overleg": [old.id, held.id]})
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Vernietiging bevestigen" in page and "12 maart 2019" in page
    assert "Niet vernietigd, want bevroren" in page
    assert db.session.scalar(select(func.count(DestructionRecord.id))) == 0  # nothing yet

    # step 2: confirmed
    resp = client.post(
        "/beheer/bewaartermijnen/vernietigen",
        data={"overleg": [old.id, held.id], "bevestigd": "1"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "De stukken van 1 vergadering zijn vernietigd" in page
    assert "1 bevroren vergadering overgeslagen" in page
    assert "TVO-2019-03-12" in page  # the register
    assert "De vernietigde vergadering (grondslag" in page  # one: no "De laatste 1 ...en"
    assert "1 vergadering komt voor vernietiging in aanmerking" in page  # the held one
    assert_audit("records_destroyed", object_id=old.id)
    # the destroyed meeting's minutes page says so instead of offering a new concept
    secretary = as_role("secretaris")
    minutes_page = secretary.get(f"/overleggen/{old.id}/verslag").get_data(as_text=True)
    assert "De stukken van dit overleg zijn vernietigd" in minutes_page
    held_page = secretary.get(f"/overleggen/{held.id}/verslag").get_data(as_text=True)
    assert "De stukken van dit overleg zijn vernietigd" not in held_page  # positive control


def test_destruction_needs_a_recent_password(app, three, as_role, clock):
    old, _held, _recent = three
    client = as_role("beheerder")
    clock.shift(timedelta(minutes=app.config["REAUTH_MINUTES"] + 1))
    resp = client.post(
        "/beheer/bewaartermijnen/vernietigen", data={"overleg": [old.id], "bevestigd": "1"}
    )
    assert resp.status_code == 302
    assert (
        "/wachtwoord-bevestigen" in resp.headers["Location"]
        or "bevestig" in resp.headers["Location"]
    )
    assert db.session.scalar(select(func.count(DestructionRecord.id))) == 0


def test_place_and_lift_hold_on_the_page(app, seeded, as_role):
    m = with_records(OLD, marker="P")
    client = as_role("beheerder")
    form = client.get(f"/beheer/bewaartermijnen/overleggen/{m.id}/bevriezen")
    assert form.status_code == 200 and "Overleg bevriezen" in form.get_data(as_text=True)
    refused = client.post(
        f"/beheer/bewaartermijnen/overleggen/{m.id}/bevriezen",
        data={"reason": "", "held_since": "2026-05-01"},
    )
    assert refused.status_code == 400
    assert "Vul de reden van de bevriezing in." in refused.get_data(as_text=True)
    bad_date = client.post(
        f"/beheer/bewaartermijnen/overleggen/{m.id}/bevriezen",
        data={"reason": "Woo-verzoek", "held_since": "gisteren"},
    )
    assert bad_date.status_code == 400
    resp = client.post(
        f"/beheer/bewaartermijnen/overleggen/{m.id}/bevriezen",
        data={"reason": "Woo-verzoek 2026-88", "held_since": "2026-05-01"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "Het overleg is bevroren" in resp.get_data(as_text=True)
    h = db.session.scalar(select(LegalHold).where(LegalHold.meeting_id == m.id))
    assert h.reason == "Woo-verzoek 2026-88" and h.held_since == date(2026, 5, 1)
    ev = assert_audit("legal_hold_placed", object_id=h.id)[0]
    assert ev.object_ref == "TVO-2019-03-12" and "Woo" not in str(ev.after)
    assert dr.destroy(get_storage(), by=None, via="opdracht").count == 0

    empty = client.post(f"/beheer/bewaartermijnen/bevriezingen/{h.id}/opheffen", data={})
    assert empty.status_code == 400
    assert "Vul de reden van de opheffing in." in empty.get_data(as_text=True)
    lifted = client.post(
        f"/beheer/bewaartermijnen/bevriezingen/{h.id}/opheffen",
        data={"reason": "Verzoek afgehandeld"},
        follow_redirects=True,
    )
    assert "De bevriezing is opgeheven." in lifted.get_data(as_text=True)
    assert_audit("legal_hold_lifted", object_id=h.id, object_ref="TVO-2019-03-12")
    again = client.post(
        f"/beheer/bewaartermijnen/bevriezingen/{h.id}/opheffen", data={"reason": "Nogmaals"}
    )
    assert again.status_code == 409
    assert "Deze bevriezing is al opgeheven." in again.get_data(as_text=True)
    assert dr.destroy(get_storage(), by=None, via="opdracht").count == 1


@pytest.mark.parametrize(
    ("url", "data", "status", "message"),
    [
        ("/beheer/bewaartermijnen?pagina=nul", None, 400, "Kies een paginanummer vanaf 1."),
        ("/beheer/bewaartermijnen?pagina=0", None, 400, "Kies een paginanummer vanaf 1."),
        ("/beheer/bewaartermijnen?pagina=99", None, 404, "bestaat niet (meer)"),
        ("/beheer/bewaartermijnen/vernietigen", {}, 400, "Kies de vergaderingen"),
        (
            "/beheer/bewaartermijnen/vernietigen",
            {"overleg": ["12", "x"]},
            400,
            "De keuze van vergaderingen is ongeldig",
        ),
        ("/beheer/bewaartermijnen/overleggen/999999/bevriezen", None, 404, "Niet gevonden"),
        ("/beheer/bewaartermijnen/bevriezingen/999999/opheffen", {"reason": "x"}, 404, ""),
    ],
)
def test_bad_input_gets_a_dutch_4xx(seeded, as_role, url, data, status, message):
    client = as_role("beheerder")
    resp = client.get(url) if data is None else client.post(url, data=data)
    assert resp.status_code == status
    assert message in resp.get_data(as_text=True)


def test_only_the_beheerder(seeded, as_role):
    m = make_meeting("tvo", day=OLD)
    for role in ("secretaris", "deelnemer"):
        client = as_role(role)
        assert client.get("/beheer/bewaartermijnen").status_code == 403
        assert client.get(f"/beheer/bewaartermijnen/overleggen/{m.id}/bevriezen").status_code == 403
        assert (
            client.post("/beheer/bewaartermijnen/vernietigen", data={"overleg": [m.id]}).status_code
            == 403
        )
    assert as_role("beheerder").get("/beheer/bewaartermijnen").status_code == 200


def test_list_paginates(seeded, as_role):
    for n in range(dr.PAGE_SIZE + 3):
        make_meeting("tvo", day=date(2015, 1, 6) + timedelta(days=n), commit=False)
    db.session.commit()
    client = as_role("beheerder")
    first = client.get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert "Pagina 1 van 2" in first and first.count('name="overleg"') == dr.PAGE_SIZE
    second = client.get("/beheer/bewaartermijnen?pagina=2").get_data(as_text=True)
    assert "Pagina 2 van 2" in second and second.count('name="overleg"') == 3


# --- the command -----------------------------------------------------------------------------


def add_event(name: str, at: datetime) -> None:
    db.session.add(AuditEvent(event=name, at=at, object_type="person"))


def test_purge_removes_only_login_events_older_than_the_term(app, seeded):
    now = utcnow()
    old = now - timedelta(days=200)  # more than six months
    young = now - timedelta(days=150)
    for name in dr.LOGIN_EVENTS:
        add_event(name, old)
        add_event(name, young)
    add_event("casus_viewed", old)  # not login data: stays
    add_event("minutes_exported", old - timedelta(days=3000))
    db.session.commit()
    removed, batches = dr.purge_login_events(6, batch_size=2)
    assert removed == len(dr.LOGIN_EVENTS)
    assert batches == -(-len(dr.LOGIN_EVENTS) // 2)  # in batches of two
    assert batches >= 3
    left = db.session.execute(select(AuditEvent.event, AuditEvent.at)).all()
    assert sorted(e for e, at in left if at == young) == sorted(dr.LOGIN_EVENTS)
    assert {"casus_viewed", "minutes_exported"} <= {e for e, _ in left}
    assert not [e for e, at in left if at == old and e in dr.LOGIN_EVENTS]
    with pytest.raises(dr.RetentionError, match="minstens 1 maand"):
        dr.purge_login_events(0)


def test_retention_command_purges_and_destroys_with_a_dutch_summary(app, seeded, people):
    old = with_records(OLD, marker="CLI")
    held = with_records(OLDER_HELD, marker="CLIH")
    hold(held, people["beheerder"])
    add_event("login", utcnow() - timedelta(days=400))
    add_event("login", utcnow() - timedelta(days=10))
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention"])
    assert dry.exit_code == 0, dry.output
    assert "Inloggegevens verwijderd: 1 logboekregels ouder dan 6 maanden (in 1 batch)." in (
        dry.output
    )
    assert "2 vergaderingen voorbij hun bewaartermijn, waarvan 1 bevroren" in dry.output
    assert dr.records_destroyed(old) is None  # without --destroy nothing is destroyed
    assert_audit("login_data_purged", object_ref="1 regels")

    result = runner.invoke(args=["retention", "--destroy", "--batch-size", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Stukken vernietigd van 1 vergaderingen \(4 bestanden, in 1 batch\)", result.output
    )
    assert "1 bevroren vergaderingen overgeslagen" in result.output
    assert dr.records_destroyed(old) is not None and dr.records_destroyed(held) is None
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.event == "login")) == 1
    )


def test_minutes_page_links_the_hold_for_the_beheerder_only(seeded, as_role):
    m = make_meeting("tvo", day=OLD)
    ensure_minutes(m)
    db.session.commit()
    link = f"/beheer/bewaartermijnen/overleggen/{m.id}/bevriezen"
    assert link in as_role("beheerder").get(f"/overleggen/{m.id}/verslag").get_data(as_text=True)
    page = as_role("secretaris").get(f"/overleggen/{m.id}/verslag")
    assert page.status_code == 200 and "Selectielijst" in page.get_data(as_text=True)
    assert link not in page.get_data(as_text=True)


def test_a_hold_on_a_topic_keeps_every_meeting_it_was_on(app, seeded, people, as_role):
    from overleg.domain.topics import create_topic
    from tests.factories import meeting_type

    by = people["beheerder"]
    topic = create_topic(title="Casus Zuiderpark", meeting_type=meeting_type("tvo"), year=2019)
    on_agenda = with_records(OLD, marker="CASUS")
    other = with_records(OLDER_HELD, marker="ANDER")
    on_agenda.agenda_items[-1].topic_id = topic.id
    db.session.commit()

    client = as_role("beheerder")
    ask = client.get("/beheer/bewaartermijnen/onderwerp-bevriezen?kenmerk=")
    assert ask.status_code == 200 and 'name="kenmerk"' in ask.get_data(as_text=True)
    empty = client.post("/beheer/bewaartermijnen/onderwerp-bevriezen", data={"kenmerk": " "})
    assert empty.status_code == 400 and "Vul het kenmerk" in empty.get_data(as_text=True)
    unknown = client.get("/beheer/bewaartermijnen/onderwerp-bevriezen?kenmerk=TVO-1999-999")
    assert unknown.status_code == 404
    assert "Er is geen onderwerp met kenmerk TVO-1999-999." in unknown.get_data(as_text=True)
    # not a dead end: the form again, with what was typed, to correct it
    assert 'name="kenmerk"' in unknown.get_data(as_text=True)
    assert 'value="TVO-1999-999"' in unknown.get_data(as_text=True)
    # the menu shows where the page belongs: under Bewaartermijnen, not under Verslagen
    assert 'aria-current="page">Bewaartermijnen</a>' in unknown.get_data(as_text=True)
    assert 'aria-current="page">Verslagen</a>' not in unknown.get_data(as_text=True)
    url = f"/beheer/bewaartermijnen/onderwerp-bevriezen?kenmerk={topic.reference.lower()}"
    form = client.get(url)
    assert form.status_code == 200 and f"Onderwerp {topic.reference}" in form.get_data(as_text=True)
    assert "Zuiderpark" not in form.get_data(as_text=True)  # by reference only
    resp = client.post(
        url, data={"reason": "Rechtszaak 2026/4", "held_since": "2026-02-01"}, follow_redirects=True
    )
    assert "Het onderwerp is bevroren" in resp.get_data(as_text=True)
    ev = assert_audit("legal_hold_placed", object_ref=topic.reference)[0]
    assert "Rechtszaak" not in str(ev.after)
    page = client.get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert f"onderwerp {topic.reference} (alle vergaderingen)" in page
    assert "waarvan 1 bevroren" in page
    assert f'name="overleg" value="{on_agenda.id}"' not in page
    assert f'name="overleg" value="{other.id}"' in page  # positive control

    report = dr.destroy(get_storage(), by=by, via="opdracht")
    assert [r.meeting_id for r in report.destroyed] == [other.id]
    assert dr.records_destroyed(on_agenda) is None and dr.is_held(on_agenda)
    again = client.post(url, data={"reason": "Nogmaals", "held_since": "2026-02-01"})
    assert again.status_code == 400
    assert "Dit onderwerp is al bevroren." in again.get_data(as_text=True)


def test_the_pages_are_valid_html(app, three, as_role):
    """The Nu Html Checker over the list (with a hold, the register), the hold form and the
    confirmation; form names unique (tests/vnu_support.py)."""
    from tests import vnu_support

    unavailable = vnu_support.missing()
    if unavailable:
        pytest.fail(unavailable)
    old, held, _recent = three
    client = as_role("beheerder")
    dr.destroy(get_storage(), by=None, via="opdracht", meeting_ids=[old.id])
    pages = {
        "/beheer/bewaartermijnen": client.get("/beheer/bewaartermijnen"),
        "bevriezen": client.get(f"/beheer/bewaartermijnen/overleggen/{old.id}/bevriezen"),
        "onderwerp": client.get("/beheer/bewaartermijnen/onderwerp-bevriezen"),
        "bevestigen": client.post(
            "/beheer/bewaartermijnen/vernietigen", data={"overleg": [held.id, old.id]}
        ),
    }
    html = {url: resp.get_data(as_text=True) for url, resp in pages.items()}
    assert all(resp.status_code == 200 for resp in pages.values())
    assert "TVO-2019-03-12" in html["/beheer/bewaartermijnen"]  # the register has a line
    problems = vnu_support.check_pages(html)
    problems += [p for page in html.values() for p in vnu_support.form_name_problems(page)]
    assert not problems, "\n".join(problems)


def test_the_register_downloads_as_csv(app, three, as_role, people):
    old, held, _recent = three
    dr.destroy(get_storage(), by=people["beheerder"], via="pagina", meeting_ids=[old.id])
    client = as_role("beheerder")
    page = client.get("/beheer/bewaartermijnen").get_data(as_text=True)
    assert "/beheer/bewaartermijnen/vernietigingsregister.csv" in page
    resp = client.get("/beheer/bewaartermijnen/vernietigingsregister.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "vernietigingsregister-" in resp.headers["Content-Disposition"]
    lines = resp.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("kenmerk;overleg;vergaderdatum;selectiecategorie")
    assert len(lines) == 2  # one meeting destroyed, the held one not
    assert lines[1].startswith(
        "TVO-2019-03-12;Tactisch Veiligheidsoverleg;2019-03-12;19.1.11;5;2024-03-12;"
    )
    assert ";Bea Beheer;pagina;2;1;4" in lines[1]
    assert "OUD" not in resp.get_data(as_text=True)  # no content, references only
    assert_audit("destruction_register_exported")
    assert (
        as_role("secretaris").get("/beheer/bewaartermijnen/vernietigingsregister.csv").status_code
        == 403
    )


def test_a_hold_on_a_topic_keeps_its_decisions_taken_where_it_was_not_on_the_agenda(
    app, seeded, people
):
    """A decision about a topic need not sit under its agenda item (a plan van aanpak adopted
    at a meeting the topic was not on): a hold on the topic keeps that meeting too."""
    from overleg.domain.topics import create_topic
    from tests.factories import meeting_type

    topic = create_topic(title="Casus Noorderpark", meeting_type=meeting_type("tvo"), year=2019)
    adopted_at = with_records(OLD, marker="VASTGESTELD")
    other = with_records(OLDER_HELD, marker="ANDER")
    decision = db.session.scalars(
        select(Decision).where(Decision.meeting_id == adopted_at.id)
    ).one()
    decision.topic_id = topic.id  # no agenda item of the topic in that meeting
    db.session.commit()
    dr.place_topic_hold(topic, "Rechtszaak 2026/9", date(2026, 2, 1), people["beheerder"])
    db.session.commit()

    assert dr.is_held(adopted_at)
    report = dr.destroy(get_storage(), by=people["beheerder"], via="opdracht")
    assert [r.meeting_id for r in report.destroyed] == [other.id]  # positive control
    assert dr.records_destroyed(adopted_at) is None
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).text == "Besluit VASTGESTELD"
    chosen = dr.destroy(
        get_storage(), by=people["beheerder"], via="pagina", meeting_ids=[adopted_at.id]
    )
    assert (chosen.count, chosen.held) == (0, 1)
