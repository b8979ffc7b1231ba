"""Who may use which endpoint: the expected rule of every endpoint, and what each kind of user
gets back when they call it with the real ids of a small world of meetings and registers.

Two tables, both reviewed by hand:

- ``EXPECTED_RULES``: endpoint -> the rule it must declare (see overleg/access.py). An endpoint
  missing from the table, or declaring another rule (a secretary action marked ``login``), fails.
- ``EXPECTED_STATUS``: endpoint -> the status each persona gets once the rule lets them in.
  Every URL is built from real ids of the ``world`` fixture, so the view's own object checks
  (need to know: a participant who is not invited gets 404) are reached. Where the rule itself
  refuses, the status follows from the rule: anonymous GET -> redirect to /inloggen, anonymous
  POST -> 401, a role below the rule -> 403.

Personas: ``anonymous``; ``buitenstaander``, a deelnemer invited to none of the world's
meetings (the wijkagent); ``deelnemer``, a member of the world's TVO meetings (the operationeel
specialist); ``secretaris`` (the OOV ambtenaar); ``beheerder``.
"""

from __future__ import annotations

import hashlib
import traceback
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from overleg.access import RULES, access, enforce_access, rule_for
from overleg.auth.services import start_session
from overleg.calendar.feeds import ensure_feed_token
from overleg.domain import aanpak as daanpak
from overleg.domain import plan as dp
from overleg.domain.actions import add_action, close_between_meetings
from overleg.domain.agenda import add_item, propose_item
from overleg.domain.decisions import add_decision
from overleg.domain.documents import add_document
from overleg.domain.escalation import escalate
from overleg.domain.minutes import approve, ensure_minutes, send_for_approval
from overleg.domain.series import create_series
from overleg.domain.signals import submit as submit_signal
from overleg.domain.topics import create_topic
from overleg.extensions import db as _db
from overleg.extensions import login_manager
from overleg.mail.outbox import queue_meeting_mail
from overleg.models import (
    ActionItem,
    AgendaItem,
    AgendaTemplateItem,
    Decision,
    Document,
    EscalationPath,
    LoginSession,
    MeetingType,
    Organisation,
    OutboxMessage,
    Participant,
    Person,
    Role,
    RoleHolding,
    RosterEntry,
    Unavailability,
    VacantSeat,
)
from overleg.models.retention import LegalHold
from overleg.timeutil import today_local
from tests.conftest import make_person
from tests.doc_samples import make_pdf
from tests.factories import make_meeting, meeting_type, person, publish

PERSONAS = ("anonymous", "buitenstaander", "deelnemer", "secretaris", "beheerder")
PERSONA_EMAILS = {
    "buitenstaander": "wijkagent@example.org",
    "deelnemer": "specialist@example.org",
    "secretaris": "oov@example.org",
    "beheerder": "beheerder@example.org",
}
SKIP_METHODS = {"HEAD", "OPTIONS"}

# --- the expected rule of every endpoint (reviewed by hand) -------------------------------------

