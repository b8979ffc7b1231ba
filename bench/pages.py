"""Every main page at one and at ten years of data, against the floor (bench/floor.py).

    .venv/bin/python bench/pages.py [--years 1,10] [--repeat 25] [--passes 3]
        [--dir /tmp/overleg-bench] [--only home,agenda] [--roles secretaris,deelnemer]

For each size a database made by `seed_scale` (overleg/demo/scale.py; SQLite in --dir, kept
between runs: ten years take a few minutes to make once) or, with `--postgres URL-PREFIX`, a
PostgreSQL database per size (`<prefix>_1`, `<prefix>_10`, created empty beforehand). Then,
in-process through the Flask test client, the median and p95 of each main page for the
secretary (oov@example.org) and a participant (wijkagent@example.org), its number of SQL
queries, and its ratio to the floor. A page at every size and the floor are measured in turns,
a few requests each (`bench_page`), so that a busy moment of the machine weighs on all of them
alike: the ratio to the floor and the growth are taken within the same seconds. The whole
round over the pages is made `--passes` times (3): a page's figures are the medians of its
rounds, with the range of its ratio beside them. On this 2-core machine a page's ratio in one
round ranged some 20% from another's, minutes apart (the floor beside the pages from 1.2 to
2.9 ms): one round's verdict on a page near the bar was a throw of the dice.

Targets (printed as OK / TE TRAAG / GROEIT):
- at one year every page at most 5x the floor;
- at ten years no page more than 1.3x its own one-year median;
- the number of queries of a page the same at both sizes (its reads: the audit row a page
  writes when it showed casework in full is not counted, as in the query-count tests).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import make_app as floor_app

PERSONAS = {
    "secretaris": "oov@example.org",
    "deelnemer": "wijkagent@example.org",
    "beheerder": "beheerder@example.org",
}
MAX_FLOOR_RATIO = 5.0
MAX_GROWTH = 1.3
BLOCK = 3  # timed requests of one page in a row (bench_page)
AUDIT_INSERT = re.compile(r'\s*INSERT INTO "?audit_event"?', re.I)


@dataclass
class Figure:
    median: float
    p95: float
    queries: int


def make_app(url: str, storage: str):
    from overleg import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "STORAGE_DIR": storage,
            "MAIL_BACKEND": "memory",
            "RATELIMIT_ENABLED": False,
        }
    )


def prepare(url: str, storage: str, years: int) -> None:
    """Migrate and fill the database once; a filled one is left as it is."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from overleg.demo.scale import seed_scale
    from overleg.extensions import db
    from overleg.models import Meeting

    app = make_app(url, storage)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        if db.session.scalar(select(func.count(Meeting.id))):
            return
        started = time.perf_counter()
        result = seed_scale(years, 2019)
        print(
            f"  {years} jaar gemaakt in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{v} {k}" for k, v in result.counts.items()),
            flush=True,
        )


def urls_for(app, email: str) -> dict[str, str]:
    """The main pages of this persona (overleg.demo.scale.persona_pages)."""
    from overleg.demo.scale import persona_pages

    with app.app_context():
        return persona_pages(email)


class Counter:
    """The SQL statements a request ran on one engine, the audit row of casework aside."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn, _cursor, statement, *_args) -> None:
        # As the query-count tests do: the audit row of a response that showed casework in
        # full (`record_shown`) is written only when the page's rows hold such a casus, so it
        # depends on the data, not on the size; the page's reads are what is compared.
        if not AUDIT_INSERT.match(statement):
            self.count += 1


@dataclass
class Size:
    """One database size, ready to serve: its app, a logged-in client per persona, their pages."""

    years: int
    counter: Counter
    clients: dict[str, object]
    pages: dict[str, dict[str, str]]


# What every page pays before its own content (printed beside the table, not judged): a
# logged-in request through all of Overleg's hooks (access rule, login session, security
# headers, the audit and mail hooks) that answers a word, and the same with the layout
# (templates/base.html: header, menu, flash messages, footer) around an empty content block.
FIXED_COSTS = {
    "ingelogd, zonder pagina": "/_bench/leeg",
    "met de opmaak (base.html)": "/_bench/opmaak",
}


def add_fixed_cost_routes(app) -> None:
    """The two routes of FIXED_COSTS, on the bench's app only (before its first request)."""
    from flask import render_template

    from overleg.access import access

    layout = app.jinja_env.from_string(
        "{% extends 'base.html' %}{% block content %}<p>Leeg</p>{% endblock %}"
    )

    @app.route(FIXED_COSTS["ingelogd, zonder pagina"], endpoint="bench_empty")
    @access("login")
    def _empty():
        return "Leeg"

    @app.route(FIXED_COSTS["met de opmaak (base.html)"], endpoint="bench_layout")
    @access("login")
    def _layout():
        return render_template(layout)


