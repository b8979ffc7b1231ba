"""Audit events are cheap to write: the events of a response go into the database in ONE
statement, in the response's own transaction (overleg/audit.py); nothing is lost where the
audit must be kept, and a rollback drops them with the rest."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from overleg.audit import pending, record
from overleg.extensions import db
from overleg.models import AuditEvent
from tests.conftest import assert_audit, login
from tests.doc_samples import CASUS_DOC, build_tvo, make_pdf
from tests.test_documents import client_for, upload


def _audit_inserts(counter) -> list[str]:
    return [s for s in counter.statements if re.match(r"\s*INSERT INTO audit_event", s, re.I)]


def _events(name: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.event == name))


def test_a_response_logging_several_casus_documents_inserts_once(
    app, seeded, people, as_role, count_queries
):
    """The vergaderstukken PDF logs every casus document it holds and the export: several
    events, one INSERT, and all of them are there afterwards."""
    tvo = build_tvo(people)
    sec = as_role("secretaris")
    for n in range(3):
        upload(sec, tvo["casus_item"], make_pdf([f"Casusrapport {n}"]), f"{n}-{CASUS_DOC}")
    member = client_for(app, tvo["member"])
    with count_queries() as q:
        resp = member.get(f"/overleggen/{tvo['meeting'].id}/vergaderstukken.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert len(_audit_inserts(q)) == 1, _audit_inserts(q)
    db.session.expire_all()
    rows = assert_audit("casus_document_downloaded", person_id=tvo["member"].id)
    assert len(rows) == 3
    assert {r.object_type for r in rows} == {"document"}
    assert_audit("agenda_exported", person_id=tvo["member"].id, object_id=tvo["meeting"].id)


def test_the_agenda_page_writes_its_view_in_one_insert(app, seeded, people, count_queries):
    tvo = build_tvo(people)
    member = client_for(app, tvo["member"])
    with count_queries() as q:
        resp = member.get(f"/overleggen/{tvo['meeting'].id}/agenda")
    assert resp.status_code == 200
    assert len(_audit_inserts(q)) == 1
    rows = assert_audit("casus_viewed", person_id=tvo["member"].id, object_id=tvo["meeting"].id)
    assert rows[0].object_ref == tvo["topic"].reference
    # a page that shows no casus in full writes nothing (positive control above)
    guest = client_for(app, tvo["outsider"])
    with count_queries() as q:
        assert guest.get("/").status_code == 200
    assert _audit_inserts(q) == []


def test_events_of_one_transaction_go_in_one_statement_with_ids_and_times(
    app, people, count_queries, clock
):
    with app.test_request_context("/", headers={"User-Agent": "pytest"}):
        events = [
            record("casus_viewed", people["deelnemer"], ref=f"TVO-2027-00{n}") for n in (1, 2)
        ]
        events.append(record("logout", people["deelnemer"], person=people["deelnemer"]))
        assert all(ev.id is None for ev in events) and len(pending()) == 3
        with count_queries() as q:
            db.session.commit()
    assert len(_audit_inserts(q)) == 1
    assert all(ev.id is not None for ev in events)
    stored = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.id for e in stored] == [ev.id for ev in events]
    assert [e.object_ref for e in stored] == ["TVO-2027-001", "TVO-2027-002", None]
    assert stored[0].user_agent == "pytest" and stored[2].person_id == people["deelnemer"].id
    assert {e.at for e in stored} == {events[0].at} and events[0].at is not None
    assert pending() == []


def test_a_rollback_drops_the_events_with_the_rest(app, people):
    with app.test_request_context("/"):
        record("casus_viewed", people["deelnemer"], ref="TVO-2027-001")
        db.session.rollback()
        assert pending() == []
        db.session.commit()
    assert _events("casus_viewed") == 0
    # positive control: recorded and committed, it is there
    with app.test_request_context("/"):
        record("casus_viewed", people["deelnemer"], ref="TVO-2027-001")
        db.session.commit()
    assert _events("casus_viewed") == 1


def test_a_query_in_the_transaction_sees_the_events_kept(app, people):
    with app.test_request_context("/"):
        record("casus_viewed", people["deelnemer"], ref="TVO-2027-001")
        assert _events("casus_viewed") == 1  # written before the query, not yet committed
        assert pending() == []
        db.session.rollback()
    assert _events("casus_viewed") == 0


def test_a_failed_login_is_still_logged(app, client, people):
    resp = client.post(
        "/inloggen", data={"email": people["deelnemer"].email, "password": "verkeerd-wachtwoord"}
    )
    assert resp.status_code == 400
    assert "horen niet bij elkaar" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert_audit("login_failed", object_id=people["deelnemer"].id, person_id=None)
    # positive control: the right password logs a login
    login(client, people["deelnemer"].email)
    assert_audit("login", person_id=people["deelnemer"].id)
