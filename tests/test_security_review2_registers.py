"""Security review (second pass): the registers of a body the reader takes no part in.

/besluiten lists only the bodies the reader sees a meeting of (bodies_seen_by), and every row
of /besluiten/<code> is limited to visible meetings, but the "Jaar" filter of
minutes/views.py decision_register is filled from decisions.register_years(mt), unfiltered:
a wijkagent who takes part in no Driehoek meeting learns in which years the Driehoek took
decisions (and so that it met and decided), by typing /besluiten/driehoek."""

from __future__ import annotations

from datetime import date

import pytest

from overleg.domain.decisions import add_decision
from overleg.extensions import db
from tests.conftest import login
from tests.factories import make_meeting, person

pytestmark = pytest.mark.usefixtures("seeded")


def test_year_filter_lists_only_years_of_decisions_the_reader_may_see(app):
    driehoek = make_meeting(
        "driehoek", date(2016, 3, 1), participants=[(person("burgemeester@example.org"), "chair")]
    )
    add_decision(driehoek, None, "Gebiedsverbod uitgevaardigd voor de stationsomgeving")
    db.session.commit()
    c = app.test_client()
    assert login(c, "wijkagent@example.org", "Veilig-Overleg-2019").status_code == 302
    html = c.get("/besluiten/driehoek").get_data(as_text=True)
    assert "Gebiedsverbod" not in html  # the row is hidden (passes)
    assert 'value="2016"' not in html  # the year filter must not give it away


def test_organisation_action_from_unseen_meeting_does_not_reveal_that_meeting(app):
    """The first review hid the text of an organisation's action made in a meeting the reader
    may not see; "Mijn actiepunten" (templates/minutes/_action_table.html) still shows that
    meeting's body and date ("Gemaakt in") and the topic's reference - exactly what the topic
    timeline now leaves off for meetings the reader does not take part in."""
    from overleg.domain.actions import add_action
    from overleg.domain.agenda import add_item
    from overleg.domain.topics import create_topic
    from tests.factories import meeting_type

    btchef = person("btchef@example.org")
    driehoek = make_meeting(
        "driehoek",
        date(2019, 3, 12),
        participants=[(person("burgemeester@example.org"), "chair"), (btchef, "member")],
    )
    topic = create_topic(
        title="Ondermijning haven",
        meeting_type=meeting_type("driehoek"),
        confidentiality="vertrouwelijk",
        year=2019,
    )
    item = add_item(driehoek, title="", topic=topic)
    db.session.flush()
    add_action(
        driehoek,
        item,
        "Heimelijke observatie pand Havenkade 3 voorbereiden",
        owner_organisation=btchef.organisation,
    )
    db.session.commit()
    c = app.test_client()
    assert login(c, "wijkagent@example.org", "Veilig-Overleg-2019").status_code == 302
    assert c.get(f"/overleggen/{driehoek.id}").status_code == 404
    html = c.get("/mijn-actiepunten").get_data(as_text=True)
    assert "Heimelijke observatie" not in html  # fixed by the first review
    assert "12 maart 2019" not in html  # the unseen meeting's date
    assert topic.reference not in html  # and the topic it was about