def open_size(url: str, storage: str, years: int, roles: list[str] | None) -> Size:
    from overleg.extensions import db
    from overleg.seed import DEMO_PASSWORD

    app = make_app(url, storage)
    add_fixed_cost_routes(app)
    with app.app_context():
        counter = Counter(db.engine)
    clients, pages = {}, {}
    for persona, email in PERSONAS.items():
        if roles and persona not in roles:
            continue
        client = app.test_client()
        resp = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
        assert resp.status_code == 302, (email, resp.status_code)
        clients[persona] = client
        pages[persona] = urls_for(app, email)
    return Size(years, counter, clients, pages)


def timed(client, url: str) -> float:
    started = time.perf_counter()
    resp = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert resp.status_code == 200, (url, resp.status_code)
    return elapsed


def figure(times: list[float], queries: int) -> Figure:
    times = sorted(times)
    return Figure(statistics.median(times), times[int(0.95 * (len(times) - 1))], queries)


def bench_page(
    sizes: list[Size], persona: str, name: str, floor_client, repeat: int, url: str | None = None
) -> tuple[float, dict[int, Figure]]:
    """One page at every size, and the floor, measured in turns: a block of BLOCK requests of
    the floor, then of the page at one year, at ten years, the floor again, and so on until
    each has `repeat` timed requests. What the machine does meanwhile (another process, the
    host's other guests) then weighs on all of them alike, where timing one size after the
    other compared one moment's noise with another's. Each block starts with one request that
    is not timed, so that every timed one follows a request of the same page, as in a loop of
    one page alone: a floor page that followed an Overleg page would run with cold caches and
    make the ratio look better than it is. ``url``: the same address at every size (instead
    of the persona's page `name`)."""
    urls = {s.years: url or s.pages[persona][name] for s in sizes}
    for size in sizes:
        for _ in range(2):
            timed(size.clients[persona], urls[size.years])
    floor_times: list[float] = []
    times: dict[int, list[float]] = {s.years: [] for s in sizes}
    queries: dict[int, int] = {}
    while len(floor_times) < repeat:
        block = min(BLOCK, repeat - len(floor_times))
        timed(floor_client, "/")
        floor_times += [timed(floor_client, "/") for _ in range(block)]
        for size in sizes:
            client, url = size.clients[persona], urls[size.years]
            timed(client, url)
            for _ in range(block):
                size.counter.count = 0
                times[size.years].append(timed(client, url))
                queries[size.years] = size.counter.count
    return statistics.median(floor_times), {y: figure(t, queries[y]) for y, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="1,10")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument(
        "--passes", type=int, default=3, help="rondes over alle pagina's (mediaan per pagina)"
    )
    parser.add_argument("--dir", default="/tmp/overleg-bench")
    parser.add_argument("--postgres", help="URL prefix of empty PostgreSQL databases per size")
    parser.add_argument("--only", help="pages by name, comma-separated (e.g. 'home,agenda')")
    parser.add_argument("--roles", help="secretaris, deelnemer, beheerder; comma-separated")
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    roles = args.roles.split(",") if args.roles else None
    years_list = [int(s) for s in args.years.split(",")]
    os.makedirs(args.dir, exist_ok=True)
    sizes = []
    for years in years_list:
        url = (
            f"{args.postgres}_{years}"
            if args.postgres
            else f"sqlite:///{args.dir}/scale-{years}.db"
        )
        storage = f"{args.dir}/files-{'pg' if args.postgres else 'sqlite'}-{years}"
        print(f"{years} jaar: {url}", flush=True)
        prepare(url, storage, years)
        sizes.append(open_size(url, storage, years, roles))
    with tempfile.TemporaryDirectory() as tmp:
        floor_client = floor_app(tmp).test_client()
        passes: list[list[tuple[str, str, float, dict[int, Figure]]]] = []
        for n in range(args.passes):
            if args.passes > 1:
                print(f"ronde {n + 1} van {args.passes}", flush=True)
            rows = []
            for persona in sizes[0].pages:
                for name in sizes[0].pages[persona]:
                    if only and name not in only:
                        continue
                    floor, figures = bench_page(sizes, persona, name, floor_client, args.repeat)
                    rows.append((persona, name, floor, figures))
            passes.append(rows)
        persona = "deelnemer" if "deelnemer" in sizes[0].clients else next(iter(sizes[0].clients))
        fixed = [
            (label, bench_page(sizes[:1], persona, label, floor_client, args.repeat, url))
            for label, url in FIXED_COSTS.items()
        ]
    report_fixed_costs(fixed, persona, years_list[0])
    return report(passes, years_list)


