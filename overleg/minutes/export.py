"""The minutes as an archival PDF (PDF/A-2u with structure tags) through WeasyPrint, from the
same snapshot data as the pages."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/a-2u", "pdf_tags": True, "declare_pdfua": True}


def minutes_html(snap: dict[str, Any]) -> str:
    """The print layout of a snapshot (already redacted for its reader, if needed)."""
    return render_template(
        "print/minutes.html",
        s=snap,
        concept=snap["status"] != "vastgesteld",
        municipality=snap.get("municipality") or current_app.config.get("MUNICIPALITY", ""),
    )


def minutes_pdf(snap: dict[str, Any]) -> bytes:
    from ..pdf import render_pdf

    return render_pdf(minutes_html(snap), **PDF_OPTIONS)


def filename(snap: dict[str, Any], version: int | None = None) -> str:
    name = f"verslag-{snap['body']['code']}-{snap['date_iso']}"
    if version:
        name += f"-versie-{version}"
    elif snap["status"] != "vastgesteld":
        name += "-concept"
    return name + ".pdf"
