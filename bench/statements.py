"""Where a page's time goes, statement by statement, at two sizes (what bench/pages.py flags).

    .venv/bin/python bench/statements.py --page verslag [--role deelnemer] [--years 1,10]
        [--dir /tmp/overleg-bench] [--repeat 10] [--postgres URL-PREFIX]

On the databases bench/pages.py made (it must have run once for these sizes), the page is
requested `repeat` times after three warm-up requests; per SQL statement (by its text, the
parameters aside) the median time per request, at each size, with the largest growth first,
and what the page spends outside SQL: rendering its templates, and the rest (Flask and
Overleg's hooks, the ORM making objects of the rows, the view and the domain's Python).
Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import PERSONAS, make_app, urls_for


def profile(url: str, storage: str, email: str, page: str, repeat: int):
    import flask.templating
    from sqlalchemy import event

    from overleg.extensions import db
    from overleg.seed import DEMO_PASSWORD

    app = make_app(url, storage)
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    resp = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code == 302, resp.status_code
    path = urls_for(app, email)[page]
    for _ in range(3):
        assert client.get(path).status_code == 200
    per_statement: dict[str, list[float]] = defaultdict(list)
    current: dict[str, float] = defaultdict(float)
    started_at: list[float] = []

    def before(_conn, _cursor, statement, *_args):
        started_at.append(time.perf_counter())

    def after(_conn, _cursor, statement, parameters, *_args):
        current[statement] += (time.perf_counter() - started_at.pop()) * 1000
        params[statement] = parameters

    # the time in Flask's render_template / render_template_string (templates, their macros
    # and whatever they call), summed over a request
    rendering = [0.0]
    render = flask.templating._render

    def timed_render(*args, **kwargs):
        started = time.perf_counter()
        try:
            return render(*args, **kwargs)
        finally:
            rendering[0] += (time.perf_counter() - started) * 1000

    totals, sql, templates = [], [], []
    params: dict[str, object] = {}
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    flask.templating._render = timed_render
    try:
        for _ in range(repeat):
            current.clear()
            rendering[0] = 0.0
            t0 = time.perf_counter()
            client.get(path)
            totals.append((time.perf_counter() - t0) * 1000)
            sql.append(sum(current.values()))
            templates.append(rendering[0])
            for statement, ms in current.items():
                per_statement[statement].append(ms)
    finally:
        flask.templating._render = render
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    medians = {
        s: statistics.median(v + [0.0] * (repeat - len(v))) for s, v in per_statement.items()
    }
    plans = {}
    with app.app_context(), engine.connect() as conn:
        explain = (
            "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        )
        for statement in medians:
            if statement.lstrip().upper().startswith("SELECT"):
                rows = conn.exec_driver_sql(explain + statement, params[statement]).all()
                plans[statement] = "\n".join(" | ".join(str(c) for c in r) for r in rows)
    return (
        statistics.median(totals),
        statistics.median(sql),
        medians,
        plans,
        statistics.median(templates),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", required=True)
    parser.add_argument("--role", default="deelnemer")
    parser.add_argument("--years", default="1,10")
    parser.add_argument("--dir", default="/tmp/overleg-bench")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--postgres")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--width", type=int, default=400)
    parser.add_argument("--explain", action="store_true", help="the plan of each at the last size")
    args = parser.parse_args()
    sizes = [int(s) for s in args.years.split(",")]
    results = {}
    for years in sizes:
        url = (
            f"{args.postgres}_{years}"
            if args.postgres
            else f"sqlite:///{args.dir}/scale-{years}.db"
        )
        storage = f"{args.dir}/files-{'pg' if args.postgres else 'sqlite'}-{years}"
        results[years] = profile(url, storage, PERSONAS[args.role], args.page, args.repeat)
    for years in sizes:
        total, sql, medians, _plans, rendering = results[years]
        print(
            f"{years}j: {total:.1f} ms, SQL {sql:.1f} ms in {len(medians)} statements, "
            f"buiten SQL {total - sql:.1f} ms: templates {rendering:.1f} ms, "
            f"de rest (Flask, hooks, ORM, view) {total - sql - rendering:.1f} ms"
        )
    first, last = sizes[0], sizes[-1]
    statements = set(results[first][2]) | set(results[last][2])
    rows = sorted(
        statements,
        key=lambda s: results[last][2].get(s, 0) - results[first][2].get(s, 0),
        reverse=True,
    )
    for statement in rows[: args.top]:
        a, b = results[first][2].get(statement, 0), results[last][2].get(statement, 0)
        print(f"\n{a:6.2f} -> {b:6.2f} ms  {' '.join(statement.split())[: args.width]}")
        if args.explain and statement in results[last][3]:
            print(results[last][3][statement])
    return 0


if __name__ == "__main__":
    sys.exit(main())