EXPECTED_RULES: dict[str, str] = {
    # the plan van aanpak of a topic: read with the topic; the secretaris keeps it
    "aanpak.add_measure": "secretaris",
    "aanpak.add_note": "secretaris",
    "aanpak.adopt": "secretaris",
    "aanpak.edit_measure": "secretaris",
    "aanpak.mine": "login",
    "aanpak.plan": "login",
    "aanpak.remove_measure": "secretaris",
    "aanpak.version": "login",
    # administration: the beheerder; bodies' rosters and agenda templates also the secretaris
    "admin.audit_log": "beheerder",
    "admin.audit_log_export": "beheerder",
    "admin.holding_delete": "beheerder",
    "admin.holding_edit": "beheerder",
    "admin.holding_new": "beheerder",
    "admin.index": "beheerder",
    "admin.meeting_type_delete": "beheerder",
    "admin.meeting_type_edit": "beheerder",
    "admin.meeting_type_new": "beheerder",
    "admin.meeting_type_roster": "secretaris",
    "admin.meeting_type_template": "secretaris",
    "admin.meeting_types": "beheerder",
    "admin.organisation_delete": "beheerder",
    "admin.organisation_edit": "beheerder",
    "admin.organisation_new": "beheerder",
    "admin.organisations": "beheerder",
    "admin.path_delete": "beheerder",
    "admin.paths": "beheerder",
    "admin.people": "beheerder",
    "admin.person_account": "beheerder",
    "admin.person_account_remove": "beheerder",
    "admin.person_delete": "beheerder",
    "admin.person_edit": "beheerder",
    "admin.person_new": "beheerder",
    "admin.person_second_factor_reset": "beheerder",
    "admin.person_unavailability": "beheerder",
    "admin.person_unavailability_delete": "beheerder",
    "admin.role_delete": "beheerder",
    "admin.role_edit": "beheerder",
    "admin.role_new": "beheerder",
    "admin.roles": "beheerder",
    "admin.roster_entry_delete": "secretaris",
    "admin.roster_entry_update": "secretaris",
    "admin.template_item_delete": "secretaris",
    "admin.template_item_edit": "secretaris",
    "admin.template_item_move": "secretaris",
    "minutes.retention": "beheerder",
    "minutes.place_hold": "beheerder",
    "minutes.place_topic_hold": "beheerder",
    "minutes.register_export": "beheerder",
    "minutes.lift_hold": "beheerder",
    "minutes.destroy": "beheerder",
    # the agenda: the secretaris prepares it; participants read it and propose items
    "agenda.accept": "secretaris",
    "agenda.add": "secretaris",
    "agenda.conclude": "secretaris",
    "agenda.decline": "secretaris",
    "agenda.edit": "secretaris",
    "agenda.escalate": "secretaris",
    "agenda.item_access": "secretaris",
    "agenda.move": "secretaris",
    "agenda.propose": "login",
    "agenda.publish": "secretaris",
    "agenda.remove": "secretaris",
    "agenda.report_change": "secretaris",
    "agenda.view": "login",
    # accounts
    "auth.break_glass": "public",
    "auth.change_password": "login",
    "auth.confirm_password": "login",
    "auth.login": "public",
    "auth.logout": "login",
    "auth.oidc_callback": "public",
    "auth.oidc_login": "public",
    "auth.second_factor": "public",
    "auth.enrol_at_login": "public",
    "auth.mfa_settings": "login",
    "auth.mfa_enrol": "login",
    "auth.mfa_recovery_codes": "login",
    "auth.mfa_disable": "login",
    # calendar: the subscription is opened with its secret token
    "calendar.alarm": "login",
    "calendar.feed": "token",
    "calendar.meeting_ics": "login",
    "calendar.renew_feed": "login",
    # documents
    "documents.agenda_pdf": "login",
    "documents.bundle_pdf": "login",
    "documents.delete_document": "secretaris",
    "documents.download": "login",
    "documents.item_documents": "secretaris",
    "documents.meeting_documents": "login",
    # outgoing mail: the secretaris
    "mail.message": "secretaris",
    "mail.message_ics": "secretaris",
    "mail.outbox": "secretaris",
    "mail.retry": "secretaris",
    # home
    "main.health": "public",
    "main.home": "login",
    "main.profile": "login",
    # meetings: the secretaris plans; participants read and answer
    "meetings.add_guest": "secretaris",
    "meetings.attendance": "secretaris",
    "meetings.cancel": "secretaris",
    "meetings.edit": "secretaris",
    "meetings.mine": "login",
    "meetings.new": "secretaris",
    "meetings.planning": "secretaris",
    "meetings.remove_guest": "secretaris",
    "meetings.fill_seat": "secretaris",
    "meetings.rsvp": "login",
    "meetings.series_edit": "secretaris",
    "meetings.series_new": "secretaris",
    "meetings.series_view": "secretaris",
    "meetings.view": "login",
    # minutes and registers: the secretaris writes; participants read; owners close their own
    "minutes.action_register": "login",
    "minutes.add_action": "secretaris",
    "minutes.add_decision": "secretaris",
    "minutes.approve": "secretaris",
    "minutes.attendance": "secretaris",
    "minutes.back_to_concept": "secretaris",
    "minutes.close_action": "secretaris",
    "minutes.close_own_action": "login",
    "minutes.correction": "secretaris",
    "minutes.decision_register": "login",
    "minutes.delete_action": "secretaris",
    "minutes.delete_decision": "secretaris",
    "minutes.edit_action": "secretaris",
    "minutes.edit_decision": "secretaris",
    "minutes.index": "login",
    "minutes.my_actions": "login",
    "minutes.page": "login",
    "minutes.pdf": "login",
    "minutes.registers": "login",
    "minutes.reopen_action": "secretaris",
    "minutes.save_notes": "secretaris",
    "minutes.send": "secretaris",
    "minutes.version": "login",
    "minutes.version_pdf": "login",
    # the jaarplan: everyone reads an adopted plan; the secretaris drafts and adopts
    "plan.adopt": "secretaris",
    "plan.copy": "secretaris",
    "plan.edit": "secretaris",
    "plan.index": "login",
    "plan.indicator_import": "secretaris",
    "plan.indicator_template": "secretaris",
    "plan.indicators": "secretaris",
    "plan.new_version": "secretaris",
    "plan.report": "login",
    "plan.report_csv": "login",
    "plan.report_pdf": "login",
    "plan.show": "login",
    # residents' signals: the public page; the triage is the secretaris'
    "signals.close": "secretaris",
    "signals.make_topic": "secretaris",
    "signals.merge": "secretaris",
    "signals.report": "public",
    "signals.thanks": "public",
    "search.index": "login",
    "signals.triage": "secretaris",
    "signals.view": "secretaris",
    "static": "public",
    # topics and escalations: the secretaris manages; participants read what they may know
    "topics.backlog": "secretaris",
    "topics.backlogs": "secretaris",
    "topics.edit": "secretaris",
    "topics.escalations": "secretaris",
    "topics.index": "login",
    "topics.new": "secretaris",
    "topics.place": "secretaris",
    "topics.place_feedback": "secretaris",
    "topics.place_returned": "secretaris",
    "topics.set_status": "secretaris",
    "topics.view": "login",
}

