"""Every main page at one and at ten years of data, against the floor (bench/floor.py).

    .venv/bin/python bench/pages.py [--years 1,10] [--repeat 25] [--dir /tmp/overleg-bench]
        [--only home,agenda] [--roles secretaris,deelnemer]

For each size a database made by `seed_scale` (overleg/demo/scale.py; SQLite in --dir, kept
between runs: ten years take a few minutes to make once) or, with `--postgres URL-PREFIX`, a
PostgreSQL database per size (`<prefix>_1`, `<prefix>_10`, created empty beforehand). Then,
in-process through the Flask test client, the median and p95 of each main page for the
secretary (oov@example.org) and a participant (wijkagent@example.org), its number of SQL
queries, and its ratio to the floor measured in the same run.

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
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import floor_ms

PERSONAS = {
    "secretaris": "oov@example.org",
    "deelnemer": "wijkagent@example.org",
    "beheerder": "beheerder@example.org",
}
MAX_FLOOR_RATIO = 5.0
MAX_GROWTH = 1.3
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


def measure(client, url: str, engine, repeat: int) -> Figure:
    from sqlalchemy import event

    count = [0]

    def on_execute(_conn, _cursor, statement, *_args):
        # As the query-count tests do: the audit row of a response that showed casework in
        # full (`record_shown`) is written only when the page's rows hold such a casus, so it
        # depends on the data, not on the size; the page's reads are what is compared.
        if not AUDIT_INSERT.match(statement):
            count[0] += 1

    for _ in range(3):
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
    times = []
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        for _ in range(repeat):
            count[0] = 0
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    times.sort()
    return Figure(statistics.median(times), times[int(0.95 * (len(times) - 1))], count[0])


def bench_size(
    url: str,
    storage: str,
    repeat: int,
    only: list[str] | None = None,
    roles: list[str] | None = None,
) -> dict[tuple[str, str], Figure]:
    from overleg.extensions import db
    from overleg.seed import DEMO_PASSWORD

    app = make_app(url, storage)
    figures: dict[tuple[str, str], Figure] = {}
    with app.app_context():
        engine = db.engine
    for persona, email in PERSONAS.items():
        if roles and persona not in roles:
            continue
        client = app.test_client()
        resp = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
        assert resp.status_code == 302, (email, resp.status_code)
        for name, page in urls_for(app, email).items():
            if only and name not in only:
                continue
            figures[(persona, name)] = measure(client, page, engine, repeat)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="1,10")
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--dir", default="/tmp/overleg-bench")
    parser.add_argument("--postgres", help="URL prefix of empty PostgreSQL databases per size")
    parser.add_argument("--only", help="pages by name, comma-separated (e.g. 'home,agenda')")
    parser.add_argument("--roles", help="secretaris, deelnemer, beheerder; comma-separated")
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    roles = args.roles.split(",") if args.roles else None
    sizes = [int(s) for s in args.years.split(",")]
    os.makedirs(args.dir, exist_ok=True)
    results: dict[int, dict[tuple[str, str], Figure]] = {}
    floor = floor_ms()
    for years in sizes:
        url = (
            f"{args.postgres}_{years}"
            if args.postgres
            else f"sqlite:///{args.dir}/scale-{years}.db"
        )
        storage = f"{args.dir}/files-{'pg' if args.postgres else 'sqlite'}-{years}"
        print(f"{years} jaar: {url}", flush=True)
        prepare(url, storage, years)
        results[years] = bench_size(url, storage, args.repeat, only, roles)
    floor = min(floor, floor_ms())  # the floor of the quieter moment of this run
    print(f"\nvloer: {floor:.2f} ms (mediaan; 50 rijen uit SQLite, één query)\n")
    first = sizes[0]
    header = f"{'rol':<11} {'pagina':<17}"
    for years in sizes:
        header += f" {f'{years}j ms':>8} {'p95':>6} {'x vloer':>7} {'q':>4}"
    print(header + "  oordeel")
    failures = 0
    for key in results[first]:
        row = f"{key[0]:<11} {key[1]:<17}"
        verdict = []
        for years in sizes:
            fig = results[years][key]
            row += f" {fig.median:8.1f} {fig.p95:6.1f} {fig.median / floor:7.1f} {fig.queries:4d}"
        base = results[first][key]
        if base.median / floor > MAX_FLOOR_RATIO:
            verdict.append(f"TE TRAAG (> {MAX_FLOOR_RATIO:g}x vloer)")
        for years in sizes[1:]:
            fig = results[years][key]
            if fig.median > MAX_GROWTH * base.median:
                verdict.append(f"GROEIT ({fig.median / base.median:.2f}x bij {years}j)")
            if fig.queries != base.queries:
                verdict.append(f"QUERIES {base.queries}->{fig.queries}")
        failures += bool(verdict)
        print(row + "  " + ("; ".join(verdict) or "OK"))
    print(f"\n{len(results[first]) - failures} van {len(results[first])} pagina's halen de doelen")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
