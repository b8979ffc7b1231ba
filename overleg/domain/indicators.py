"""Indicator figures: per indicator of the jaarplan, per year and quarter, a value with its
source, date of delivery and a note, recorded by the OOV ambtenaar by hand or imported from
CSV (every refused line reported with its reason, nothing of a refused line kept).

An indicator keeps its identity across versions and years (``PlanIndicator.lineage``: the
first indicator it was copied from), so the figures of earlier years stand beside this
year's. The CSV has a header line and the columns ``code;waarde;bron;geleverd;toelichting``
(``code`` as in the template, ``I-<lineage>``; a decimal comma is fine; the date as
dd-mm-jjjj or jjjj-mm-dd); the separator may be ";" or ",".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ..extensions import db
from ..models.plan import IndicatorFigure, PlanIndicator, PlanVersion
from ..timeutil import utcnow
from .input import date_in_range, has_control_characters

QUARTERS = (1, 2, 3, 4)
HEADER = ("code", "indicator", "waarde", "bron", "geleverd", "toelichting")
MAX_LINES = 1000
MAX_BYTES = 200_000


class FigureError(ValueError):
    """A refused figure; the message is Dutch."""


def code_of(indicator: PlanIndicator) -> str:
    return f"I-{indicator.lineage}"


def indicators_of(version: PlanVersion) -> list[PlanIndicator]:
    return [i for p in version.priorities for i in p.indicators]


def parse_value(text: str | None) -> Decimal:
    raw = (text or "").strip().replace(" ", "")
    if not raw:
        raise FigureError("Vul een waarde in.")
    if "," in raw and "." in raw:
        raw = raw.replace(".", "")  # 1.234,5
    raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise FigureError(f"‘{text}’ is geen getal.") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise FigureError(f"‘{text}’ is geen bruikbaar getal.")
    return value.quantize(Decimal("0.01"))


def parse_day(text: str | None) -> date | None:
    raw = (text or "").strip()
    if not raw:
        return None
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(raw, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
        if not date_in_range(day):
            break
        return day
    raise FigureError(f"‘{raw}’ is geen datum (gebruik dd-mm-jjjj).")


def _line(text: str | None, limit: int, label: str) -> str | None:
    value = (text or "").strip()
    if has_control_characters(value):
        raise FigureError(f"{label}: gebruik geen stuurtekens.")
    if len(value) > limit:
        raise FigureError(f"{label}: gebruik hoogstens {limit} tekens.")
    return value or None


def _check_period(year: int, quarter: int) -> None:
    if quarter not in QUARTERS:
        raise FigureError("Kies kwartaal 1, 2, 3 of 4.")
    if not 2000 <= year <= 2099:
        raise FigureError("Kies een jaar tussen 2000 en 2099.")


def record_figure(
    indicator: PlanIndicator,
    year: int,
    quarter: int,
    *,
    value: str,
    source: str | None = None,
    delivered: str | None = None,
    note: str | None = None,
    by=None,
) -> IndicatorFigure:
    """Record (or replace) the figure of an indicator for a quarter."""
    _check_period(year, quarter)
    parsed = parse_value(value)
    day = parse_day(delivered)
    source_ = _line(source, 200, "Bron")
    note_ = (note or "").strip()[:2000] or None
    figure = db.session.scalar(
        select(IndicatorFigure).where(
            IndicatorFigure.lineage_id == indicator.lineage,
            IndicatorFigure.year == year,
            IndicatorFigure.quarter == quarter,
        )
    )
    if figure is None:
        figure = IndicatorFigure(lineage_id=indicator.lineage, year=year, quarter=quarter)
        db.session.add(figure)
    figure.value = parsed
    figure.source = source_
    figure.delivered_on = day
    figure.note = note_
    figure.recorded_by_id = getattr(by, "id", None)
    figure.recorded_at = utcnow()
    return figure


def figures(
    lineages: list[int], years: list[int] | None = None
) -> dict[tuple[int, int, int], IndicatorFigure]:
    """(lineage, year, quarter) -> figure, of these years (default: all)."""
    if not lineages:
        return {}
    stmt = select(IndicatorFigure).where(IndicatorFigure.lineage_id.in_(lineages))
    if years is not None:
        stmt = stmt.where(IndicatorFigure.year.in_(years))
    rows = db.session.scalars(stmt)
    return {(f.lineage_id, f.year, f.quarter): f for f in rows}


def template_csv(version: PlanVersion) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for indicator in indicators_of(version):
        writer.writerow([code_of(indicator), indicator.text, "", "", "", ""])
    return "\ufeff" + out.getvalue()


@dataclass
class ImportReport:
    accepted: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def import_csv(version: PlanVersion, year: int, quarter: int, data: bytes, by=None):
    """Import a quarter's figures from CSV. Good lines are recorded; every other line is
    refused with its line number and reason (nothing of it kept)."""
    _check_period(year, quarter)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise FigureError("Het bestand is geen tekstbestand (CSV).") from None
    if "\x00" in text:
        raise FigureError("Het bestand is geen tekstbestand (CSV).")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise FigureError("Het bestand is leeg.")
    if len(lines) > MAX_LINES + 1:
        raise FigureError(f"Het bestand heeft meer dan {MAX_LINES} regels.")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    try:
        rows = list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:  # e.g. a field longer than the csv module's limit
        raise FigureError(
            "Het bestand is geen bruikbaar CSV-bestand (een veld is te lang of niet goed "
            "afgesloten)."
        ) from None
    reader = iter(rows)
    header = [h.strip().lower() for h in next(reader)]
    if "code" not in header or "waarde" not in header:
        raise FigureError("De eerste regel moet de kolommen ‘code’ en ‘waarde’ noemen.")
    col = {name: header.index(name) for name in HEADER if name in header}
    by_code = {code_of(i): i for i in indicators_of(version)}
    report = ImportReport()
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row=row) -> str:
            i = col.get(name)
            return row[i] if i is not None and i < len(row) else ""

        code = cell("code").strip().upper()
        indicator = by_code.get(code)
        if indicator is None:
            report.refused.append((number, f"onbekende indicator ‘{code or '(leeg)'}’"))
            continue
        if code in seen:
            report.refused.append((number, f"indicator {code} staat al eerder in het bestand"))
            continue
        try:
            record_figure(
                indicator,
                year,
                quarter,
                value=cell("waarde"),
                source=cell("bron"),
                delivered=cell("geleverd"),
                note=cell("toelichting"),
                by=by,
            )
        except FigureError as exc:
            report.refused.append((number, str(exc)))
            continue
        seen.add(code)
        report.accepted += 1
    return report