# --- what each persona gets once the rule admits them (reviewed by hand) -------------------------
# (buitenstaander, deelnemer, secretaris, beheerder); None where the rule refuses the persona
# (the status then follows from the rule). Anonymous is admitted to public and token routes
# only: those rows add its status first (five values). GET where the endpoint has it, otherwise
# POST with an empty form. 302/303: done (or a flash message) and back to a page.

EXPECTED_STATUS: dict[str, tuple[int | str | None, ...]] = {
    "aanpak.add_measure": (None, None, 400, 400),  # an empty form: 400
    "aanpak.add_note": (None, None, 400, 400),
    "aanpak.adopt": (None, None, 200, 200),
    "aanpak.edit_measure": (None, None, 200, 200),
    "aanpak.mine": (200, 200, 200, 200),
    "aanpak.plan": (404, 200, 200, 200),  # the topic's plan: who reads the topic in full
    "aanpak.remove_measure": (None, None, 302, 302),  # a spare without history
    "aanpak.version": (404, 200, 200, 200),
    "admin.audit_log": (None, None, None, 200),
    "admin.audit_log_export": (None, None, None, 200),
    "admin.holding_delete": (None, None, None, 302),
    "admin.holding_edit": (None, None, None, 200),
    "admin.holding_new": (None, None, None, 200),
    "admin.index": (None, None, None, 200),
    "admin.meeting_type_delete": (None, None, None, 302),
    "admin.meeting_type_edit": (None, None, None, 200),
    "admin.meeting_type_new": (None, None, None, 200),
    "admin.meeting_type_roster": (None, None, 200, 200),
    "admin.meeting_type_template": (None, None, 200, 200),
    "admin.meeting_types": (None, None, None, 200),
    "admin.organisation_delete": (None, None, None, 302),
    "admin.organisation_edit": (None, None, None, 200),
    "admin.organisation_new": (None, None, None, 200),
    "admin.organisations": (None, None, None, 200),
    "admin.path_delete": (None, None, None, 302),
    "admin.paths": (None, None, None, 200),
    "admin.people": (None, None, None, 200),
    "admin.person_account": (None, None, None, 200),
    "admin.person_account_remove": (None, None, None, 302),
    "admin.person_delete": (None, None, None, 302),
    "admin.person_edit": (None, None, None, 200),
    "admin.person_new": (None, None, None, 200),
    "admin.person_second_factor_reset": (None, None, None, 302),  # none set: a message, back
    "admin.person_unavailability": (None, None, None, 200),
    "admin.person_unavailability_delete": (None, None, None, 302),
    "admin.role_delete": (None, None, None, 302),
    "admin.role_edit": (None, None, None, 200),
    "admin.role_new": (None, None, None, 200),
    "admin.roles": (None, None, None, 200),
    "admin.roster_entry_delete": (None, None, 302, 302),
    "admin.roster_entry_update": (None, None, 400, 400),
    "admin.template_item_delete": (None, None, 302, 302),
    "admin.template_item_edit": (None, None, 200, 200),
    "admin.template_item_move": (None, None, 302, 302),
    "agenda.accept": (None, None, 302, 302),
    "agenda.add": (None, None, 400, 400),
    "agenda.conclude": (None, None, 200, 200),
    "agenda.decline": (None, None, 200, 200),
    "agenda.edit": (None, None, 200, 200),
    "agenda.escalate": (None, None, 200, 200),
    "agenda.item_access": (None, None, 200, 200),
    "agenda.move": (None, None, 302, 302),
    "agenda.propose": (404, 400, 400, 400),  # not invited: 404; an empty proposal: 400
    "agenda.publish": (None, None, 302, 302),
    "agenda.remove": (None, None, 302, 302),
    "agenda.report_change": (None, None, 302, 302),
    "agenda.view": (
        404,
        200,
        200,
        200,
    ),  # the meeting's pages: 404 to a participant who is not invited
    "auth.break_glass": (200, 302, 302, 302, 302),
    "auth.change_password": (200, 200, 200, 200),
    "auth.confirm_password": (200, 200, 200, 200),
    "auth.login": (200, 302, 302, 302, 302),
    "auth.logout": (
        "logged out",
        "logged out",
        "logged out",
        "logged out",
    ),  # the session ends, then the login page
    # single sign-on: no such pages while it is not configured (tests/test_oidc.py)
    "auth.oidc_callback": (404, 404, 404, 404, 404),
    "auth.oidc_login": (404, 404, 404, 404, 404),
    # the second step of a login: without a pending login back to /inloggen; logged in: home
    "auth.second_factor": ("login", 302, 302, 302, 302),
    "auth.enrol_at_login": ("login", 302, 302, 302, 302),
    "auth.mfa_settings": (200, 200, 200, 200),
    "auth.mfa_enrol": (200, 200, 200, 200),
    "auth.mfa_recovery_codes": (302, 302, 302, 302),  # none set up: a message, back
    "auth.mfa_disable": (302, 302, 302, 302),  # none set up: a message, back
    "calendar.alarm": (400, 400, 400, 400),
    "calendar.feed": (
        200,
        200,
        200,
        200,
        200,
    ),  # the real token of the deelnemer opens the feed for anyone
    "calendar.meeting_ics": (404, 200, 200, 200),
    "calendar.renew_feed": (302, 302, 302, 302),
    "documents.agenda_pdf": (404, 200, 200, 200),
    "documents.bundle_pdf": (404, 200, 200, 200),
    "documents.delete_document": (None, None, 302, 302),
    "documents.download": (404, 200, 200, 200),
    "documents.item_documents": (None, None, 200, 200),
    "documents.meeting_documents": (404, 200, 200, 200),
    "mail.message": (None, None, 200, 200),
    "mail.message_ics": (None, None, 200, 200),
    "mail.outbox": (None, None, 200, 200),
    "mail.retry": (None, None, 302, 302),
    "main.health": (200, 200, 200, 200, 200),
    "main.home": (200, 200, 200, 200),
    "main.profile": (200, 200, 200, 200),
    "meetings.add_guest": (None, None, 400, 400),
    "meetings.attendance": (None, None, 302, 302),  # the one screen: the minutes page
    "meetings.cancel": (None, None, 200, 200),
    "meetings.edit": (None, None, 200, 200),
    "meetings.mine": (200, 200, 200, 200),
    "meetings.new": (None, None, 200, 200),
    "meetings.planning": (None, None, 200, 200),
    "meetings.remove_guest": (None, None, 302, 302),
    "meetings.fill_seat": (None, None, 303, 303),  # nobody picked: back to the page
    "meetings.rsvp": (
        404,
        400,
        400,
        403,
    ),  # only participants answer; the beheerder sees the meeting: 403
    "meetings.series_edit": (None, None, 200, 200),
    "meetings.series_new": (None, None, 200, 200),
    "meetings.series_view": (None, None, 200, 200),
    "meetings.view": (404, 200, 200, 200),
    "minutes.action_register": (404, 200, 200, 200),  # a body one does not sit in: 404
    "minutes.add_action": (None, None, 400, 400),
    "minutes.add_decision": (None, None, 400, 400),
    "minutes.approve": (None, None, 302, 302),
    "minutes.attendance": (None, None, 400, 400),
    "minutes.back_to_concept": (None, None, 409, 409),  # already a concept: 409
    "minutes.close_action": (None, None, 302, 302),
    "minutes.close_own_action": (404, 302, 302, 302),  # the owner (or a secretary) closes it
    "minutes.correction": (None, None, 200, 200),
    "minutes.decision_register": (404, 200, 200, 200),  # a body one does not sit in: 404
    "minutes.delete_action": (None, None, 302, 302),
    "minutes.delete_decision": (None, None, 302, 302),
    "minutes.edit_action": (None, None, 400, 400),  # an empty form: refused beside the field
    "minutes.edit_decision": (None, None, 400, 400),
    "minutes.index": (200, 200, 200, 200),
    "minutes.my_actions": (200, 200, 200, 200),
    "minutes.page": (404, 200, 200, 200),
    "minutes.pdf": (404, 404, 200, 200),  # concept minutes: no PDF for participants yet
    "minutes.registers": (200, 200, 200, 200),
    "minutes.reopen_action": (
        None,
        None,
        400,
        400,
    ),  # closed between meetings, not in this one: 400
    "minutes.retention": (None, None, None, 200),
    "minutes.place_hold": (None, None, None, 200),
    "minutes.place_topic_hold": (None, None, None, 200),  # no reference yet: the form
    "minutes.register_export": (None, None, None, 200),
    "minutes.lift_hold": (None, None, None, 400),  # no reason given: 400
    "minutes.destroy": (None, None, None, 400),  # nothing chosen: 400
    "minutes.save_notes": (None, None, 302, 302),
    "minutes.send": (None, None, 302, 302),
    "minutes.version": (404, 200, 200, 200),
    "minutes.version_pdf": (404, 200, 200, 200),
    "plan.adopt": (None, None, 200, 200),
    "plan.copy": (None, None, 200, 200),
    "plan.edit": (None, None, 200, 200),
    "plan.index": (200, 200, 200, 200),
    "plan.indicator_import": (None, None, 400, 400),  # no file chosen: 400
    "plan.indicator_template": (None, None, 200, 200),
    "plan.indicators": (None, None, 200, 200),
    "plan.new_version": (None, None, 303, 303),  # a concept exists already: a message, back
    "plan.report": (404, 200, 200, 200),  # the deelnemer sits in the PO (a strategic body)
    "plan.report_csv": (404, 200, 200, 200),
    "plan.report_pdf": (404, 200, 200, 200),
    "plan.show": (200, 200, 200, 200),  # an adopted plan
    "signals.close": (None, None, 400, 400),  # no reason given: 400
    "signals.make_topic": (None, None, 400, 400),
    "signals.merge": (None, None, 400, 400),
    "signals.report": (200, 200, 200, 200, 200),
    "signals.thanks": (200, 200, 200, 200, 200),
    "search.index": (200, 200, 200, 200),
    "signals.triage": (None, None, 200, 200),
    "signals.view": (None, None, 200, 200),
    "static": (200, 200, 200, 200, 200),
    "topics.backlog": (None, None, 200, 200),
    "topics.backlogs": (None, None, 302, 302),  # to the first body's list
    "topics.edit": (None, None, 200, 200),
    "topics.escalations": (None, None, 200, 200),
    "topics.index": (200, 200, 200, 200),
    "topics.new": (None, None, 200, 200),
    "topics.place": (None, None, 303, 303),  # no meeting chosen: a message and back (303)
    "topics.place_feedback": (None, None, 303, 303),  # no meeting chosen: a message and back (303)
    "topics.place_returned": (None, None, 303, 303),  # no meeting chosen: a message and back (303)
    "topics.set_status": (None, None, 400, 400),
    "topics.view": (404, 200, 200, 200),
}


