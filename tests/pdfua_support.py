"""A PDF/UA-1 check of the PDFs Overleg makes, with what runs here (no veraPDF: it is Java
from its own site, in no registry this project uses).

``check_pdf(name, data, profile)`` runs, on one PDF:
- ``qpdf --check`` (Debian's qpdf): the file's syntax and streams;
- ``pdffonts`` (Debian's poppler-utils): every font embedded;
- the ``pdfua`` package (PyPI, on pikepdf): its machine-checkable subset of PDF/UA-1 (structure
  tree, MarkInfo, page content tagged or artifact, /Lang, title, Figure /Alt, tables, XMP);
- with pikepdf, the rules ``pdfua`` leaves out or cannot run: DisplayDocTitle, XMP
  ``pdfuaid:part`` 1 and ``dc:title``, /Scope on every table header cell (TH), no empty
  heading (pdfua 0.1.3's own rule UA-14-001 fails on pikepdf 10: ``is_integer`` on an array).

It returns the errors (Dutch, one line each, empty when the file passes) and a line saying
what it found. Profiles: ``"ua"`` a PDF/UA-1 document (agenda, minutes, cover of the
bundle); ``"bundle"`` the vergaderstukken: the cover's pages (``cover_pages``) are PDF/UA,
the joined documents are kept as they are (untagged pages allowed there, no PDF/UA claim;
a bundle without documents is its cover, and so PDF/UA);
``"plain"`` an attached document: valid, fonts embedded, title and language, untagged.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

QPDF = "qpdf"
PDFFONTS = "pdffonts"


def missing() -> str | None:
    """Why the check cannot run here (``make test`` installs the tools), or None."""
    for tool, package in ((QPDF, "qpdf"), (PDFFONTS, "poppler-utils")):
        if shutil.which(tool) is None:
            return f"{tool} ontbreekt (make test installeert Debian's {package})"
    return None


@dataclass
class Result:
    name: str
    errors: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        self.errors.append(f"{self.name}: {text}")

    @property
    def summary(self) -> str:
        state = f"{len(self.errors)} fouten" if self.errors else "in orde"
        return f"{self.name}: {state}; " + ", ".join(self.found)


def _qpdf(path: Path, result: Result) -> None:
    proc = subprocess.run(
        [QPDF, "--check", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    # exit 0: clean, 3: warnings, 2: errors
    if proc.returncode != 0:
        tail = " ".join((proc.stdout + proc.stderr).split())[-400:]
        result.error(f"qpdf --check geeft exit {proc.returncode}: {tail}")
    else:
        result.found.append("qpdf schoon")


def _fonts(path: Path, result: Result) -> None:
    proc = subprocess.run(
        [PDFFONTS, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        result.error(f"pdffonts geeft exit {proc.returncode}: {proc.stderr[:300]}")
        return
    lines = proc.stdout.splitlines()[2:]
    fonts = missing_fonts = 0
    for line in lines:
        # name, type (may hold spaces), encoding, emb, sub, uni, object, generation
        parts = line.split()
        if len(parts) < 7:
            continue
        fonts += 1
        if parts[-5] != "yes":
            missing_fonts += 1
            result.error(f"lettertype niet ingebed: {parts[0]}")
    result.found.append(f"{fonts - missing_fonts} van {fonts} lettertypen ingebed")


def _pdfua(path: Path, result: Result, allowed: dict[str, set[int] | None]) -> None:
    """pdfua's findings at warning or error; ``allowed`` rule -> pages where it may occur
    (None: anywhere)."""
    from pdfua import Severity, validate

    report = validate(str(path))
    counted = 0
    expected: set[str] = set()
    for finding in report.findings:
        if finding.severity < Severity.WARNING:
            continue
        page = finding.location.page
        if finding.rule_id in allowed:
            pages = allowed[finding.rule_id]
            if pages is None or page in pages:
                expected.add(finding.rule_id)
                continue
        counted += 1
        result.error(f"pdfua {finding.rule_id} ({finding.location.describe()}): {finding.message}")
    known = f" (verwacht voor dit soort bestand: {', '.join(sorted(expected))})" if expected else ""
    result.found.append(f"pdfua: {counted} bevindingen{known}")


def _walk(node, seen: set, out: list) -> None:
    if not isinstance(node, pikepdf.Dictionary):
        if isinstance(node, pikepdf.Array):
            for item in node:
                _walk(item, seen, out)
        return
    key = node.objgen
    if key != (0, 0):
        if key in seen:
            return
        seen.add(key)
    if "/S" in node:
        out.append(node)
    kids = node.get("/K")
    if kids is not None:
        _walk(kids, seen, out)


def _marks_content(node) -> bool:
    if isinstance(node, int):  # an MCID (pikepdf gives numbers as Python ints)
        return True
    if isinstance(node, pikepdf.Array):
        return any(_marks_content(item) for item in node)
    if isinstance(node, pikepdf.Dictionary):
        if node.get("/Type") in ("/MCR", "/OBJR"):
            return True
        kids = node.get("/K")
        return kids is not None and _marks_content(kids)
    return False


def _structure(pdf: pikepdf.Pdf, result: Result, claim: bool, title_needed: bool) -> None:
    root = pdf.Root
    lang = str(root.get("/Lang", ""))
    if not lang.lower().startswith("nl"):
        result.error(f"/Lang is ‘{lang}’, niet nl")
    prefs = root.get("/ViewerPreferences")
    if not (prefs is not None and bool(prefs.get("/DisplayDocTitle", False))):
        result.error("DisplayDocTitle staat niet aan (de lezer toont de bestandsnaam)")
    info_title = str(pdf.trailer.Info.get("/Title", "")) if "/Info" in pdf.trailer else ""
    # read only: by default pikepdf writes the XMP back and syncs the Info dictionary with it
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        title = meta.get("dc:title") or ""
        part = meta.get("pdfuaid:part")
    if title_needed and not title.strip():
        result.error("XMP zonder dc:title")
    if not (title or info_title).strip():
        result.error("geen titel")
    if claim and part != "1":
        result.error(f"XMP pdfuaid:part is {part!r}, niet 1")
    if not claim and part:
        result.error(f"XMP claimt pdfuaid:part {part} voor een bestand dat geen PDF/UA is")
    result.found.append(f"/Lang {lang or '-'}, titel ‘{(title or info_title)[:60]}’")
    result.found.append(f"pdfuaid:part {part or '-'}")
    if not claim and "/StructTreeRoot" not in root:
        result.found.append("ongetagd")
        return
    mark = root.get("/MarkInfo")
    if not (mark is not None and bool(mark.get("/Marked", False))):
        result.error("MarkInfo /Marked is niet true")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        result.error("geen /StructTreeRoot (ongetagd)")
        return
    elements: list = []
    _walk(tree, set(), elements)
    roles = [str(e.get("/S")) for e in elements]
    headers = [e for e in elements if e.get("/S") == "/TH"]
    unscoped = [
        e
        for e in headers
        if e.get("/A") is None or e.A.get("/Scope") not in ("/Row", "/Column", "/Both")
    ]
    if unscoped:
        result.error(f"{len(unscoped)} van {len(headers)} kopcellen (TH) zonder /Scope")
    figures = [e for e in elements if e.get("/S") == "/Figure"]
    for figure in figures:
        if not str(figure.get("/Alt", "") or figure.get("/ActualText", "")).strip():
            result.error("Figure zonder /Alt")
    empty = [
        str(e.S) for e in elements if re.fullmatch(r"/H\d?", str(e.S)) and not _marks_content(e)
    ]
    if empty:
        result.error(f"{len(empty)} lege koppen ({', '.join(empty[:5])})")
    result.found.append(
        f"getagd: {len(elements)} structuurelementen, {roles.count('/Table')} tabellen,"
        f" {len(headers)} TH met /Scope, {len(figures)} figuren"
    )


def bundle_cover_pages(data: bytes) -> int:
    """The pages of a vergaderstukken PDF before its first joined document: where the first
    agenda item's bookmark (after the agenda's own, which point into the cover) leads."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    items = [o for o in reader.outline if not isinstance(o, list) and re.match(r"\d+\. ", o.title)]
    return reader.get_destination_page_number(items[0]) if items else len(reader.pages)


