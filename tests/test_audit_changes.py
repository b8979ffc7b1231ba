"""Every security-relevant change writes a named audit event with its values before and
after, done through the screens: an item's guests, besloten flag and named participants; a
topic's confidentiality; role and account changes; failed logins, logout and throttling;
documents added and removed; the calendar feed. The values are ids, codes, flags and dates:
no title, description, file name, name, password or token reaches the log. The Logboek shows
them in Dutch and filters on them."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from sqlalchemy import delete, func, select

from overleg.domain.audit_changes import checked
from overleg.extensions import db
from overleg.models import AuditEvent, Person, Role, Topic
from tests.admin_support import page, table_column
from tests.conftest import TEST_PASSWORD, assert_audit, login, make_person
from tests.doc_samples import CASUS_DOC, CASUS_TEXT, CASUS_TITLE, build_tvo, make_pdf

NEW_PASSWORD = "een-lang-en-sterk-wachtwoord"
LOGBOEK = "/beheer/logboek"


@pytest.fixture
def tvo(seeded, people):
    return build_tvo(people)


@pytest.fixture
def beheer(as_role):
    return as_role("beheerder")


@pytest.fixture
def sec(as_role):
    return as_role("secretaris")


def log_text() -> str:
    """Everything the log holds, every column of every event, as one text."""
    db.session.expire_all()
    parts = []
    for ev in db.session.scalars(select(AuditEvent)):
        parts += [ev.event, ev.object_type, ev.object_ref, ev.ip_address, ev.user_agent]
        parts += [json.dumps(ev.before, ensure_ascii=False), json.dumps(ev.after)]
    return "\n".join(str(p) for p in parts)


def assert_no_free_text(*secrets: str) -> None:
    text = log_text()
    assert text  # there is something to look through
    for secret in secrets:
        assert secret not in text, secret


def events(name: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.event == name))


# --- agenda items: guests, besloten, named participants -------------------------------------


def test_item_guests_besloten_and_participants_are_logged(sec, tvo):
    item, guest, member = tvo["casus_item"], tvo["guest"], tvo["member"]
    ref = tvo["topic"].reference
    url = f"/agendapunten/{item.id}/toegang"
    resp = sec.post(
        url, data={"guests": [str(guest.id)], "besloten": "y", "members": [str(member.id)]}
    )
    assert resp.status_code == 302
    where = {"object_type": "agenda_item", "object_id": item.id, "object_ref": ref}
    assert_audit(
        "item_guests_changed", before={"guests": []}, after={"guests": [guest.id]}, **where
    )
    assert_audit(
        "item_besloten_changed", before={"besloten": False}, after={"besloten": True}, **where
    )
    assert_audit(
        "item_participants_changed",
        before={"participants": []},
        after={"participants": [member.id]},
        person_id=_sec_id(),
        **where,
    )
    # saved again unchanged: no new events
    assert (
        sec.post(
            url, data={"guests": [str(guest.id)], "besloten": "y", "members": [str(member.id)]}
        ).status_code
        == 302
    )
    assert events("item_guests_changed") == events("item_besloten_changed") == 1
    # opened up again, guest withdrawn
    assert sec.post(url, data={}).status_code == 302
    assert_audit("item_guests_changed", before={"guests": [guest.id]}, after={"guests": []})
    assert_audit("item_besloten_changed", before={"besloten": True}, after={"besloten": False})
    assert_audit(
        "item_participants_changed",
        before={"participants": [member.id]},
        after={"participants": []},
    )
    assert events("item_participants_changed") == 2
    assert_no_free_text(CASUS_TITLE, CASUS_TEXT, guest.name, member.name, "Wijkagent Noord")


def _sec_id() -> int:
    return db.session.scalar(select(Person.id).where(Person.email == "secretaris@test.example.org"))


def test_refused_item_access_change_writes_nothing(sec, tvo):
    open_item = tvo["open_item"]  # not a casus: cannot be besloten
    resp = sec.post(
        f"/agendapunten/{open_item.id}/toegang",
        data={"besloten": "y", "members": [str(tvo["member"].id)]},
    )
    assert resp.status_code == 400
    assert "Alleen een casus-agendapunt kan besloten zijn." in page(resp)
    assert events("item_besloten_changed") == events("item_guests_changed") == 0
    # positive control: a valid change on the same item is logged
    assert sec.post(f"/agendapunten/{open_item.id}/toegang", data={}).status_code == 302
    assert_audit(
        "item_guests_changed",
        object_id=open_item.id,
        object_ref=None,
        before={"guests": [tvo["guest"].id]},
        after={"guests": []},
    )


def test_meeting_guests_are_logged_by_id(sec, seeded, people):
    from tests.factories import make_meeting

    meeting = make_meeting("tvo", participants=[(people["deelnemer"], "member")])
    vera = make_person("vera@test.example.org", name="Vera Veilig", password=None)
    resp = sec.post(f"/overleggen/{meeting.id}/gasten", data={"person": str(vera.id)})
    assert resp.status_code == 302
    assert_audit("guest_added", object_id=meeting.id, before=None, after={"person": vera.id})
    guest = next(
        p for p in db.session.get(type(meeting), meeting.id).participants if p.person_id == vera.id
    )
    assert events("guest_removed") == 0
    resp = sec.post(f"/overleggen/{meeting.id}/gasten/{guest.id}/verwijderen")
    assert resp.status_code == 302
    assert_audit("guest_removed", object_id=meeting.id, before={"person": vera.id}, after=None)
    assert_no_free_text("Vera Veilig", "vera@test")


# --- topics -------------------------------------------------------------------------------


def test_topic_confidentiality_change_is_logged(sec, tvo):
    topic = tvo["topic"]
    data = {"title": CASUS_TITLE, "description": CASUS_TEXT, "confidentiality": "casus"}
    # saved with the same confidentiality: no event
    assert sec.post(f"/onderwerpen/{topic.id}/bewerken", data=data).status_code == 302
    assert events("topic_confidentiality_changed") == 0
    data["confidentiality"] = "vertrouwelijk"
    assert sec.post(f"/onderwerpen/{topic.id}/bewerken", data=data).status_code == 302
    assert db.session.get(Topic, topic.id).confidentiality == "vertrouwelijk"
    assert_audit(
        "topic_confidentiality_changed",
        object_type="topic",
        object_id=topic.id,
        object_ref=topic.reference,
        person_id=_sec_id(),
        before={"confidentiality": "casus"},
        after={"confidentiality": "vertrouwelijk"},
    )
    assert_no_free_text(CASUS_TITLE, CASUS_TEXT, "Jansen")


# --- people and accounts ------------------------------------------------------------------


def person_data(p: Person, **overrides) -> dict:
    data = {
        "name": p.name,
        "email": p.email,
        "phone": "06-12345678",
        "organisation_id": "",
        "app_role": p.app_role,
        "active": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_role_activation_and_email_changes_are_logged(beheer, people):
    dirk = people["deelnemer"]
    url = f"/beheer/personen/{dirk.id}"
    where = {"object_type": "person", "object_id": dirk.id, "person_id": people["beheerder"].id}
    assert beheer.post(url, data=person_data(dirk, app_role="secretaris")).status_code == 302
    assert_audit(
        "app_role_changed",
        before={"app_role": "deelnemer"},
        after={"app_role": "secretaris"},
        **where,
    )
    assert events("account_deactivated") == events("email_changed") == 0

    assert (
        beheer.post(url, data=person_data(dirk, app_role="secretaris", active=None)).status_code
        == 302
    )
    assert_audit("account_deactivated", before={"active": True}, after={"active": False}, **where)
    assert beheer.post(url, data=person_data(dirk, app_role="secretaris")).status_code == 302
    assert_audit("account_activated", before={"active": False}, after={"active": True}, **where)

    resp = beheer.post(
        url, data=person_data(dirk, app_role="secretaris", email="Dirk.Nieuw@Test.Example.org")
    )
    assert resp.status_code == 302
    assert_audit(
        "email_changed",
        before={"email": "deelnemer@test.example.org"},
        after={"email": "dirk.nieuw@test.example.org"},
        **where,
    )
    assert events("app_role_changed") == 1  # only the one real role change
    assert_no_free_text("Dirk Deelnemer", "06-12345678")


def test_a_refused_role_change_writes_no_event(beheer, people):
    bea = people["beheerder"]
    resp = beheer.post(f"/beheer/personen/{bea.id}", data=person_data(bea, app_role="deelnemer"))
    assert resp.status_code == 400
    assert "U kunt uw eigen beheerdersrechten" in page(resp)
    assert events("app_role_changed") == 0
    assert db.session.get(Person, bea.id).app_role == "beheerder"


def test_new_person_and_account_are_logged(beheer, people):
    resp = beheer.post(
        "/beheer/personen/nieuw",
        data={
            "name": "Wim Wijkagent",
            "email": "Wim.Wijkagent@Example.org",
            "phone": "06-99999999",
            "organisation_id": "",
            "app_role": "deelnemer",
            "active": "y",
        },
    )
    assert resp.status_code == 302
    wim = db.session.scalar(select(Person).where(Person.email == "wim.wijkagent@example.org"))
    assert_audit(
        "person_created",
        object_id=wim.id,
        before=None,
        after={"app_role": "deelnemer", "active": True, "email": "wim.wijkagent@example.org"},
    )
    resp = beheer.post(
        f"/beheer/personen/{wim.id}/account",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert_audit(
        "account_created",
        object_id=wim.id,
        before={"has_account": False, "sessions": 0, "feed": False},
        after={"has_account": True, "sessions": 0, "feed": False},
    )
    assert_no_free_text("Wim Wijkagent", "06-99999999", NEW_PASSWORD)


def test_password_set_by_the_beheerder_and_account_removal_are_logged(app, beheer, people):
    dirk = people["deelnemer"]
    own = app.test_client()
    assert login(own, dirk.email).status_code == 302
    assert own.post("/agenda/abonnement").status_code == 302  # a personal calendar feed
    token = db.session.get(Person, dirk.id).feed_token
    resp = beheer.post(
        f"/beheer/personen/{dirk.id}/account",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert_audit(
        "account_password_set",
        object_id=dirk.id,
        person_id=people["beheerder"].id,
        before={"has_account": True, "sessions": 1, "feed": True},
        after={"has_account": True, "sessions": 0, "feed": True},
    )
    assert own.get("/").status_code in (302, 401)  # that session has ended

    assert login(app.test_client(), dirk.email, NEW_PASSWORD).status_code == 302
    resp = beheer.post(f"/beheer/personen/{dirk.id}/account/verwijderen")
    assert resp.status_code == 302
    assert_audit(
        "account_removed",
        object_id=dirk.id,
        before={"has_account": True, "sessions": 1, "feed": True},
        after={"has_account": False, "sessions": 0, "feed": False},
    )
    assert_no_free_text(NEW_PASSWORD, TEST_PASSWORD, token, "Dirk Deelnemer")


def test_role_holdings_are_logged(beheer, people):
    role = Role(name="Wijkagent Hoogezand")
    db.session.add(role)
    db.session.commit()
    dirk, sam = people["deelnemer"], people["secretaris"]
    resp = beheer.post(
        f"/beheer/functies/{role.id}/bezetting/nieuw",
        data={"person_id": str(dirk.id), "deputy_id": "", "start_date": "2019-01-01"},
    )
    assert resp.status_code == 302
    after = {"person": dirk.id, "deputy": None, "start": "2019-01-01", "end": None}
    assert_audit(
        "role_holding_created", object_type="role", object_id=role.id, before=None, after=after
    )
    holding = role.holdings[0]
    resp = beheer.post(
        f"/beheer/functies/{role.id}/bezetting/{holding.id}",
        data={
            "person_id": str(dirk.id),
            "deputy_id": str(sam.id),
            "start_date": "2019-01-01",
            "end_date": "2019-12-31",
        },
    )
    assert resp.status_code == 302
    assert_audit(
        "role_holding_changed",
        object_id=role.id,
        before={"deputy": None, "end": None},
        after={"deputy": sam.id, "end": "2019-12-31"},
    )
    resp = beheer.post(f"/beheer/functies/{role.id}/bezetting/{holding.id}/verwijderen")
    assert resp.status_code == 302
    assert_audit(
        "role_holding_deleted",
        object_id=role.id,
        before={"person": dirk.id, "deputy": sam.id, "start": "2019-01-01", "end": "2019-12-31"},
        after=None,
    )


# --- logins -------------------------------------------------------------------------------


def test_failed_logins_and_logout_are_logged(app, people):
    dirk = people["deelnemer"]
    c = app.test_client()
    assert login(c, dirk.email, "fout-wachtwoord-123").status_code == 400
    assert_audit(
        "login_failed",
        object_type="person",
        object_id=dirk.id,
        person_id=None,
        before=None,
        after={"reason": "wrong_password"},
    )
    assert login(c, "Onbekend.Iemand@Elders.example", "geheim-wachtwoord").status_code == 400
    assert_audit("login_failed", object_id=None, after={"reason": "unknown_email"})
    guest = make_person("gast@test.example.org", password=None)
    assert login(c, guest.email).status_code == 400
    assert_audit("login_failed", object_id=guest.id, after={"reason": "no_account"})
    assert events("login") == 0
    # positive control: the right password logs in, and logging out is logged
    assert login(c, dirk.email).status_code == 302
    assert_audit("login", object_id=dirk.id)
    assert c.post("/uitloggen").status_code == 302
    assert_audit("logout", object_id=dirk.id, person_id=dirk.id, before=None, after=None)
    assert events("login_failed") == 3
    assert_no_free_text("fout-wachtwoord-123", "geheim-wachtwoord", "onbekend.iemand", "Elders")


def test_throttled_logins_are_logged(app, people):
    dirk = people["deelnemer"]
    c = app.test_client()
    for _ in range(5):
        assert login(c, dirk.email, "fout-wachtwoord").status_code == 400
    assert events("login_throttled") == 0
    resp = login(c, dirk.email, "fout-wachtwoord")
    assert resp.status_code == 429
    assert "Te veel mislukte inlogpogingen" in page(resp)
    assert_audit(
        "login_throttled",
        object_type="person",
        object_id=dirk.id,
        person_id=None,
        after={"limit": "per_address"},
    )
    assert events("login_failed") == 5  # the refused attempt is not also a failed login


def test_throttling_per_account_is_logged_as_such(app, people):
    dirk = people["deelnemer"]
    for i in range(10):  # from ten addresses: under the limit per address
        c = app.test_client()
        c.environ_base["REMOTE_ADDR"] = f"10.9.8.{i}"
        assert login(c, dirk.email, "fout-wachtwoord").status_code == 400
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.9.8.99"
    assert login(c, dirk.email, "fout-wachtwoord").status_code == 429
    assert_audit(
        "login_throttled", object_id=dirk.id, ip_address="10.9.8.99", after={"limit": "per_account"}
    )


# --- documents ----------------------------------------------------------------------------


def test_document_upload_and_removal_are_logged(sec, tvo):
    item = tvo["casus_item"]
    data = make_pdf(["Rapport over de familie Jansen"])
    resp = sec.post(
        f"/agendapunten/{item.id}/stukken",
        data={"file": (io.BytesIO(data), CASUS_DOC, "application/pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    values = {
        "agenda_item": item.id,
        "size": len(data),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    (ev,) = assert_audit("document_uploaded", before=None, after=values, person_id=_sec_id())
    assert ev.object_type == "document" and ev.object_ref == tvo["topic"].reference
    resp = sec.post(f"/stukken/{ev.object_id}/verwijderen")
    assert resp.status_code == 302
    assert_audit("document_removed", object_id=ev.object_id, before=values, after=None)
    assert_no_free_text(CASUS_DOC, "rapport-familie", "Jansen", CASUS_TITLE)


def test_documents_removed_with_their_item_are_logged(sec, tvo):
    item = tvo["open_item"]
    data = make_pdf(["Evaluatie camera's"])
    upload = {"file": (io.BytesIO(data), "evaluatie-camera.pdf", "application/pdf")}
    resp = sec.post(
        f"/agendapunten/{item.id}/stukken", data=upload, content_type="multipart/form-data"
    )
    assert resp.status_code == 302
    (ev,) = assert_audit("document_uploaded")
    assert events("document_removed") == 0
    assert sec.post(f"/agendapunten/{item.id}/verwijderen").status_code == 302
    assert_audit(
        "document_removed",
        object_id=ev.object_id,
        before={
            "agenda_item": item.id,
            "size": len(data),
            "content_type": "application/pdf",
            "sha256": hashlib.sha256(data).hexdigest(),
        },
        after=None,
    )
    assert_no_free_text("evaluatie-camera", "Cameratoezicht")


def test_a_refused_upload_writes_no_event(sec, tvo):
    resp = sec.post(
        f"/agendapunten/{tvo['open_item'].id}/stukken",
        data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.exe", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert 400 <= resp.status_code < 500
    assert events("document_uploaded") == 0


def test_own_password_change_is_logged_with_the_sessions_it_ended(app, people):
    dirk = people["deelnemer"]
    other, c = app.test_client(), app.test_client()
    assert login(other, dirk.email).status_code == 302
    assert login(c, dirk.email).status_code == 302
    resp = c.post(
        "/account/wachtwoord",
        data={"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert_audit(
        "password_changed",
        object_id=dirk.id,
        person_id=dirk.id,
        before={"has_account": True, "sessions": 2, "feed": False},
        after={"has_account": True, "sessions": 1, "feed": False},
    )
    assert_no_free_text(NEW_PASSWORD, TEST_PASSWORD)


# --- calendar feed ------------------------------------------------------------------------


def test_feed_creation_and_renewal_are_logged(app, people):
    dirk = people["deelnemer"]
    c = app.test_client()
    assert login(c, dirk.email).status_code == 302
    assert c.post("/agenda/abonnement").status_code == 302
    first = db.session.get(Person, dirk.id).feed_token
    assert_audit("feed_created", object_id=dirk.id, before={"feed": False}, after={"feed": True})
    assert events("feed_renewed") == 0
    assert c.post("/agenda/abonnement").status_code == 302
    db.session.expire_all()
    second = db.session.get(Person, dirk.id).feed_token
    assert second != first
    assert_audit(
        "feed_renewed",
        object_id=dirk.id,
        person_id=dirk.id,
        before={"feed": True},
        after={"feed": True},
    )
    assert_no_free_text(first, second)


# --- the values themselves ----------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"title": "Overlast familie Jansen"},
        {"confidentiality": "Familie Jansen, Dorpsstraat 12"},
        {"guests": ["Gerda Gast"]},
        {"email": "geen adres"},
        {"besloten": "ja"},
        {"size": -1},
        {"start": "12 maart 2019"},
        {"casus": ["Familie Jansen"]},
    ],
)
def test_free_text_cannot_be_stored_as_a_value(values):
    with pytest.raises(ValueError):
        checked(values)


def test_values_of_their_kind_pass():
    values = {
        "guests": [3, 5],
        "besloten": True,
        "confidentiality": "casus",
        "email": "a@b.example",
        "start": "2019-03-12",
        "content_type": "application/pdf",
    }
    assert checked(values) == values


# --- the Logboek --------------------------------------------------------------------------


def test_logboek_shows_the_changes_in_dutch_and_filters_on_them(app, beheer, people, sec, tvo):
    db.session.execute(delete(AuditEvent))
    db.session.commit()
    item, guest = tvo["casus_item"], tvo["guest"]
    assert (
        sec.post(
            f"/agendapunten/{item.id}/toegang",
            data={"guests": [str(guest.id)], "besloten": "y", "members": [str(tvo["member"].id)]},
        ).status_code
        == 302
    )
    assert login(app.test_client(), people["deelnemer"].email, "fout-wachtwoord").status_code == 400
    assert login(app.test_client(), people["deelnemer"].email).status_code == 302

    # one event by its Dutch label, the other not shown
    resp = beheer.get(LOGBOEK + "?gebeurtenis=item_guests_changed")
    assert resp.status_code == 200
    assert table_column(resp, 2) == ["Gasten bij agendapunt gewijzigd"]
    assert table_column(resp, 3) == [f"Agendapunt {tvo['topic'].reference}"]
    assert table_column(resp, 5) == ["Gasten bij dit punt: niemand → Gerda Gast"]
    assert "Inloggen mislukt" not in table_column(resp, 2)
    assert (
        '<option value="item_guests_changed" selected>Gasten bij agendapunt gewijzigd</option>'
        in page(resp)
    )

    resp = beheer.get(LOGBOEK + "?gebeurtenis=item_besloten_changed")
    assert resp.status_code == 200
    assert table_column(resp, 5) == ["Besloten: nee → ja"]

    # a whole group: the failed login and the login, no agenda events
    resp = beheer.get(LOGBOEK + "?gebeurtenis=groep:toegang")
    assert resp.status_code == 200
    labels = table_column(resp, 2)
    assert "Inloggen mislukt" in labels and "Ingelogd" in labels
    assert not {
        "Gasten bij agendapunt gewijzigd",
        "Agendapunt besloten gemaakt of opengesteld",
    } & set(labels)
    assert "Reden: wachtwoord onjuist" in table_column(resp, 5)
    html = page(resp)
    assert '<optgroup label="Toegang en accounts">' in html
    assert '<option value="groep:toegang" selected>Alles in ‘Toegang en accounts’</option>' in html
    assert '<optgroup label="Documenten">' in html

    # the group of the agenda: its events, no login
    resp = beheer.get(LOGBOEK + "?gebeurtenis=groep:agenda")
    assert resp.status_code == 200
    labels = set(table_column(resp, 2))
    assert {
        "Gasten bij agendapunt gewijzigd",
        "Deelnemers bij besloten agendapunt gewijzigd",
    } <= labels
    assert "Inloggen mislukt" not in labels

    # an unknown group is refused in Dutch
    resp = beheer.get(LOGBOEK + "?gebeurtenis=groep:alles")
    assert resp.status_code == 400
    assert "Kies een gebeurtenis uit de lijst." in page(resp)

    # the CSV export carries the values as they are stored
    text = beheer.get("/beheer/logboek/export.csv?gebeurtenis=item_guests_changed").get_data(
        as_text=True
    )
    assert f'{{""guests"": [{guest.id}]}}' in text and '{""guests"": []}' in text
    assert CASUS_TITLE not in text and "Gerda" not in text


def test_every_labelled_event_is_in_one_group():
    from overleg.domain.audit_log import EVENT_GROUPS, EVENT_LABELS

    grouped = [n for _, names in EVENT_GROUPS.values() for n in names]
    assert len(grouped) == len(set(grouped)), "an event in two groups"
    assert set(grouped) == set(EVENT_LABELS)


def test_the_logboek_names_the_people_in_the_values_in_constant_queries(beheer, count_queries):
    db.session.execute(delete(AuditEvent))
    db.session.commit()

    def add(n: int) -> None:
        for i in range(n):
            guest = make_person(f"g{i}-{n}@test.example.org", name=f"Gast {n}-{i}", password=None)
            db.session.add(
                AuditEvent(
                    event="item_guests_changed", before={"guests": []}, after={"guests": [guest.id]}
                )
            )
        db.session.commit()

    def measure() -> tuple[int, list[str]]:
        with count_queries() as counter:
            resp = beheer.get(LOGBOEK)
            assert resp.status_code == 200
        return counter.count, table_column(resp, 5)

    add(2)
    few, shown = measure()
    assert sorted(shown) == [
        "Gasten bij dit punt: niemand → Gast 2-0",
        "Gasten bij dit punt: niemand → Gast 2-1",
    ]
    add(30)
    many, shown = measure()
    assert many == few and len(shown) == 32
    assert "Gasten bij dit punt: niemand → Gast 30-29" in shown


def test_a_casus_view_names_every_reference_shown_even_past_the_column(app, beheer):
    """`casus_viewed` keeps all references in its values (the reference column holds what
    fits, with "+N"), and the Logboek lists them."""
    from overleg.audit import REF_WIDTH, record_shown

    refs = [f"TVO-2027-{n:03d}" for n in range(1, 9)]  # 8 x 12 characters: more than fit
    with app.test_request_context("/overleggen/1/agenda"):
        event = record_shown(reversed(refs), object_type="meeting")
        assert event is not None
        db.session.commit()
    stored = db.session.get(AuditEvent, event.id)
    assert stored.event == "casus_viewed"
    assert stored.after == {"casus": refs}  # every one, sorted
    assert len(stored.object_ref) <= REF_WIDTH and stored.object_ref.endswith("+4")
    assert stored.object_ref.startswith("TVO-2027-001 ")
    resp = beheer.get(f"{LOGBOEK}?gebeurtenis=casus_viewed")
    assert resp.status_code == 200
    assert "Casus getoond: " + ", ".join(refs) in resp.get_data(as_text=True)
    with app.test_request_context("/onderwerpen"):
        assert record_shown([]) is None  # nothing shown in full: no event
