"""Findings of the security review of 2026-12-02, each as a user would meet it: bad input that
gave a 500, and a change mail that named an item the recipient may no longer read."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from overleg.domain import agenda as da
from overleg.domain import indicators as di
from overleg.extensions import db
from overleg.models import IndicatorFigure, OutboxMessage
from tests.conftest import DEMO_PASSWORD, TEST_PASSWORD, login
from tests.leak_fixture import build_world
from tests.test_indicators import _plans

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email: str, password: str = TEST_PASSWORD):
    c = app.test_client()
    assert login(c, email, password).status_code == 302
    return c


def test_action_register_with_a_year_no_calendar_has_is_empty_not_an_error(app):
    w = build_world()
    member = _client(app, w.people["participant"].email)
    resp = member.get("/actiepunten/tvo?jaar=99999")
    assert resp.status_code == 200
    assert "zzopnactzz" not in resp.get_data(as_text=True)
    # positive control: the year the meetings were held in finds the action
    held_year = w.meetings["held"].starts_at.year
    resp = member.get(f"/actiepunten/tvo?jaar={held_year}")
    assert resp.status_code == 200 and "zzopnactzz" in resp.get_data(as_text=True)


def test_csv_with_a_field_too_long_for_the_csv_module_is_refused_with_a_message(app):
    _last, current = _plans()
    year = current.plan.year
    code = di.code_of(current.priorities[0].indicators[0])
    sec = _client(app, "oov@example.org", DEMO_PASSWORD)

    def upload(data: bytes):
        return sec.post(
            f"/jaarplan/{year}/indicatoren/import",
            data={"kwartaal": "1", "bestand": (io.BytesIO(data), "k1.csv")},
            content_type="multipart/form-data",
        )

    resp = upload(f"code;waarde;toelichting\n{code};5;".encode() + b"x" * 150_000)
    assert resp.status_code == 400
    assert "geen bruikbaar CSV-bestand" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(IndicatorFigure.id))) == 0
    # positive control: the same line with a short note is read
    resp = upload(f"code;waarde;toelichting\n{code};5;kort\n".encode())
    assert resp.status_code == 200 and "1 regel ingelezen" in resp.get_data(as_text=True)


def _new_mail(before: set[int]) -> dict[str, str]:
    return {
        m.recipient: m.body_text
        for m in db.session.scalars(select(OutboxMessage))
        if m.id not in before
    }


def test_change_mail_names_an_item_made_besloten_and_then_removed_by_reference(app):
    w = build_world()
    nxt = w.meetings["next"]
    item = da.add_item(nxt, title="Huisbezoek zzsecretzz", duration_minutes=5)
    db.session.flush()
    da.report_agenda_change(nxt)  # the participants are told of the open item
    db.session.commit()
    before = set(db.session.scalars(select(OutboxMessage.id)))
    # the secretary closes it to all but one, then takes it off the agenda
    da.set_besloten(item, True, {w.people["besloten"].id})
    da.remove_item(item)
    da.report_agenda_change(nxt)
    db.session.commit()
    mails = _new_mail(before)
    member = mails[w.people["participant"].email]
    assert "zzsecretzz" not in member
    assert "Vervallen: Besloten agendapunt" in member


def test_change_mail_names_a_removed_item_whose_topic_became_a_casus_by_reference(app):
    w = build_world()
    nxt = w.meetings["next"]
    topic = w.topics["opn"]  # vertrouwelijk: open items name it by its title
    item = da.add_item(nxt, title="", topic=topic, duration_minutes=5)
    db.session.flush()
    da.report_agenda_change(nxt)
    db.session.commit()
    before = set(db.session.scalars(select(OutboxMessage.id)))
    topic.confidentiality = "casus"
    da.remove_item(item)
    da.report_agenda_change(nxt)
    db.session.commit()
    member = _new_mail(before)[w.people["participant"].email]
    assert "zzopntitzz" not in member
    assert f"Vervallen: {topic.reference}" in member


def test_change_mail_still_names_a_removed_open_item_by_its_title(app):
    """Positive control for the two above: nothing changed about the item but its removal."""
    w = build_world()
    nxt = w.meetings["next"]
    item = da.add_item(nxt, title="Evenement zzopenzz", duration_minutes=5)
    db.session.flush()
    da.report_agenda_change(nxt)
    db.session.commit()
    before = set(db.session.scalars(select(OutboxMessage.id)))
    da.remove_item(item)
    da.report_agenda_change(nxt)
    db.session.commit()
    member = _new_mail(before)[w.people["participant"].email]
    assert "Vervallen: Evenement zzopenzz" in member


# --- staff pages that name a casus in full write casus_viewed; the merge list does not ---


def _casus_events(before: int):
    from overleg.models import AuditEvent

    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.id > before, AuditEvent.event == "casus_viewed")
        )
    )


def _last_event_id() -> int:
    from overleg.models import AuditEvent

    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def test_cancel_form_and_backlog_that_name_a_casus_write_an_audit_event(app):
    w = build_world()
    unp = w.meetings["unpublished"]
    cas = w.topics["cas"]
    da.add_item(unp, title="", topic=cas, duration_minutes=5)
    db.session.commit()
    sec = _client(app, w.people["secretaris"].email)
    before = _last_event_id()
    resp = sec.get(f"/overleggen/{unp.id}/annuleren")
    assert resp.status_code == 200 and "zzcastitzz" in resp.get_data(as_text=True)
    events = _casus_events(before)
    assert [e.object_ref for e in events] == [cas.reference]
    resp = sec.post(
        f"/overleggen/{unp.id}/annuleren", data={"reason": "Voorzitter ziek", "confirm": "y"}
    )
    assert resp.status_code == 302
    before = _last_event_id()
    resp = sec.get("/te-agenderen/tvo")
    assert resp.status_code == 200 and "zzcastitzz" in resp.get_data(as_text=True)
    events = _casus_events(before)
    assert len(events) == 1 and cas.reference in events[0].object_ref.split()
    assert "zzcas" not in events[0].object_ref  # references, never text
    # a participant: neither page (and so no event)
    member = _client(app, w.people["participant"].email)
    before = _last_event_id()
    assert member.get("/te-agenderen/tvo").status_code == 403
    assert member.get(f"/overleggen/{unp.id}/annuleren").status_code == 403
    assert not _casus_events(before)


def test_signal_merge_list_names_a_casus_by_reference_and_other_topics_by_title(app):
    from overleg.models import Signal

    w = build_world()
    db.session.add(
        Signal(received_at=w.meetings["held"].starts_at, what="x", location="y", status="nieuw")
    )
    db.session.commit()
    signal_id = db.session.scalar(select(Signal.id))
    sec = _client(app, w.people["secretaris"].email)
    page = sec.get(f"/signalen/{signal_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "zzcastitzz" not in text and w.topics["cas"].reference in text
    assert "zzopntitzz" in text  # positive control: an open topic by its title
    member = _client(app, w.people["participant"].email)
    assert member.get(f"/signalen/{signal_id}").status_code == 403