def check_pdf(name: str, data: bytes, profile: str = "ua", cover_pages: int = 0) -> Result:
    """Every check on one PDF (see the module's text)."""
    result = Result(name)
    unavailable = missing()
    if unavailable:
        result.error(unavailable)
        return result
    with tempfile.TemporaryDirectory(prefix="pdfua-") as tmp:
        path = Path(tmp) / "bestand.pdf"
        path.write_bytes(data)
        _qpdf(path, result)
        _fonts(path, result)
        try:
            pdf = pikepdf.open(io.BytesIO(data))
        except pikepdf.PdfError as exc:
            result.error(f"pikepdf opent het bestand niet: {exc}")
            return result
        with pdf:
            pages = len(pdf.pages)
            if profile == "bundle" and cover_pages >= pages:
                profile = "ua"  # no document joined: the bundle is its cover, PDF/UA-1
            result.found.insert(0, f"{pages} pagina's")
            _structure(pdf, result, claim=profile == "ua", title_needed=profile != "plain")
        if profile == "ua":
            _pdfua(path, result, {})
        elif profile == "bundle":
            # the joined documents' pages are as they came (untagged), and the whole claims
            # no PDF/UA: the cover's pages are checked like any PDF/UA page
            attached = set(range(cover_pages + 1, pages + 1))
            _pdfua(path, result, {"UA-01-003": attached, "UA-28-004": None})
        else:
            _pdfua(
                path,
                result,
                {"UA-01-005": None, "UA-01-002": None, "UA-01-003": None, "UA-28-004": None},
            )
    return result