def rule_differences(app: Flask, expected: dict[str, str]) -> list[str]:
    """Every endpoint whose declared rule is not the expected one, or that is missing from
    (or only in) the table."""
    with app.test_request_context():
        declared = {e: rule_for(e) for e in app.view_functions}
    problems = [f"{e}: not in EXPECTED_RULES" for e in sorted(set(declared) - set(expected))]
    problems += [
        f"{e}: in EXPECTED_RULES but no such endpoint"
        for e in sorted(set(expected) - set(declared))
    ]
    problems += [
        f"{e}: declares {declared[e]!r}, expected {expected[e]!r}"
        for e in sorted(set(declared) & set(expected))
        if declared[e] != expected[e]
    ]
    return problems


def undeclared_endpoints(app: Flask) -> list[str]:
    with app.test_request_context():
        return sorted(e for e in app.view_functions if rule_for(e) not in RULES)


# --- the world ------------------------------------------------------------------------------


@pytest.fixture
def world(seeded):
    """Real objects of every kind an endpoint takes an id of. Objects that an endpoint deletes
    are spares of their own, so the other endpoints still find theirs."""
    sec = person("oov@example.org")
    member = person("specialist@example.org")
    guest = person("veiligthuis@example.org")
    social = _db.session.scalar(select(Role).where(Role.name == "Coördinator sociaal team"))
    today = today_local()
    parts = [(member, "member"), (sec, "secretary")]
    oldest = make_meeting("tvo", today - timedelta(days=35), participants=parts)
    earlier = make_meeting("tvo", today - timedelta(days=21), participants=parts)
    held = make_meeting("tvo", today - timedelta(days=7), participants=parts)
    upcoming = make_meeting(
        "tvo", today + timedelta(days=7), participants=parts + [(guest, "guest")]
    )
    concept = make_meeting("tvo", today + timedelta(days=21), participants=parts)
    for m in (oldest, earlier, held, upcoming):
        publish(m, commit=False)
    topic = create_topic(
        title="Overlast jongeren Stationsplein",
        meeting_type=meeting_type("tvo"),
        confidentiality="vertrouwelijk",
        year=today.year,
    )
    item = add_item(held, title="", topic=topic, description="Aanpak met jongerenwerk")
    spare_item = add_item(upcoming, title="Mededelingen politie")
    proposal = propose_item(
        upcoming, member, title="Vuurwerkoverlast", purpose="bespreking", duration_minutes=10
    )
    camera = create_topic(
        title="Cameratoezicht centrum", meeting_type=meeting_type("tvo"), year=today.year
    )
    upcoming_item = add_item(upcoming, title="", topic=camera)
    _db.session.flush()
    doc = add_document(item, "plan.pdf", make_pdf(["Plan van aanpak"]), sec, mark_changed=False)
    spare_doc = add_document(item, "oud.pdf", make_pdf(["Oude versie"]), sec, mark_changed=False)
    decision = add_decision(held, item, "Extra toezicht in de avonduren")
    spare_decision = add_decision(held, item, "Besluit dat wordt ingetrokken")
    own_action = add_action(held, item, "Gesprek met ouders plannen", owner_person=member)
    action = add_action(held, item, "Jongerenwerk uitnodigen", owner_person=member)
    closed_action = add_action(held, item, "Verlichting herstellen", owner_person=member)
    spare_action = add_action(held, item, "Actie die vervalt", owner_person=member)
    _db.session.flush()
    close_between_meetings(closed_action, member, "Gedaan")
    # the oldest minutes wait for approval at held, earlier's were approved there (version 1);
    # held's own minutes are a concept the secretary still writes
    oldest_minutes = ensure_minutes(oldest, sec)
    send_for_approval(oldest_minutes, sec)
    earlier_minutes = ensure_minutes(earlier, sec)
    send_for_approval(earlier_minutes, sec)
    approve(earlier_minutes, held, sec, render_pdf=False)
    held_minutes = ensure_minutes(held, sec)
    esc = escalate(
        upcoming_item,
        meeting_type("driehoek"),
        question="Mandaat voor cameratoezicht?",
        reason="Overlast houdt aan",
        by=sec,
        auto_place=False,
    )
    series = create_series(
        meeting_type("po"),
        first_date=today + timedelta(days=30),
        start_time=time(9, 0),
        occurrences=3,
        send=False,
    )
    queue_meeting_mail(upcoming, [member], "REQUEST", "invitation")
    ensure_feed_token(member)
    # spares for the administration's delete endpoints
    spare_org = Organisation(name="Stichting Buurtbemiddeling", short_name="BB", kind="overig")
    spare_role = Role(name="Buurtbemiddelaar", organisation=spare_org)
    spare_type = MeetingType(
        code="proef", name="Proefoverleg", level="operationeel", default_duration_minutes=60
    )
    _db.session.add_all([spare_org, spare_role, spare_type])
    _db.session.flush()
    empty_org = Organisation(name="Stichting Opgeheven", short_name="SO", kind="overig")
    _db.session.add(empty_org)
    spare_person = make_person("spare@example.org", name="Reserve Persoon")
    account = make_person("account@example.org", name="Account Houder", organisation=spare_org)
    holding = RoleHolding(role=spare_role, person=account, start_date=date(2019, 1, 1))
    absence = Unavailability(
        person=account,
        start_date=today + timedelta(days=3),
        end_date=today + timedelta(days=5),
        reason="Vakantie",
    )
    seat = VacantSeat(meeting=held, role=social, part="member")
    legal_hold = LegalHold(meeting=earlier, reason="Rechtszaak", held_since=today)
    _db.session.add_all([holding, absence, seat, legal_hold])
    adopted_plan = dp.new_plan(today.year - 1)
    dp.add_priority(adopted_plan, dp.PriorityData("Geweld", "Huiselijk geweld", "Aanpak"))
    dp.mark_adopted_before(adopted_plan, datetime(today.year - 1, 2, 1), "Vastgesteld")
    concept_plan = dp.copy_to_year(today.year)
    measure = daanpak.add_measure(
        topic,
        daanpak.MeasureData(title="Jongerenwerk inzetten", organisation=member.organisation),
        by=sec,
    )
    spare_measure = daanpak.add_measure(
        topic, daanpak.MeasureData(title="Maatregel die vervalt", organisation=spare_org), by=sec
    )
    signal = submit_signal(
        what="Brommers op het fietspad", location="Foxhol", theme_id=None, year=today.year
    )
    _db.session.commit()
    tvo = meeting_type("tvo")
    po = meeting_type("po")

    def first(model, *where):
        return _db.session.scalars(select(model).where(*where).order_by(model.id)).first()

    ids = {
        "meeting_id": held.id,
        "item_id": item.id,
        "topic_id": topic.id,
        "doc_id": doc.id,
        "decision_id": decision.id,
        "action_id": action.id,
        "minutes_id": held_minutes.id,
        "number": 1,
        "esc_id": esc.id,
        "series_id": series.id,
        "message_id": first(OutboxMessage, OutboxMessage.meeting_id == upcoming.id).id,
        "token": member.feed_token,
        "code": "tvo",
        "person_id": member.id,
        "org_id": member.organisation_id,
        "role_id": first(Role, Role.organisation_id == member.organisation_id).id,
        "holding_id": first(RoleHolding, RoleHolding.person_id == member.id).id,
        "type_id": tvo.id,
        "entry_id": first(RosterEntry, RosterEntry.meeting_type_id == tvo.id).id,
        "path_id": first(EscalationPath, EscalationPath.from_type_id == tvo.id).id,
        "participant_id": first(
            Participant, Participant.meeting_id == upcoming.id, Participant.person_id == guest.id
        ).id,
        "seat_id": seat.id,
        "hold_id": legal_hold.id,
        "filename": "css/overleg.css",
        "where": "omlaag",
        "direction": "omlaag",
        "year": today.year - 1,
        "version_id": concept_plan.id,
        "signal_id": signal.id,
        "measure_id": measure.id,
    }
    template_item = first(AgendaTemplateItem, AgendaTemplateItem.meeting_type_id == tvo.id)
    overrides = {
        # a meeting still to come: answer, guests, change and cancel forms
        "meetings.rsvp": {"meeting_id": upcoming.id},
        "meetings.add_guest": {"meeting_id": upcoming.id},
        "meetings.remove_guest": {"meeting_id": upcoming.id},
        "meetings.fill_seat": {"meeting_id": held.id},
        "meetings.edit": {"meeting_id": upcoming.id},
        "meetings.cancel": {"meeting_id": upcoming.id},
        "agenda.propose": {"meeting_id": upcoming.id},
        "agenda.add": {"meeting_id": upcoming.id},
        "agenda.report_change": {"meeting_id": upcoming.id},
        "agenda.publish": {"meeting_id": concept.id},
        "agenda.accept": {"item_id": proposal.id},
        "agenda.decline": {"item_id": proposal.id},
        "agenda.escalate": {"item_id": upcoming_item.id},
        "agenda.move": {"item_id": upcoming_item.id},
        "agenda.remove": {"item_id": spare_item.id},
        # the approved minutes and their first version
        "minutes.version": {"meeting_id": earlier.id},
        "minutes.version_pdf": {"meeting_id": earlier.id},
        "minutes.approve": {"meeting_id": held.id, "minutes_id": oldest_minutes.id},
        "minutes.correction": {"meeting_id": earlier.id},
        "minutes.close_own_action": {"action_id": own_action.id},
        "minutes.reopen_action": {"action_id": closed_action.id},
        # agenda templates
        "admin.template_item_delete": {"item_id": template_item.id},
        "admin.template_item_edit": {"item_id": template_item.id},
        "admin.template_item_move": {"item_id": template_item.id},
        "admin.person_unavailability_delete": {"person_id": account.id, "item_id": absence.id},
        # spares the delete endpoints may remove
        "documents.delete_document": {"doc_id": spare_doc.id},
        "minutes.delete_decision": {"decision_id": spare_decision.id},
        "minutes.delete_action": {"action_id": spare_action.id},
        "aanpak.remove_measure": {"measure_id": spare_measure.id},
        "admin.person_delete": {"person_id": spare_person.id},
        "admin.person_account_remove": {"person_id": account.id},
        "admin.organisation_delete": {"org_id": empty_org.id},
        "admin.role_delete": {"role_id": spare_role.id},
        "admin.holding_delete": {"role_id": spare_role.id, "holding_id": holding.id},
        "admin.holding_edit": {"role_id": spare_role.id, "holding_id": holding.id},
        "admin.meeting_type_delete": {"type_id": spare_type.id},
        "admin.path_delete": {
            "path_id": first(EscalationPath, EscalationPath.from_type_id == po.id).id
        },
        "admin.roster_entry_delete": {
            "type_id": po.id,
            "entry_id": first(RosterEntry, RosterEntry.meeting_type_id == po.id).id,
        },
    }
    return ids, overrides


