"""Upload (secretary), download (entitled participants), agenda PDF and vergaderstukken PDF."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from ..access import access, current_person, get_visible_meeting_or_404
from ..audit import joined_refs, log_shown, record, record_change
from ..domain import audit_changes as changes
from ..domain import documents as docs
from ..domain import policy
from ..domain.policy import agenda_visible_to
from ..extensions import db
from ..models import AgendaItem, Document
from ..timeutil import to_local, utcnow
from . import bp
from .forms import UploadForm

# --- pages ----------------------------------------------------------------------------


def _meeting_url(meeting) -> str | None:
    """The meeting page (meetings blueprint), when it is there."""
    for endpoint in ("meetings.view", "meetings.detail"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, meeting_id=meeting.id)
    return None


@bp.route("/overleggen/<int:meeting_id>/stukken")
@access("login")
def meeting_documents(meeting_id: int):
    """The agenda with its documents, and the two PDFs, as this reader may see them."""
    person = current_person()
    meeting = get_visible_meeting_or_404(
        meeting_id, person, docs.agenda_load_options(), docs.agenda_collections()
    )
    if not agenda_visible_to(person, meeting):
        # Not published yet: the agenda page says so (and takes proposals).
        return redirect(url_for("agenda.view", meeting_id=meeting.id))
    view = docs.agenda_view(meeting, person, documents_only=True)
    html = render_template(
        "documents/meeting.html", view=view, meeting=meeting, meeting_url=_meeting_url(meeting)
    )
    log_shown(view.casus_shown, meeting)
    return html


def _item_or_404(item_id: int) -> AgendaItem:
    item = db.session.scalar(
        select(AgendaItem)
        .where(AgendaItem.id == item_id)
        .options(selectinload(AgendaItem.documents), selectinload(AgendaItem.topic))
    )
    if item is None:
        abort(404)
    get_visible_meeting_or_404(item.meeting_id, current_person())
    return item


def _limit_label() -> str:
    return docs.max_upload_label(docs.max_upload_bytes(current_app.config))


def _render_item(item: AgendaItem, form: UploadForm, status: int = 200, error: str | None = None):
    """The item's documents page, for the secretary, who reads the item in full: rendered,
    then one event naming its casus (references only)."""
    if error:
        form.file.errors = [error]
    html = render_template(
        "documents/item.html",
        item=item,
        meeting=item.meeting,
        form=form,
        max_upload=_limit_label(),
        allowed=docs.ALLOWED_LABEL,
    )
    log_shown(docs.casus_references([item]), item.meeting)
    return html, status


def _item_label(item: AgendaItem) -> str:
    """An item as a message names it: a casus by its reference (a flashed message travels in
    the session cookie, which is signed, not encrypted)."""
    if docs.is_casus_item(item):
        return f"agendapunt {item.topic.reference}"
    return f"agendapunt ‘{item.title}’"


@bp.route("/agendapunten/<int:item_id>/stukken", methods=["GET", "POST"])
@access("secretaris")
def item_documents(item_id: int):
    item = _item_or_404(item_id)
    try:
        form = UploadForm()
        if request.method == "POST":
            if not form.validate_on_submit():
                return _render_item(item, form, 400)
            upload = form.file.data
            limit = docs.max_upload_bytes(current_app.config)
            data = upload.read(limit + 1)
            try:
                doc = docs.add_document(
                    item, upload.filename or "", data, current_person(), max_bytes=limit
                )
            except docs.UploadRefused as refused:
                db.session.rollback()  # nothing of the refused file is kept
                return _render_item(item, form, refused.status, str(refused))
            try:
                db.session.flush()  # the document's id, for the audit event
                record_change(changes.document_change("document_uploaded", doc))
                db.session.commit()
            except Exception:
                db.session.rollback()
                docs.discard_stored(doc)
                raise
            name = "Het stuk" if docs.is_casus_item(item) else doc.filename
            flash(f"{name} is toegevoegd aan {_item_label(item)}.", "success")
            return redirect(url_for("documents.item_documents", item_id=item.id))
    except RequestEntityTooLarge:
        return _render_item(
            item,
            UploadForm(formdata=None),
            413,
            f"Het bestand is te groot. Het mag hoogstens {_limit_label()} zijn.",
        )
    return _render_item(item, form)


@bp.route("/stukken/<int:doc_id>/verwijderen", methods=["POST"])
@access("secretaris")
def delete_document(doc_id: int):
    doc = db.session.get(Document, doc_id) or abort(404)
    item = _item_or_404(doc.agenda_item_id)
    name = doc.filename
    record_change(changes.document_change("document_removed", doc))
    key = docs.remove_document(doc)
    db.session.commit()
    from ..storage import get_storage

    get_storage().delete(key)
    flash(f"{'Het stuk' if docs.is_casus_item(item) else name} is verwijderd.", "success")
    return redirect(url_for("documents.item_documents", item_id=item.id))


# --- downloads ------------------------------------------------------------------------


def _attachment(data: bytes, filename: str, content_type: str, private: bool) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "document"
    resp = Response(data, mimetype=content_type)
    resp.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["Cache-Control"] = "private, no-store" if private else "private, max-age=0"
    return resp


@bp.route("/stukken/<int:doc_id>")
@access("login")
def download(doc_id: int):
    doc = db.session.scalar(
        select(Document)
        .where(Document.id == doc_id)
        .options(selectinload(Document.agenda_item).selectinload(AgendaItem.topic))
    )
    if doc is None:
        abort(404)
    item = doc.agenda_item
    if not policy.may_download(current_person(), doc):
        abort(404)
    casus = docs.is_restricted_item(item)
    try:
        data = docs.read_document(doc)
    except docs.DocumentUnavailable:
        current_app.logger.exception("Document %s cannot be served", doc.id)
        return render_template(
            "errors/error.html",
            code=404,
            title="Stuk niet beschikbaar",
            text="Dit stuk kan niet worden geopend: het bestand ontbreekt of is beschadigd. "
            "Neem contact op met de secretaris van het overleg.",
        ), 404
    if casus:
        record("casus_document_downloaded", doc)
        db.session.commit()
    return _attachment(data, doc.filename, doc.content_type, private=casus)


def _pdf_name(meeting, kind: str) -> str:
    day = to_local(meeting.starts_at).strftime("%Y-%m-%d")
    return f"{kind}-{meeting.meeting_type.code}-{day}.pdf"


def _render_agenda(view, bundle=None, bundle_pages: int | None = None) -> bytes:
    from ..pdf import render_pdf

    html = render_template(
        "print/agenda.html",
        view=view,
        meeting=view.meeting,
        bundle=bundle,
        bundle_pages=bundle_pages,
        reader=current_person(),
        now=utcnow(),
    )
    # PDF/UA-1: tagged, /Lang, the title shown, pdfuaid:part in the XMP (WeasyPrint does all)
    return render_pdf(html, pdf_variant="pdf/ua-1")


@bp.route("/overleggen/<int:meeting_id>/agenda.pdf")
@access("login")
def agenda_pdf(meeting_id: int):
    person = current_person()
    meeting = get_visible_meeting_or_404(
        meeting_id, person, docs.agenda_load_options(), docs.agenda_collections()
    )
    if not agenda_visible_to(person, meeting):
        abort(404)  # a participant sees the agenda once it is published
    view = docs.agenda_view(meeting, person, with_actions=True)
    started = time.perf_counter()
    data = _render_agenda(view)
    current_app.logger.info(
        "agenda PDF of meeting %s rendered in %.0f ms",
        meeting.id,
        (time.perf_counter() - started) * 1000,
    )
    shown = view.casus_shown  # items' and carried actions' (the actielijst)
    if view.has_casus or shown:
        record("agenda_exported", meeting, ref=joined_refs(shown))
        db.session.commit()
    return _attachment(
        data, _pdf_name(meeting, "agenda"), "application/pdf", private=view.has_casus or bool(shown)
    )


@bp.route("/overleggen/<int:meeting_id>/vergaderstukken.pdf")
@access("login")
def bundle_pdf(meeting_id: int):
    person = current_person()
    meeting = get_visible_meeting_or_404(
        meeting_id, person, docs.agenda_load_options(), docs.agenda_collections()
    )
    if not agenda_visible_to(person, meeting):
        abort(404)  # a participant sees the agenda once it is published
    view = docs.agenda_view(meeting, person, with_actions=True)
    bundle = docs.bundle_plan(view)
    data = docs.build_bundle(lambda pages: _render_agenda(view, bundle, pages), bundle)
    for entry in bundle:
        if entry.included and entry.casus:
            record("casus_document_downloaded", entry.document)
    shown = view.casus_shown  # items' and carried actions' (the actielijst)
    if view.has_casus or shown:
        record("agenda_exported", meeting, ref=joined_refs(shown))
    db.session.commit()
    return _attachment(
        data,
        _pdf_name(meeting, "vergaderstukken"),
        "application/pdf",
        private=view.has_casus or bool(shown),
    )


@bp.errorhandler(413)
def _too_large(e):
    """A request over MAX_CONTENT_LENGTH, refused before the view (e.g. by the CSRF check)."""
    return render_template(
        "errors/error.html",
        code=413,
        title="Bestand te groot",
        text=f"Het bestand is te groot. Het mag hoogstens {_limit_label()} zijn. "
        "Ga terug en kies een kleiner bestand.",
    ), 413
