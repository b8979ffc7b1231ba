"""The database itself refuses bad rows: uniques, foreign keys, not-null and CHECKs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from overleg.models import (
    AgendaItem,
    AgendaTemplateItem,
    EscalationPath,
    LoginSession,
    Meeting,
    MeetingSeries,
    MeetingType,
    Organisation,
    Participant,
    Person,
    Role,
    RoleHolding,
    RosterEntry,
    Theme,
    ThemeGroup,
    Unavailability,
)

START = datetime(2019, 3, 12, 9, 0)


@pytest.fixture
def base(db):
    org = Organisation(name="Gemeente Test", kind="gemeente")
    anna = Person(name="Anna", email="anna@test.example.org", organisation=org)
    bert = Person(name="Bert", email="bert@test.example.org", organisation=org)
    role = Role(name="Ambtenaar OOV", organisation=org)
    tvo = MeetingType(code="tvo", name="Tactisch Veiligheidsoverleg", level="tactisch")
    ovo = MeetingType(code="ovo", name="Operationeel Veiligheidsoverleg", level="operationeel")
    db.session.add_all([org, anna, bert, role, tvo, ovo])
    db.session.commit()
    return {"org": org, "anna": anna, "bert": bert, "role": role, "tvo": tvo, "ovo": ovo}


def refused(db, *objects):
    """Adding these objects must fail in the database; the session is usable afterwards."""
    db.session.add_all(objects)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def accepted(db, *objects):
    db.session.add_all(objects)
    db.session.commit()


def meeting(base, **kw):
    values = {
        "meeting_type": base["tvo"],
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
    }
    values.update(kw)
    return Meeting(**values)


# --- the fixture's rows are valid: the refusals below are about the one bad value ------


def test_valid_rows_are_accepted(db, base):
    accepted(
        db,
        RoleHolding(
            role=base["role"],
            person=base["anna"],
            deputy=base["bert"],
            start_date=date(2019, 1, 1),
            end_date=date(2019, 12, 31),
        ),
        RoleHolding(role=base["role"], person=base["bert"], start_date=date(2020, 1, 1)),
        RosterEntry(meeting_type=base["tvo"], role=base["role"], part="secretary"),
        EscalationPath(from_type=base["ovo"], to_type=base["tvo"], direction="up"),
        meeting(base),
        Unavailability(person=base["anna"], start_date=date(2019, 7, 1), end_date=date(2019, 7, 1)),
    )
    assert db.session.get(Person, base["anna"].id).app_role == "deelnemer"


# --- meeting types ---------------------------------------------------------------------


def test_duplicate_meeting_type_code(db, base):
    refused(db, MeetingType(code="tvo", name="Ander overleg", level="tactisch"))


def test_duplicate_meeting_type_name(db, base):
    refused(db, MeetingType(code="tvo2", name="Tactisch Veiligheidsoverleg", level="tactisch"))


@pytest.mark.parametrize("level", ["Strategisch", "regionaal", ""])
def test_meeting_type_level_must_be_known(db, base, level):
    refused(db, MeetingType(code="x", name="X", level=level))


@pytest.mark.parametrize("confidentiality", ["geheim", "Casus", ""])
def test_meeting_type_confidentiality_must_be_known(db, base, confidentiality):
    refused(
        db,
        MeetingType(code="x", name="X", level="tactisch", default_confidentiality=confidentiality),
    )


@pytest.mark.parametrize("minutes", [0, -30, 721])
def test_meeting_type_duration_must_be_sensible(db, base, minutes):
    refused(db, MeetingType(code="x", name="X", level="tactisch", default_duration_minutes=minutes))


def test_meeting_type_needs_code_name_and_level(db, base):
    refused(db, MeetingType(code=None, name="X", level="tactisch"))
    refused(db, MeetingType(code="x", name=None, level="tactisch"))
    refused(db, MeetingType(code="x", name="X", level=None))


def test_meeting_type_retention_positive(db, base):
    refused(db, MeetingType(code="x", name="X", level="tactisch", retention_years=0))


# --- roster and escalation paths -------------------------------------------------------


@pytest.mark.parametrize("part", ["guest", "voorzitter", ""])
def test_roster_part_must_be_known(db, base, part):
    refused(db, RosterEntry(meeting_type=base["tvo"], role=base["role"], part=part))


def test_role_on_roster_once(db, base):
    accepted(db, RosterEntry(meeting_type=base["tvo"], role=base["role"], part="member"))
    refused(db, RosterEntry(meeting_type=base["tvo"], role=base["role"], part="chair"))


def test_roster_entry_needs_existing_role(db, base):
    refused(db, RosterEntry(meeting_type_id=base["tvo"].id, role_id=999999, part="member"))


def test_escalation_path_to_the_same_body(db, base):
    refused(db, EscalationPath(from_type=base["tvo"], to_type=base["tvo"], direction="up"))


@pytest.mark.parametrize("direction", ["sideways", "Up", ""])
def test_escalation_direction_must_be_known(db, base, direction):
    refused(db, EscalationPath(from_type=base["ovo"], to_type=base["tvo"], direction=direction))


def test_escalation_path_once_per_pair(db, base):
    accepted(db, EscalationPath(from_type=base["ovo"], to_type=base["tvo"], direction="up"))
    refused(db, EscalationPath(from_type=base["ovo"], to_type=base["tvo"], direction="down"))


def test_escalation_path_needs_existing_bodies(db, base):
    refused(db, EscalationPath(from_type_id=base["ovo"].id, to_type_id=999999, direction="up"))


def test_agenda_template_purpose_and_kind(db, base):
    refused(db, AgendaTemplateItem(meeting_type=base["tvo"], title="X", purpose="beslissen"))
    refused(db, AgendaTemplateItem(meeting_type=base["tvo"], title="X", standard_kind="pauze"))
    refused(db, AgendaTemplateItem(meeting_type=base["tvo"], title="X", duration_minutes=-1))


# --- people, roles, holdings -----------------------------------------------------------


def test_duplicate_person_email(db, base):
    refused(db, Person(name="Andere Anna", email="anna@test.example.org"))


def test_upper_case_email_refused(db, base):
    refused(db, Person(name="Caps", email="Caps@test.example.org"))


@pytest.mark.parametrize("app_role", ["admin", "Beheerder", ""])
def test_app_role_must_be_known(db, base, app_role):
    refused(db, Person(name="X", email="x@test.example.org", app_role=app_role))


def test_person_needs_name_and_email(db, base):
    refused(db, Person(name=None, email="x@test.example.org"))
    refused(db, Person(name="X", email=None))


def test_person_needs_existing_organisation(db, base):
    refused(db, Person(name="X", email="x@test.example.org", organisation_id=999999))


def test_organisation_name_unique_and_kind_known(db, base):
    refused(db, Organisation(name="Gemeente Test", kind="gemeente"))
    refused(db, Organisation(name="Nieuw", kind="bedrijf"))


def test_role_name_unique(db, base):
    refused(db, Role(name="Ambtenaar OOV"))


def test_role_holding_ending_before_it_starts(db, base):
    refused(
        db,
        RoleHolding(
            role=base["role"],
            person=base["anna"],
            start_date=date(2019, 6, 1),
            end_date=date(2019, 5, 31),
        ),
    )


def test_role_holding_of_one_day_is_fine(db, base):
    accepted(
        db,
        RoleHolding(
            role=base["role"],
            person=base["anna"],
            start_date=date(2019, 6, 1),
            end_date=date(2019, 6, 1),
        ),
    )


def test_role_holding_needs_a_start(db, base):
    refused(db, RoleHolding(role=base["role"], person=base["anna"], start_date=None))


def test_deputy_is_someone_else(db, base):
    refused(
        db,
        RoleHolding(
            role=base["role"], person=base["anna"], deputy=base["anna"], start_date=date(2019, 1, 1)
        ),
    )


def test_role_holding_needs_existing_person(db, base):
    refused(db, RoleHolding(role_id=base["role"].id, person_id=999999, start_date=date(2019, 1, 1)))


def test_person_holding_a_role_cannot_be_deleted(db, base):
    accepted(db, RoleHolding(role=base["role"], person=base["anna"], start_date=date(2019, 1, 1)))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM person WHERE id = :id"), {"id": base["anna"].id})


def test_unavailability_period(db, base):
    refused(
        db,
        Unavailability(person=base["anna"], start_date=date(2019, 7, 2), end_date=date(2019, 7, 1)),
    )


def test_login_session_token_unique(db, base):
    accepted(db, LoginSession(token_hash="a" * 64, person=base["anna"]))
    refused(db, LoginSession(token_hash="a" * 64, person=base["bert"]))


# --- meetings --------------------------------------------------------------------------


def test_meeting_ending_before_start(db, base):
    refused(db, meeting(base, ends_at=START - timedelta(minutes=1)))


def test_meeting_ending_when_it_starts(db, base):
    refused(db, meeting(base, ends_at=START))


@pytest.mark.parametrize(
    "field,value", [("status", "uitgesteld"), ("agenda_status", "definitief"), ("sequence", -1)]
)
def test_meeting_enumerations(db, base, field, value):
    refused(db, meeting(base, **{field: value}))


def test_meeting_uid_unique(db, base):
    accepted(db, meeting(base, uid="vast@overleg"))
    refused(db, meeting(base, uid="vast@overleg"))


def test_meeting_needs_existing_type(db, base):
    refused(
        db, Meeting(meeting_type_id=999999, starts_at=START, ends_at=START + timedelta(hours=1))
    )


def test_body_with_meetings_cannot_be_deleted(db, base):
    accepted(db, meeting(base))
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM meeting_type WHERE id = :id"), {"id": base["tvo"].id})


@pytest.mark.parametrize(
    "field,value", [("part", "voorzitter"), ("rsvp", "misschien"), ("attendance", "te laat")]
)
def test_participant_enumerations(db, base, field, value):
    m = meeting(base)
    accepted(db, m)
    refused(db, Participant(meeting=m, person=base["anna"], **{field: value}))


def test_participant_once_per_meeting(db, base):
    m = meeting(base)
    accepted(db, m, Participant(meeting=m, person=base["anna"], part="member"))
    refused(db, Participant(meeting_id=m.id, person_id=base["anna"].id, part="guest"))


@pytest.mark.parametrize(
    "field,value", [("frequency", "daily"), ("interval", 0), ("duration_minutes", 0)]
)
def test_series_constraints(db, base, field, value):
    values = {
        "meeting_type": base["tvo"],
        "frequency": "weekly",
        "interval": 1,
        "first_date": date(2019, 1, 8),
        "start_time": "10:00",
        "duration_minutes": 90,
        "occurrences": 4,
    }
    values[field] = value
    refused(db, MeetingSeries(**values))


def test_series_needs_an_end(db, base):
    refused(
        db,
        MeetingSeries(
            meeting_type=base["tvo"],
            frequency="weekly",
            interval=1,
            first_date=date(2019, 1, 8),
            start_time="10:00",
            duration_minutes=90,
        ),
    )


@pytest.mark.parametrize(
    "field,value",
    [
        ("kind", "casus"),
        ("purpose", "beslissen"),
        ("standard_kind", "pauze"),
        ("duration_minutes", -5),
    ],
)
def test_agenda_item_constraints(db, base, field, value):
    m = meeting(base)
    accepted(db, m)
    refused(db, AgendaItem(meeting=m, title="Punt", **{field: value}))


# --- themes ----------------------------------------------------------------------------


def test_theme_names_unique_within_group_and_year(db, base):
    group = ThemeGroup(year=2019, name="Geweld")
    accepted(db, group, Theme(group=group, name="Huiselijk geweld"))
    refused(db, ThemeGroup(year=2019, name="Geweld"))
    refused(db, Theme(group_id=group.id, name="Huiselijk geweld"))
    accepted(db, ThemeGroup(year=2020, name="Geweld"))