def url_for_rule(rule, ids, overrides) -> str:
    values = dict(ids) | overrides.get(rule.endpoint, {})
    values = {name: values[name] for name in rule.arguments}
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build a URL for {rule.rule}"
    return built[1]


def method_for(rule) -> str:
    methods = set(rule.methods or ()) - SKIP_METHODS
    return "GET" if "GET" in methods else "POST"


# POSTs that change what later requests find: after every other request.
LAST = ("minutes.send",)


def request_order(rule) -> tuple:
    """GETs first (they see the world untouched), then POSTs, the deleting ones after them,
    and last those in LAST (sending the minutes freezes them for the deletes)."""
    deleting = "delete" in rule.endpoint or "remove" in rule.endpoint
    return (method_for(rule) != "GET", rule.endpoint in LAST, deleting, rule.endpoint)


def is_login_redirect(resp) -> bool:
    return (
        resp.status_code == 302 and urlsplit(resp.headers.get("Location", "")).path == "/inloggen"
    )


def client_as(app, persona):
    """A client for the persona, logged in through a fresh server-side session per request
    (so that a logout or a password change by an earlier request does not interfere)."""
    client = app.test_client()
    if persona == "anonymous":
        return client, None
    token = start_session(person(PERSONA_EMAILS[persona]))
    _db.session.commit()
    with client.session_transaction() as s:
        s["_user_id"] = token
        s["_fresh"] = True
    return client, token