def report_fixed_costs(fixed, persona: str, years: int) -> None:
    """What every page pays before its own content, as a share of the 5x budget."""
    print(f"\nvaste kosten van elke pagina ({persona}, {years} jaar; niet beoordeeld):")
    for label, (floor, figures) in fixed:
        figure = figures[years]
        print(
            f"  {label:<27} {figure.median:5.2f} ms = {figure.median / floor:3.1f}x vloer, "
            f"{figure.queries} queries"
        )


def growth_of(runs, first: int, years: int) -> float:
    """A page's growth from `first` to `years`: the median over its rounds of the ratio of
    their medians, each within its round."""
    return statistics.median(r[3][years].median / r[3][first].median for r in runs)


def report(passes: list[list[tuple[str, str, float, dict[int, Figure]]]], years_list) -> int:
    """Print each page's figures and verdict. With several passes (rounds over all pages,
    minutes apart), a page's figures are the medians of its passes, each ratio and growth
    taken within its own pass; the range of its ratio over the passes is printed beside it.
    A slow or fast minute of the machine then weighs on one pass, not on the verdict."""
    floors = [row[2] for rows in passes for row in rows]
    many = len(passes) > 1
    print(
        f"\nvloer: {statistics.median(floors):.2f} ms (mediaan; {min(floors):.2f}-"
        f"{max(floors):.2f} ms naast de pagina's; 50 rijen uit SQLite, één query). "
        "Elke pagina wordt gedeeld door de vloer die beurtelings met haar werd gemeten"
        + (
            f"; {len(passes)} rondes, per pagina de mediaan van de rondes en (bereik) de "
            "laagste en hoogste verhouding.\n"
            if many
            else ".\n"
        )
    )
    first = years_list[0]
    header = f"{'rol':<11} {'pagina':<19} {'vloer':>5}"
    for years in years_list:
        header += f" {f'{years}j ms':>8} {'p95':>6} {'x vloer':>7} {'q':>4}"
        if years != first:
            header += f" {'groei':>5}"
    if many:
        header += f" {'bereik':>9}"
    print(header + "  oordeel")
    failures = 0
    for index, (persona, name, _floor, _figures) in enumerate(passes[0]):
        runs = [rows[index] for rows in passes]
        floor = statistics.median(r[2] for r in runs)
        row = f"{persona:<11} {name:<19} {floor:5.2f}"
        verdict = []
        for years in years_list:
            figs = [r[3][years] for r in runs]
            ratio = statistics.median(f.median / r[2] for f, r in zip(figs, runs, strict=True))
            row += (
                f" {statistics.median(f.median for f in figs):8.1f}"
                f" {statistics.median(f.p95 for f in figs):6.1f} {ratio:7.1f}"
                f" {figs[0].queries:4d}"
            )
            if years != first:  # the median of the rounds' growths: what is judged
                row += f" {growth_of(runs, first, years):5.2f}"
        ratios = [r[3][first].median / r[2] for r in runs]
        if many:
            row += f" {f'{min(ratios):.1f}-{max(ratios):.1f}':>9}"
        if statistics.median(ratios) > MAX_FLOOR_RATIO:
            verdict.append(f"TE TRAAG (> {MAX_FLOOR_RATIO:g}x vloer)")
        for years in years_list[1:]:
            growth = growth_of(runs, first, years)
            if growth > MAX_GROWTH:
                verdict.append(f"GROEIT ({growth:.2f}x bij {years}j)")
            counts = {(r[3][first].queries, r[3][years].queries) for r in runs}
            if any(a != b for a, b in counts):
                base, more = next((a, b) for a, b in counts if a != b)
                verdict.append(f"QUERIES {base}->{more}")
        failures += bool(verdict)
        print(row + "  " + ("; ".join(verdict) or "OK"))
    print(f"\n{len(passes[0]) - failures} van {len(passes[0])} pagina's halen de doelen")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
