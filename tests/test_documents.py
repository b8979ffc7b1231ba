"""Documents (vergaderstukken): upload checks, storage, download and need-to-know."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from overleg.models import AuditEvent, Document
from overleg.storage import get_storage
from tests.conftest import login
from tests.doc_samples import (
    CASUS_DOC,
    CASUS_TEXT,
    CASUS_TITLE,
    EXE,
    HTML,
    build_tvo,
    make_docx,
    make_jpeg,
    make_pdf,
    make_plain_zip,
    make_png,
    make_xlsx,
)

PDF_TYPE = "application/pdf"


@pytest.fixture
def tvo(seeded, people):
    return build_tvo(people)


def client_for(app, person):
    c = app.test_client()
    assert login(c, person.email).status_code == 302
    return c


def upload(client, item, data: bytes, name: str, mimetype: str = "application/octet-stream"):
    return client.post(
        f"/agendapunten/{item.id}/stukken",
        data={"file": (io.BytesIO(data), name, mimetype)},
        content_type="multipart/form-data",
    )


def doc_count(db) -> int:
    return db.session.scalar(select(func.count(Document.id)))


def stored_files(app) -> int:
    import os

    root = app.config["STORAGE_DIR"]
    return sum(len([f for f in files if not f.startswith(".")]) for _, _, files in os.walk(root))


# --- upload -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "maker,name,expected",
    [
        (lambda: make_pdf(["Notitie"]), "notitie.pdf", "application/pdf"),
        (
            make_docx,
            "brief.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            make_xlsx,
            "cijfers.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (make_png, "kaart.png", "image/png"),
        (make_jpeg, "foto.JPG", "image/jpeg"),
    ],
)
def test_upload_accepts_each_type_detected_from_bytes(app, db, tvo, as_role, maker, name, expected):
    data = maker()
    # The browser's claim is ignored: always text/html here.
    resp = upload(as_role("secretaris"), tvo["open_item"], data, name, "text/html")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    doc = db.session.scalar(select(Document))
    assert doc.content_type == expected
    assert doc.filename == name
    assert doc.size == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert get_storage().open(doc.storage_key) == data
    page = as_role("secretaris").get(f"/agendapunten/{tvo['open_item'].id}/stukken")
    assert name in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "data,name,message",
    [
        (EXE, "agenda.pdf", "geen geldig PDF-bestand"),
        (HTML, "notulen.pdf", "geen geldig PDF-bestand"),
        (HTML, "kaart.png", "geen geldig PNG-afbeelding-bestand"),
        (make_plain_zip(), "brief.docx", "geen geldig Word-bestand"),
        (make_docx(macros=True), "brief.docx", "geen geldig Word-bestand"),
        (make_docx(), "cijfers.xlsx", "past niet bij de inhoud"),
        (make_pdf(["x"]), "brief.docx", "past niet bij de inhoud"),
        (EXE, "setup.exe", "Dit soort bestand is niet toegestaan"),
        (HTML, "pagina.html", "Dit soort bestand is niet toegestaan"),
        (b"%PDF-1.7\nkapot", "kapot.pdf", "beschadigd"),
        (b"", "leeg.pdf", "het bestand is leeg"),
    ],
)
def test_upload_refuses_disguised_and_other_files(app, db, tvo, as_role, data, name, message):
    before = stored_files(app)
    resp = upload(as_role("secretaris"), tvo["open_item"], data, name, "application/pdf")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html
    assert "utrecht-form-field-error-message" in html  # beside the field
    assert doc_count(db) == 0
    assert stored_files(app) == before  # nothing half saved


def test_upload_without_file_is_refused(tvo, as_role, db):
    resp = as_role("secretaris").post(
        f"/agendapunten/{tvo['open_item'].id}/stukken", data={}, content_type="multipart/form-data"
    )
    assert resp.status_code == 400
    assert "Kies een bestand om te uploaden." in resp.get_data(as_text=True)
    assert doc_count(db) == 0


def test_upload_over_the_size_limit_is_refused_with_413(app, db, tvo, as_role):
    app.config["MAX_UPLOAD_MB"] = 0.01  # about 10 kB
    try:
        data = make_pdf(["groot " * 4000])
        assert len(data) > 11 * 1024
        resp = upload(as_role("secretaris"), tvo["open_item"], data, "groot.pdf")
        assert resp.status_code == 413
        assert "Het bestand is te groot. Het mag hoogstens 10 kB zijn." in resp.get_data(
            as_text=True
        )
    finally:
        app.config.pop("MAX_UPLOAD_MB")
    assert doc_count(db) == 0


def test_request_over_max_content_length_gets_dutch_413(app, db, tvo, as_role):
    client = as_role("secretaris")
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        resp = upload(client, tvo["open_item"], make_pdf(["x" * 5000]), "groot.pdf")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert resp.status_code == 413
    assert "Het bestand is te groot" in resp.get_data(as_text=True)
    assert doc_count(db) == 0


def test_request_over_max_content_length_with_csrf_on_gets_dutch_413(csrf_app, db, tvo, people):
    # With CSRF on (production), the form is read before the view: the blueprint's handler.
    client = csrf_app.test_client()
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    assert login(client, people["secretaris"].email).status_code == 302
    csrf_app.config["WTF_CSRF_ENABLED"] = True
    old = csrf_app.config["MAX_CONTENT_LENGTH"]
    csrf_app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        resp = upload(client, tvo["open_item"], make_pdf(["x" * 5000]), "groot.pdf")
    finally:
        csrf_app.config["MAX_CONTENT_LENGTH"] = old
    assert resp.status_code == 413
    assert "Het bestand is te groot. Het mag hoogstens 4 kB zijn." in resp.get_data(as_text=True)
    assert doc_count(db) == 0


def test_only_secretaries_upload(tvo, as_role, db):
    resp = upload(as_role("deelnemer"), tvo["open_item"], make_pdf(["x"]), "x.pdf")
    assert resp.status_code == 403
    assert doc_count(db) == 0


def test_file_name_is_cleaned(tvo, as_role, db):
    resp = upload(
        as_role("secretaris"),
        tvo["open_item"],
        make_pdf(["x"]),
        "..\\..\\C:\\temp\\<script>nota.pdf",
    )
    assert resp.status_code == 302
    name = db.session.scalar(select(Document.filename))
    assert name.endswith("scriptnota.pdf") and "/" not in name and "\\" not in name
    assert "<" not in name and ".." not in name


# --- download ---------------------------------------------------------------------------


def _add(client, item, data, name):
    resp = upload(client, item, data, name)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    from overleg.extensions import db

    return db.session.scalars(select(Document).order_by(Document.id.desc())).first()


def test_download_is_an_attachment_with_nosniff(app, tvo, as_role):
    data = make_pdf(["Evaluatie camera's"])
    doc = _add(as_role("secretaris"), tvo["open_item"], data, "evaluatie camera's 2019.pdf")
    resp = client_for(app, tvo["member"]).get(f"/stukken/{doc.id}")
    assert resp.status_code == 200
    assert resp.data == data
    assert resp.mimetype == PDF_TYPE
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''evaluatie%20camera%27s%202019.pdf" in resp.headers["Content-Disposition"]
    )
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # An open item: no audit row
    assert not AuditEvent.query.filter_by(event="casus_document_downloaded").count()


def test_casus_document_only_for_entitled_and_audited(app, db, tvo, as_role):
    doc = _add(as_role("secretaris"), tvo["casus_item"], make_pdf(["Rapport"]), CASUS_DOC)
    # The guest (invited for another item) and an outsider: 404, nothing logged
    assert client_for(app, tvo["guest"]).get(f"/stukken/{doc.id}").status_code == 404
    assert client_for(app, tvo["outsider"]).get(f"/stukken/{doc.id}").status_code == 404
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.event == "casus_document_downloaded")
        )
        == 0
    )
    # A member of the meeting is entitled: downloaded and logged with the reference only
    resp = client_for(app, tvo["member"]).get(f"/stukken/{doc.id}")
    assert resp.status_code == 200
    assert "no-store" in resp.headers["Cache-Control"]
    from tests.conftest import assert_audit

    rows = assert_audit(
        "casus_document_downloaded",
        object_type="document",
        object_id=doc.id,
        person_id=tvo["member"].id,
    )
    assert rows[0].object_ref == tvo["topic"].reference


def test_anonymous_download_goes_to_login(client, tvo, as_role):
    doc = _add(as_role("secretaris"), tvo["open_item"], make_pdf(["x"]), "x.pdf")
    resp = client.get(f"/stukken/{doc.id}")
    assert resp.status_code == 302 and "/inloggen" in resp.headers["Location"]


def test_documents_page_shows_reference_only_to_guest(app, tvo, as_role):
    sec = as_role("secretaris")
    _add(sec, tvo["casus_item"], make_pdf(["Rapport"]), CASUS_DOC)
    _add(sec, tvo["open_item"], make_pdf(["Evaluatie"]), "evaluatie.pdf")
    url = f"/overleggen/{tvo['meeting'].id}/stukken"
    html = client_for(app, tvo["guest"]).get(url).get_data(as_text=True)
    assert tvo["topic"].reference in html
    assert CASUS_TITLE not in html and "Jansen" not in html
    assert CASUS_TEXT not in html
    assert CASUS_DOC not in html
    assert "Niet beschikbaar" in html
    assert "evaluatie.pdf" in html
    member = client_for(app, tvo["member"]).get(url).get_data(as_text=True)
    assert CASUS_TITLE in member and CASUS_DOC in member
    assert client_for(app, tvo["outsider"]).get(url).status_code == 404


def test_delete_document_removes_row_and_file(app, db, tvo, as_role):
    doc = _add(as_role("secretaris"), tvo["open_item"], make_pdf(["x"]), "x.pdf")
    key = doc.storage_key
    resp = as_role("secretaris").post(f"/stukken/{doc.id}/verwijderen")
    assert resp.status_code == 302
    assert doc_count(db) == 0
    with pytest.raises(FileNotFoundError):
        get_storage().open(key)


def test_storage_refuses_keys_outside_its_folder(app):
    with pytest.raises(FileNotFoundError):
        get_storage().open("../../etc/passwd")


def test_document_on_published_agenda_marks_it_changed(db, tvo, as_role):
    meeting = tvo["meeting"]
    meeting.agenda_status = "gepubliceerd"
    db.session.commit()
    assert (
        upload(as_role("secretaris"), tvo["open_item"], make_pdf(["x"]), "x.pdf").status_code == 302
    )
    db.session.refresh(meeting)
    assert meeting.agenda_changed_after_publish is True


def test_upload_needs_the_csrf_token(csrf_app, db, tvo, people):
    client = csrf_app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    resp = client.post(
        "/inloggen",
        data={
            "email": people["secretaris"].email,
            "password": "correct-horse-battery",
            "csrf_token": token.group(1),
        },
    )
    assert resp.status_code == 302
    resp = upload(client, tvo["open_item"], make_pdf(["x"]), "x.pdf")
    assert resp.status_code == 400
    assert "beveiligingscode" in resp.get_data(as_text=True)
    assert doc_count(db) == 0
    # Tests share one app context, so Flask-WTF's per-request cache of the token (g.csrf_token)
    # would outlive the login (which starts a new session); production has a fresh g per request.
    from flask import g

    g.pop("csrf_token", None)
    form = client.get(f"/agendapunten/{tvo['open_item'].id}/stukken").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    resp = client.post(
        f"/agendapunten/{tvo['open_item'].id}/stukken",
        data={"file": (io.BytesIO(make_pdf(["x"])), "x.pdf"), "csrf_token": token.group(1)},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302, re.sub(r"\s+", " ", resp.get_data(as_text=True))[-1500:]
    assert doc_count(db) == 1


def test_missing_or_damaged_file_gives_a_dutch_404_not_a_500(app, db, tvo, as_role):
    doc = _add(as_role("secretaris"), tvo["open_item"], make_pdf(["Notitie"]), "notitie.pdf")
    member = client_for(app, tvo["member"])
    get_storage().delete(doc.storage_key)
    resp = member.get(f"/stukken/{doc.id}")
    assert resp.status_code == 404
    assert "het bestand ontbreekt of is beschadigd" in resp.get_data(as_text=True)