def session_alive(token: str) -> bool:
    _db.session.expire_all()
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = _db.session.scalar(select(LoginSession.id).where(LoginSession.token_hash == digest))
    return found is not None


def refused_by_rule(rule_name: str, persona: str, method: str) -> int | str | None:
    """What the rule itself answers this persona ("login" = redirect to /inloggen), or None
    when the rule lets them through to the view."""
    if rule_name in ("public", "token"):
        return None
    if persona == "anonymous":
        return "login" if method == "GET" else 401
    if rule_name == "login":
        return None
    if rule_name == "secretaris" and persona in ("buitenstaander", "deelnemer"):
        return 403
    if rule_name == "beheerder" and persona != "beheerder":
        return 403
    return None


def expected_for(endpoint: str, rule_name: str, persona: str, method: str):
    refused = refused_by_rule(rule_name, persona, method)
    if refused is not None:
        return refused
    row = EXPECTED_STATUS[endpoint]
    if rule_name in ("public", "token"):
        return row[PERSONAS.index(persona)]
    return row[PERSONAS.index(persona) - 1]


def walk(app, persona, ids, overrides) -> tuple[dict[str, object], list[str]]:
    """Call every endpoint as the persona; returns endpoint -> what came back
    ("login" for a redirect to the login page), and requests that raised."""
    got: dict[str, object] = {}
    raised: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=request_order):
        url = url_for_rule(rule, ids, overrides)
        method = method_for(rule)
        client, token = client_as(app, persona)
        try:
            resp = client.open(url, method=method)
        except Exception as exc:  # propagated in TESTING mode: a 500 in production
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            raised.append(f"{rule.endpoint}: {method} {url} raised {last}")
            _db.session.rollback()
            continue
        if is_login_redirect(resp):
            logged_out = token is not None and not session_alive(token)
            got[rule.endpoint] = "logged out" if logged_out else "login"
        else:
            got[rule.endpoint] = resp.status_code
    return got, raised


