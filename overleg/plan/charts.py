"""Bar charts of the progress report, laid out here and drawn as SVG by
``templates/plan/_chart.html`` (the page and the PDF use the same macro).

Readable without colour: every bar carries its series name on the left and its value on the
right, and each series has its own fill pattern (solid, hatched, dotted, cross-hatched), shown
in the legend. A hidden count ("minder dan 5") draws no bar, only its text. The text
alternative (the SVG's ``<title>``, which WeasyPrint also writes as the PDF figure's /Alt) names
the chart and every figure; the table beside it holds the same figures.
No inline style: the CSP forbids it, so all drawing is in SVG attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.report import QUARTER_LABELS, QUARTERS, Count, Report

PATTERNS = ("solid", "hatch", "dots", "cross", "vlines")
WIDTH = 640
LABEL_WIDTH = 150  # the series names left of the bars
VALUE_ROOM = 90  # right of the longest bar: its value
BAR_HEIGHT = 13
BAR_GAP = 4
CATEGORY_HEAD = 18
CATEGORY_GAP = 10
LEGEND_HEIGHT = 26
MAX_LABEL = 95

Value = Count | int | Decimal | None


@dataclass
class Bar:
    series: str
    pattern: str
    y: int
    width: int
    text: str


@dataclass
class Category:
    label: str
    full_label: str
    y: int
    bars: list[Bar]


@dataclass
class Chart:
    id: str
    title: str
    series: list[tuple[str, str]]  # (name, pattern)
    categories: list[Category]
    height: int
    first_header: str
    table: list[tuple[str, list[str]]] = field(default_factory=list)
    unit: str = ""

    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def summary(self) -> str:
        """The figures in words, for the text alternative."""
        parts = []
        for label, texts in self.table:
            values = ", ".join(
                f"{name} {text}" for (name, _), text in zip(self.series, texts, strict=True)
            )
            parts.append(f"{label}: {values}")
        return "; ".join(parts) + "." if parts else "Geen gegevens."

    @property
    def alt(self) -> str:
        return f"Staafdiagram {self.title}. {self.summary}"

    @property
    def legend_items(self) -> list[tuple[str, str, int]]:
        """(name, pattern, x) of the legend."""
        out, x = [], 0
        for name, pattern in self.series:
            out.append((name, pattern, x))
            x += 26 + 7 * len(name) + 18
        return out


def _number(value: Value) -> tuple[float | None, str]:
    """The length to draw (None: no bar) and the text of a value."""
    if value is None:
        return None, "—"
    if isinstance(value, Count):
        return (None if value.hidden else float(value.value)), value.text
    if isinstance(value, Decimal):
        return float(value), f"{value.normalize():f}".replace(".", ",")
    return float(value), str(value)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    series: list[str],
    rows: list[tuple[str, list[Value]]],
    first_header: str = "",
    unit: str = "",
) -> Chart:
    """A grouped horizontal bar chart: per row (a category) one bar per series."""
    patterns = [(name, PATTERNS[i % len(PATTERNS)]) for i, name in enumerate(series)]
    numbers = [[_number(v) for v in values] for _, values in rows]
    longest = max((n for row in numbers for n, _ in row if n is not None), default=0.0)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    y = LEGEND_HEIGHT
    categories = []
    table = []
    for (label, _), row in zip(rows, numbers, strict=True):
        top = y
        y += CATEGORY_HEAD
        bars = []
        for (name, pattern), (n, text) in zip(patterns, row, strict=True):
            width = 0 if not n or longest <= 0 else max(1, round(room * max(n, 0) / longest))
            bars.append(Bar(name, pattern, y, width, text))
            y += BAR_HEIGHT + BAR_GAP
        y += CATEGORY_GAP
        categories.append(Category(_short(label), label, top, bars))
        table.append((label, [text for _, text in row]))
    return Chart(
        id=chart_id,
        title=title,
        series=patterns,
        categories=categories,
        height=y,
        first_header=first_header,
        table=table,
        unit=unit,
    )


def _priority_label(row) -> str:
    return row.name if not row.cluster or row.cluster == row.name else f"{row.cluster}: {row.name}"


def charts_for(report: Report) -> dict[str, object]:
    """Every chart of the report, by name (indicator charts in a list)."""
    rows = report.priorities
    head = "Prioriteit"

    def per_priority(chart_id, title, series, get):
        return bar_chart(
            chart_id, title, series, [(_priority_label(r), get(r)) for r in rows], head
        )

    year = report.period.year
    indicator_charts = []
    for r, line in report.indicator_lines:
        if not any(v is not None for v in [*line.values.values(), *line.previous.values()]):
            continue
        indicator_charts.append(
            (
                r,
                line,
                bar_chart(
                    f"grafiek-{line.code.lower()}",
                    f"{line.code} {line.text}",
                    [str(year - 1), str(year)],
                    [(QUARTER_LABELS[q], [line.previous[q], line.values[q]]) for q in QUARTERS],
                    "Kwartaal",
                ),
            )
        )
    return {
        "topics": per_priority(
            "grafiek-onderwerpen",
            "Onderwerpen per prioriteit",
            ["geopend", "afgesloten"],
            lambda r: [r.topics_opened, r.topics_closed],
        ),
        "escalations": per_priority(
            "grafiek-opschalingen",
            "Opschalingen en opdrachten per prioriteit",
            ["opgeschaald", "opdracht gegeven"],
            lambda r: [r.escalations_up, r.escalations_down],
        ),
        "decisions": per_priority(
            "grafiek-besluiten", "Besluiten per prioriteit", ["besluiten"], lambda r: [r.decisions]
        ),
        "actions": per_priority(
            "grafiek-actiepunten",
            "Actiepunten per prioriteit",
            ["open", "over de termijn", "afgerond"],
            lambda r: [r.actions_open, r.actions_overdue, r.actions_done],
        ),
        "measures": per_priority(
            "grafiek-maatregelen",
            "Maatregelen uit plannen van aanpak per prioriteit",
            ["open", "over de termijn", "gereed", "gestopt"],
            lambda r: [r.measures_open, r.measures_overdue, r.measures_done, r.measures_stopped],
        ),
        "signals": per_priority(
            "grafiek-signalen",
            "Signalen van inwoners per thema",
            ["ontvangen", "onderwerp gemaakt", "samengevoegd", "gesloten", "nog te beoordelen"],
            lambda r: [
                r.signals.received,
                r.signals.topic,
                r.signals.merged,
                r.signals.closed,
                r.signals.open,
            ],
        ),
        "meetings": bar_chart(
            "grafiek-vergaderingen",
            "Vergaderingen per overleg",
            ["gehouden", "geannuleerd"],
            [(b.name, [b.held, b.cancelled]) for b in report.bodies],
            "Overleg",
        ),
        "attendance": bar_chart(
            "grafiek-aanwezigheid",
            "Aanwezigheid per organisatie (alle overleggen)",
            ["aanwezig", "afwezig met bericht", "afwezig"],
            [(a.organisation, [a.present, a.excused, a.absent]) for a in report.attendance],
            "Organisatie",
        ),
        "indicators": indicator_charts,
    }
