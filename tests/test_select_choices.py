"""Every select, radio and checkbox list gets its options as WTForms SelectChoice objects: tuples
are deprecated and will be refused by WTForms 3.4."""

from __future__ import annotations

import re
import warnings
from datetime import time, timedelta

import pytest
from wtforms.fields import choices as wtf_choices

from overleg.domain.agenda import add_item, set_item_access
from overleg.domain.topics import create_topic
from overleg.extensions import db
from overleg.forms import choice, choices
from overleg.timeutil import today_local
from tests.conftest import get_page, login
from tests.factories import make_meeting, meeting_type, person
from tests.forms_support import all_form_classes

DEMO_PASSWORD = "Veilig-Overleg-2019"
pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email):
    c = app.test_client()
    assert login(c, email, DEMO_PASSWORD).status_code == 302
    return c


@pytest.fixture
def no_tuple_choices(monkeypatch):
    """Fail on any choice that reaches WTForms as a tuple, also choices set by a view."""
    original = wtf_choices.SelectChoice.from_input.__func__

    def strict(cls, input, optgroup=None):
        assert not isinstance(input, tuple), f"choice given as tuple: {input!r}"
        return original(cls, input, optgroup)

    monkeypatch.setattr(wtf_choices.SelectChoice, "from_input", classmethod(strict))


def test_shared_helpers_build_select_choices():
    assert choice(3, "drie") == wtf_choices.SelectChoice(3, "drie")
    assert choice("x").label == "x"
    assert choices([(0, "nul"), (1, "een")]) == [
        wtf_choices.SelectChoice(0, "nul"),
        wtf_choices.SelectChoice(1, "een"),
    ]
    assert choices({"a": "A", "b": "B"}) == [
        wtf_choices.SelectChoice("a", "A"),
        wtf_choices.SelectChoice("b", "B"),
    ]
    assert choices(iter([])) == []


def test_no_form_declares_tuple_choices(app):
    classes = all_form_classes()
    assert len(classes) > 20  # all blueprints are imported by create_app
    with app.test_request_context("/"), warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for cls in classes:
            cls(formdata=None)  # a tuple in choices= raises here


def test_secretary_pages_with_choices_render(app, no_tuple_choices):
    sec = _client(app, "oov@example.org")
    guest = person("veiligthuis@example.org")
    tvo = make_meeting(
        "tvo",
        today_local() + timedelta(days=7),
        at=time(10, 0),
        participants=[(person("specialist@example.org"), "member"), (guest, "guest")],
    )
    topic = create_topic(
        title="Casus keuzelijsten",
        meeting_type=meeting_type("tvo"),
        confidentiality="casus",
        year=2019,
    )
    item = add_item(tvo, title="", topic=topic)
    db.session.commit()
    urls = [
        f"/overleggen/{tvo.id}",
        f"/overleggen/{tvo.id}/agenda",
        f"/agendapunten/{item.id}/bewerken",
        f"/agendapunten/{item.id}/toegang",
        f"/agendapunten/{item.id}/afhandelen",
        f"/agendapunten/{item.id}/opschalen",
        "/onderwerpen/nieuw",
        f"/onderwerpen/{topic.id}",
        f"/onderwerpen/{topic.id}/bewerken",
        "/planning/nieuw",
        "/planning/reeks/nieuw",
        "/besluiten/tvo",
        "/actiepunten/tvo",
    ]
    for url in urls:
        r = sec.get(url)
        assert r.status_code == 200, url
    html = sec.get("/planning/reeks/nieuw").get_data(as_text=True)
    assert re.search(r'<option selected value="1">dinsdag</option>', html)
    assert re.search(r'<option value="-1">laatste</option>', html)


def test_admin_pages_with_choices_render(app, no_tuple_choices):
    admin = _client(app, "beheerder@example.org")
    p = person("specialist@example.org")
    tvo = meeting_type("tvo")
    for url in (
        "/beheer/personen/nieuw",
        f"/beheer/personen/{p.id}",
        "/beheer/organisaties/nieuw",
        "/beheer/functies/nieuw",
        f"/beheer/overlegvormen/{tvo.id}",
        f"/beheer/overlegvormen/{tvo.id}/deelnemers",
        f"/beheer/overlegvormen/{tvo.id}/agenda",
        "/beheer/escalatiepaden",
    ):
        assert admin.get(url).status_code == 200, url


def test_access_page_checks_the_chosen_guest(app, no_tuple_choices):
    sec = _client(app, "oov@example.org")
    guest = person("veiligthuis@example.org")
    tvo = make_meeting(
        "tvo",
        today_local() + timedelta(days=7),
        at=time(10, 0),
        participants=[(person("specialist@example.org"), "member"), (guest, "guest")],
    )
    topic = create_topic(
        title="Casus gast", meeting_type=meeting_type("tvo"), confidentiality="casus", year=2019
    )
    item = add_item(tvo, title="", topic=topic)
    set_item_access(item, "gast", {guest.id})
    db.session.commit()
    html = get_page(sec, f"/agendapunten/{item.id}/toegang")
    box = re.search(rf'<input [^>]*id="guests-{guest.id}"[^>]*>', html)
    assert box and f'value="{guest.id}"' in box.group(0) and "checked" in box.group(0)
    assert (
        f'<label class="utrecht-form-label utrecht-form-label--checkbox" '
        f'for="guests-{guest.id}">{guest.name}</label>' in html
    )
    member = person("specialist@example.org")
    box = re.search(rf'<input [^>]*id="members-{member.id}"[^>]*>', html)
    assert box and "checked" not in box.group(0)


def test_status_choices_offer_only_allowed_statuses(app, no_tuple_choices):
    sec = _client(app, "oov@example.org")
    topic = create_topic(title="Statuskeuze", meeting_type=meeting_type("tvo"), year=2019)
    db.session.commit()
    r = sec.post(f"/onderwerpen/{topic.id}/status", data={"status": "bestaat-niet"})
    assert r.status_code == 400
    assert "Deze status is vanuit ‘Nieuw’ niet toegestaan." in r.get_data(as_text=True)
    assert (
        sec.post(f"/onderwerpen/{topic.id}/status", data={"status": "afgerond"}).status_code == 302
    )