# --- tests ------------------------------------------------------------------------------


def test_every_endpoint_declares_an_access_rule(app):
    missing = undeclared_endpoints(app)
    assert not missing, "endpoints without @access(...): " + ", ".join(missing)


def test_every_endpoint_declares_the_expected_rule(app):
    problems = rule_differences(app, EXPECTED_RULES)
    assert not problems, "access rules differ from the reviewed table:\n  " + "\n  ".join(problems)


def test_a_secretary_action_marked_login_is_caught(app):
    """The comparison itself: were agenda.publish declared ``login`` (or forgotten in the
    table), the rule test would fail by name."""
    with app.test_request_context():
        assert rule_for("agenda.publish") == "secretaris"
    loosened = EXPECTED_RULES | {"agenda.publish": "login"}
    assert rule_differences(app, loosened) == [
        "agenda.publish: declares 'secretaris', expected 'login'"
    ]
    forgotten = {e: r for e, r in EXPECTED_RULES.items() if e != "minutes.approve"}
    assert rule_differences(app, forgotten) == ["minutes.approve: not in EXPECTED_RULES"]


def test_every_endpoint_has_an_expected_status_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert set(EXPECTED_STATUS) == endpoints
    for endpoint, row in EXPECTED_STATUS.items():
        rule_name = EXPECTED_RULES[endpoint]
        width = 5 if rule_name in ("public", "token") else 4
        assert len(row) == width, endpoint


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_endpoint_answers_the_persona_as_expected(app, world, persona):
    ids, overrides = world
    got, raised = walk(app, persona, ids, overrides)
    assert not raised, "\n  ".join(raised)
    wrong = []
    for rule in app.url_map.iter_rules():
        method = method_for(rule)
        want = expected_for(rule.endpoint, EXPECTED_RULES[rule.endpoint], persona, method)
        have = got[rule.endpoint]
        if have != want:
            wrong.append(f"{rule.endpoint}: {method} as {persona}: got {have}, expected {want}")
    assert len(got) == len(EXPECTED_RULES)
    assert not wrong, f"{len(wrong)} endpoint(s) answered {persona} otherwise:\n  " + "\n  ".join(
        sorted(wrong)
    )
    # a redirect from a delete endpoint means the object is gone; refused, it stays
    _db.session.expire_all()
    for endpoint, (model, key) in DELETES.items():
        gone = _db.session.get(model, (ids | overrides[endpoint])[key]) is None
        may = refused_by_rule(EXPECTED_RULES[endpoint], persona, "POST") is None
        assert gone == may, (endpoint, persona)


