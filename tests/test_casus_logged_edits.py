"""Casework on the secretary's pages that name or edit it: the signal page names a casus topic
by its reference only; the edit forms of a casus topic and of a casus plan's measure show it
in full and write a ``casus_viewed`` event; a new casus measure's flash message (kept in the
signed, not encrypted, session cookie) names it by the topic's reference, never its title."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from overleg.domain import aanpak as da
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.models import AuditEvent, Organisation, Topic
from overleg.models.aanpak import Measure
from overleg.timeutil import utcnow
from tests.conftest import DEMO_PASSWORD, assert_audit, get_page, login
from tests.factories import make_signal, meeting_type

pytestmark = pytest.mark.usefixtures("seeded")

SEC = "oov@example.org"  # the secretary (staff: reads every topic in full)

CASUS_TITLE = "Woonoverlast familie Jansen"
CASUS_TEXT = "Aanhoudende overlast door de zoon van de familie Jansen"
PLAIN_TITLE = "Fietsendiefstal station Kropswolde"
CASUS_MEASURE = "Huisbezoek bij de familie Jansen"
CASUS_MEASURE_TEXT = "Gesprek met moeder Jansen over de zoon"
PLAIN_MEASURE = "Extra fietskluizen bij het station"


@pytest.fixture
def sec(app):
    c = app.test_client()
    assert login(c, SEC, DEMO_PASSWORD).status_code == 302
    return c


def _topics() -> tuple[Topic, Topic]:
    casus = create_topic(
        title=CASUS_TITLE,
        description=CASUS_TEXT,
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
    )
    plain = create_topic(
        title=PLAIN_TITLE,
        description="Meldingen van fietsendiefstal",
        meeting_type=meeting_type("ovo"),
        confidentiality="vertrouwelijk",
    )
    db.session.commit()
    assert casus.is_casus and not plain.is_casus
    return casus, plain


def _org() -> Organisation:
    return db.session.scalars(select(Organisation).order_by(Organisation.id)).first()


def _measure(topic: Topic, title: str, description: str | None = None) -> Measure:
    measure = da.add_measure(
        topic, da.MeasureData(title=title, description=description, organisation=_org())
    )
    db.session.commit()
    return measure


def _viewed(ref: str | None = None) -> int:
    stmt = select(func.count(AuditEvent.id)).where(AuditEvent.event == "casus_viewed")
    if ref is not None:
        stmt = stmt.where(AuditEvent.object_ref == ref)
    return db.session.scalar(stmt) or 0


def _assert_viewed(topic: Topic) -> None:
    assert_audit(
        "casus_viewed",
        object_type="topic",
        object_id=topic.id,
        object_ref=topic.reference,
        after={"casus": [topic.reference]},
    )


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


# --- 1. the signal page names its topic as an overview does ------------------------------------


def test_the_signal_page_names_a_casus_topic_by_its_reference_only(sec):
    casus, plain = _topics()
    now = utcnow()
    to_casus = make_signal(received=now, status="onderwerp", closed_at=now, topic=casus)
    to_plain = make_signal(received=now, status="onderwerp", closed_at=now, topic=plain)
    db.session.commit()
    page = get_page(sec, f"/signalen/{to_casus.id}")
    assert f"/onderwerpen/{casus.id}" in page and casus.reference in page  # positive control
    assert CASUS_TITLE not in page and CASUS_TEXT not in page
    assert _viewed() == 0  # named by its reference: nothing shown in full, nothing to log
    # a topic that is no casus: its title beside its reference
    page = get_page(sec, f"/signalen/{to_plain.id}")
    assert plain.reference in page and PLAIN_TITLE in page
    assert _viewed() == 0


# --- 2. the edit form of a topic --------------------------------------------------------------


def test_editing_a_casus_topic_logs_that_it_was_shown(sec):
    casus, plain = _topics()
    page = get_page(sec, f"/onderwerpen/{casus.id}/bewerken")
    assert CASUS_TITLE in page and CASUS_TEXT in page  # the form, filled in
    _assert_viewed(casus)
    assert _viewed(casus.reference) == 1
    # a refused save shows the form again, with the casus text sent: logged again
    resp = sec.post(
        f"/onderwerpen/{casus.id}/bewerken",
        data={"title": "", "description": CASUS_TEXT, "confidentiality": "casus"},
    )
    assert resp.status_code == 400 and CASUS_TEXT in resp.get_data(as_text=True)
    assert _viewed(casus.reference) == 2
    # a topic that is no casus: the form in full, no event
    page = get_page(sec, f"/onderwerpen/{plain.id}/bewerken")
    assert PLAIN_TITLE in page
    assert _viewed() == 2
    resp = sec.post(
        f"/onderwerpen/{plain.id}/bewerken", data={"title": "", "confidentiality": "vertrouwelijk"}
    )
    assert resp.status_code == 400
    assert _viewed() == 2


# --- 3. the edit form of a measure ------------------------------------------------------------


def test_editing_a_measure_of_a_casus_plan_logs_that_it_was_shown(sec):
    casus, plain = _topics()
    measure = _measure(casus, CASUS_MEASURE, CASUS_MEASURE_TEXT)
    other = _measure(plain, PLAIN_MEASURE)
    page = get_page(sec, f"/maatregelen/{measure.id}/bewerken")
    assert CASUS_MEASURE in page and CASUS_MEASURE_TEXT in page  # the form, filled in
    _assert_viewed(casus)
    assert _viewed(casus.reference) == 1
    # a refused save shows the form again: logged again
    resp = sec.post(
        f"/maatregelen/{measure.id}/bewerken",
        data={"title": CASUS_MEASURE, "description": CASUS_MEASURE_TEXT, "organisation": ""},
    )
    assert resp.status_code == 400 and CASUS_MEASURE in resp.get_data(as_text=True)
    assert _viewed(casus.reference) == 2
    # a measure of a topic that is no casus: the form in full, no event
    page = get_page(sec, f"/maatregelen/{other.id}/bewerken")
    assert PLAIN_MEASURE in page
    assert _viewed() == 2


# --- 4. the flash message of a new measure ----------------------------------------------------


def test_a_new_casus_measure_is_flashed_without_its_title(sec):
    casus, plain = _topics()
    resp = sec.post(
        f"/onderwerpen/{casus.id}/aanpak/maatregelen",
        data={"title": CASUS_MEASURE, "organisation": str(_org().id), "contact": "0"},
    )
    assert resp.status_code == 302
    saved = db.session.scalar(select(Measure).where(Measure.title == CASUS_MEASURE))
    assert saved is not None and saved.topic_id == casus.id  # the save worked
    messages = _flashes(sec)
    assert messages == [
        f"De maatregel is toegevoegd aan het plan van aanpak van {casus.reference}."
    ]
    assert not any(CASUS_MEASURE in m or CASUS_TITLE in m for m in messages)
    # a topic that is no casus: the measure by its title, as before
    resp = sec.post(
        f"/onderwerpen/{plain.id}/aanpak/maatregelen",
        data={"title": PLAIN_MEASURE, "organisation": str(_org().id), "contact": "0"},
    )
    assert resp.status_code == 302
    assert db.session.scalar(select(Measure).where(Measure.title == PLAIN_MEASURE)) is not None
    assert _flashes(sec)[-1] == f"De maatregel ‘{PLAIN_MEASURE}’ is toegevoegd."
