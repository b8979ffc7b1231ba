"""Residents' signals: the public page works without login, refuses a filled honeypot, floods
(429, in Dutch) and oversized requests; in triage a signal becomes a topic in a body's backlog
without the resident's details; the resident gets one general e-mail; the details are erased
a configurable time after closing (on the test clock)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from overleg.domain import plan as dp
from overleg.domain import signals as ds
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AuditEvent, OutboxMessage, Signal, Theme, ThemeGroup, Topic, TopicEvent
from overleg.timeutil import today_local, utcnow
from tests.conftest import DEMO_PASSWORD, get_page, login
from tests.factories import meeting_type

pytestmark = pytest.mark.usefixtures("seeded")

NAME, EMAIL, PHONE = "Jannie Oosterhuis", "jannie.oosterhuis@example.net", "0598-123456"
WHAT = "Elke avond staan er brommers te racen over het fietspad langs het Winschoterdiep."
WHERE = "Fietspad Winschoterdiep, Foxhol"


def _this_years_plan():
    version = dp.new_plan(today_local().year)
    dp.add_priority(
        version,
        dp.PriorityData("Jeugd en veiligheid", "Problematische jeugd en jeugdgroepen", "Jeugd"),
    )
    db.session.commit()
    return version


def _theme_id() -> int:
    return db.session.scalar(
        select(Theme.id)
        .join(ThemeGroup)
        .where(ThemeGroup.year == today_local().year, Theme.name.like("Problematische%"))
    )


def _post(client, **extra):
    data = {"what": WHAT, "location": WHERE, "theme": str(_theme_id())}
    data.update(extra)
    return client.post("/signaal", data=data)


def _count() -> int:
    return db.session.scalar(select(func.count(Signal.id))) or 0


def test_the_public_page_works_without_login(client):
    _this_years_plan()
    page = get_page(client, "/signaal")
    assert "Veiligheidssignaal doorgeven" in page
    assert "Jeugd en veiligheid: Problematische jeugd en jeugdgroepen" in page
    assert '<option value="anders">Anders</option>' in page
    assert '<option value="">Kies een onderwerp</option>' in page
    # the privacy statement: what, who, how long
    assert "Wat we bewaren" in page and "Wie het leest" in page
    assert "3 maanden nadat uw signaal is afgehandeld" in page
    assert "Uitloggen" not in page  # nobody is logged in
    resp = _post(client, name=NAME, email=EMAIL, phone=PHONE)
    assert resp.status_code == 302 and resp.location.endswith("/signaal/verzonden")
    assert "uw signaal is ontvangen" in get_page(client, "/signaal/verzonden")
    signal = db.session.scalars(select(Signal)).one()
    assert (signal.what, signal.location, signal.contact_email) == (WHAT, WHERE, EMAIL)
    assert signal.theme_id == _theme_id() and signal.status == "nieuw"
    # no tracking: no audit event (it would keep the sender's address)
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
    # "anders" and anonymous
    assert _post(client, theme="anders").status_code == 302
    assert db.session.scalars(select(Signal).order_by(Signal.id.desc())).first().theme_id is None


def test_a_filled_honeypot_is_refused(client):
    _this_years_plan()
    resp = _post(client, website="http://spam.example")
    assert resp.status_code == 400
    assert "Uw signaal is niet verzonden" in resp.get_data(as_text=True)
    assert _count() == 0
    assert _post(client).status_code == 302 and _count() == 1  # positive control


def test_floods_are_throttled_in_dutch(client):
    _this_years_plan()
    for _ in range(5):
        assert _post(client).status_code == 302
    resp = _post(client)
    assert resp.status_code == 429
    assert "te veel signalen doorgegeven" in resp.get_data(as_text=True)
    assert _count() == 5


def test_bad_and_oversized_input_is_refused(client):
    _this_years_plan()
    resp = client.post("/signaal", data={"what": "", "location": "", "theme": ""})
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert "Beschrijf wat er aan de hand is." in text and "Kies een onderwerp" in text
    resp = _post(client, what="x" * 25_000)
    assert resp.status_code == 413 and "te lang" in resp.get_data(as_text=True)
    resp = _post(client, theme="999999")
    assert resp.status_code == 400
    resp = _post(client, email="geen-adres")
    assert resp.status_code == 400 and "geldig e-mailadres" in resp.get_data(as_text=True)
    assert _count() == 0


def _signal(**contact) -> Signal:
    signal = ds.submit(
        what=WHAT, location=WHERE, theme_id=_theme_id(), year=today_local().year, **contact
    )
    db.session.commit()
    return signal


def _as(app, email):
    client = app.test_client()
    assert login(client, email, DEMO_PASSWORD).status_code == 302
    return client


def test_a_signal_becomes_a_topic_without_the_residents_details(app):
    _this_years_plan()
    signal = _signal(name=NAME, email=EMAIL, phone=PHONE)
    sec = _as(app, "oov@example.org")
    page = get_page(sec, "/signalen")
    assert signal.reference in page and WHERE in page
    page = get_page(sec, f"/signalen/{signal.id}")
    assert WHAT in page and EMAIL in page
    ovo = meeting_type("ovo")
    resp = sec.post(
        f"/signalen/{signal.id}/onderwerp",
        data={
            "onderwerp-meeting_type": str(ovo.id),
            "onderwerp-title": "Brommers op het fietspad Winschoterdiep",
            "onderwerp-description": "Inwoner meldt avondlijke overlast van brommers.",
            "onderwerp-confidentiality": "vertrouwelijk",
        },
    )
    assert resp.status_code == 302
    db.session.expire_all()
    topic = db.session.scalars(select(Topic)).one()
    assert topic.reference.startswith("OVO-") and topic.meeting_type_id == ovo.id
    assert topic.status == "nieuw" and topic.theme_id == signal.theme_id
    # nothing of the resident, nor the signal's own text, travels
    notes = " ".join(e.note or "" for e in db.session.scalars(select(TopicEvent)))
    for secret in (NAME, EMAIL, PHONE, WHAT):
        assert secret not in (topic.title + (topic.description or "") + notes)
    assert signal.reference in notes  # positive control: the link is there
    signal = db.session.get(Signal, signal.id)
    assert signal.status == "onderwerp" and signal.topic_id == topic.id
    # it waits with the OVO as a new topic, to be put on one of its agendas
    assert topic.reference in get_page(sec, "/onderwerpen?overleg=ovo&status=nieuw")
    # one general e-mail to the resident
    mails = db.session.scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in mails] == [EMAIL]
    body = mails[0].body_text
    assert "doorgezet naar het veiligheidsoverleg" in body and signal.reference in body
    for secret in (WHAT, topic.reference, topic.title, NAME):
        assert secret not in body
    # a second triage step is refused, in Dutch
    resp = sec.post(f"/signalen/{signal.id}/sluiten", data={"sluiten-reason": "Dubbel"})
    assert resp.status_code == 409 and "al afgehandeld" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_participants_never_see_signals(app):
    _this_years_plan()
    signal = _signal(name=NAME, email=EMAIL)
    member = _as(app, "specialist@example.org")
    assert member.get("/signalen").status_code == 403
    assert member.get(f"/signalen/{signal.id}").status_code == 403
    sec = _as(app, "oov@example.org")
    assert sec.get(f"/signalen/{signal.id}").status_code == 200  # positive control


def test_merge_and_close_with_one_general_mail_each(app):
    _this_years_plan()
    topic = create_topic(title="Jeugdoverlast Foxhol", meeting_type=meeting_type("ovo"))
    db.session.commit()
    merged = _signal(email=EMAIL)
    closed = _signal(email="ander@example.net")
    anonymous = _signal()
    sec = _as(app, "oov@example.org")
    resp = sec.post(f"/signalen/{merged.id}/samenvoegen", data={"samenvoegen-topic": topic.id})
    assert resp.status_code == 302
    resp = sec.post(f"/signalen/{closed.id}/sluiten", data={"sluiten-reason": ""})
    assert resp.status_code == 400 and "Vul de reden in." in resp.get_data(as_text=True)
    reason = "Valt onder de wegbeheerder, doorgestuurd aan de provincie"
    resp = sec.post(f"/signalen/{closed.id}/sluiten", data={"sluiten-reason": reason})
    assert resp.status_code == 302
    resp = sec.post(f"/signalen/{anonymous.id}/sluiten", data={"sluiten-reason": "Anoniem"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Signal, merged.id).topic_id == topic.id
    mails = {m.recipient: m.body_text for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {EMAIL, "ander@example.net"}  # the anonymous one: no mail
    assert "al in het veiligheidsoverleg" in mails[EMAIL]
    assert "afgehandeld" in mails["ander@example.net"]
    assert reason not in mails["ander@example.net"]
    assert "gesloten" in get_page(sec, "/signalen?status=gesloten").lower()


def test_details_are_erased_after_the_term(app, clock):
    _this_years_plan()
    signal = _signal(name=NAME, email=EMAIL, phone=PHONE)
    open_one = _signal(name="Nog open", email="open@example.net")
    ds.close(signal, "Opgelost", municipality="Gemeente")
    db.session.commit()
    closed_at = signal.closed_at
    assert app.config["SIGNAL_CONTACT_RETENTION_MONTHS"] == 3
    runner = app.test_cli_runner()
    # just before the term: kept
    clock.move_to(closed_at + timedelta(days=88))
    assert ds.erase_contact_details(3) == 0
    db.session.commit()
    assert db.session.get(Signal, signal.id).contact_email == EMAIL
    # after three months: erased, by the retention command
    clock.move_to(closed_at + timedelta(days=93))
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    assert "bij 1 signalen" in result.output
    db.session.expire_all()
    signal = db.session.get(Signal, signal.id)
    assert (signal.contact_name, signal.contact_email, signal.contact_phone) == (None, None, None)
    assert signal.contact_erased_at == utcnow() and signal.what == WHAT
    message = db.session.get(OutboxMessage, signal.reply_message_id)
    assert message.recipient != EMAIL and EMAIL not in message.body_text
    # a signal still in triage keeps its details
    assert db.session.get(Signal, open_one.id).contact_email == "open@example.net"
    assert runner.invoke(args=["retention"]).output.count("bij 0 signalen") == 1


def test_the_term_is_configurable(app, clock):
    _this_years_plan()
    signal = _signal(email=EMAIL)
    ds.close(signal, "Opgelost")
    db.session.commit()
    clock.move_to(signal.closed_at + timedelta(days=40))
    assert ds.erase_contact_details(3) == 0
    assert ds.erase_contact_details(1) == 1
    assert re.fullmatch(r"SIG-\d{4}-\d{4}", signal.reference)