DELETES = {
    "admin.person_delete": (Person, "person_id"),
    "admin.organisation_delete": (Organisation, "org_id"),
    "admin.role_delete": (Role, "role_id"),
    "admin.holding_delete": (RoleHolding, "holding_id"),
    "admin.meeting_type_delete": (MeetingType, "type_id"),
    "admin.path_delete": (EscalationPath, "path_id"),
    "admin.roster_entry_delete": (RosterEntry, "entry_id"),
    "admin.template_item_delete": (AgendaTemplateItem, "item_id"),
    "admin.person_unavailability_delete": (Unavailability, "item_id"),
    "agenda.remove": (AgendaItem, "item_id"),
    "documents.delete_document": (Document, "doc_id"),
    "minutes.delete_decision": (Decision, "decision_id"),
    "minutes.delete_action": (ActionItem, "action_id"),
    "meetings.remove_guest": (Participant, "participant_id"),
}


def test_made_up_feed_token_is_not_found(app, world):
    ids, _ = world
    client = app.test_client()
    assert client.get(f"/agenda/{ids['token']}.ics").status_code == 200
    assert client.get("/agenda/verzonnen-token.ics").status_code == 404


def test_route_without_rule_is_refused_and_named():
    """Deny by default, on a small app of its own with the same guard."""
    probe = Flask("probe")
    probe.config.update(SECRET_KEY="probe", TESTING=True)
    login_manager.init_app(probe)
    probe.before_request(enforce_access)

    @probe.route("/vergeten")
    def forgotten():
        return "geheim"

    @probe.route("/open")
    @access("public")
    def open_page():
        return "open"

    assert undeclared_endpoints(probe) == ["forgotten"]
    c = probe.test_client()
    assert c.get("/vergeten").status_code == 403
    assert c.get("/open").status_code == 200
