"""Demo jaarplannen: the Integraal Jaarplan Veiligheid 2019 with the texts of section 5 in
full (``jaarplan_2019.json``, made from the seed text by tools/jaarplan_from_seed.py), adopted
before Overleg; and a concept for the current year drafted from it, so that the demo's
meetings and topics (which run around today) belong to that year's priorities. Idempotent."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import inspect, select

from ..domain import indicators as di
from ..domain import plan as dp
from ..extensions import db
from ..models import Organisation, Person, PlanYear
from ..timeutil import local_to_utc, today_local

DATA_FILE = Path(__file__).with_name("jaarplan_2019.json")
ADOPTED_2019 = local_to_utc(date(2019, 2, 11), time(16, 0))  # fictional date of the Driehoek


def plan_data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


# Fictional figures per quarter for the indicators of the first priority (huiselijk geweld)
DEMO_FIGURES_2019 = [[41, 37, 45, 52], [9, 7, 11, 10], [6, 4, 7, 8]]


def _demo_figures(version) -> None:
    indicators = version.priorities[0].indicators
    for indicator, values in zip(indicators, DEMO_FIGURES_2019, strict=False):
        for quarter, value in enumerate(values, start=1):
            di.record_figure(
                indicator,
                version.plan.year,
                quarter,
                value=str(value),
                source="Fictief: Veilig Thuis Groningen en politie",
            )


def seed_plans() -> int:
    """Create the 2019 plan and the current year's concept; returns the plans created.

    Skipped on a database whose schema predates the jaarplan (a release 0.1 database, as
    tests/test_migrations.py loads the demo into before upgrading it)."""
    if not inspect(db.engine).has_table(PlanYear.__tablename__):
        return 0
    created = 0
    data = plan_data()
    if dp.plan_of_year(data["year"]) is None:
        orgs = {o.name: o for o in db.session.scalars(select(Organisation))}
        version = dp.new_plan(data["year"], data["title"])
        for p in data["priorities"]:
            dp.add_priority(
                version,
                dp.PriorityData(
                    cluster=p["cluster"],
                    name=p["name"],
                    heading=p["heading"],
                    ambition_label=p["ambition_label"],
                    indicators=p["indicators"],
                    partners=[orgs[name] for name in p["partners"] if name in orgs],
                    **{name: p.get(name) for name in dp.TEXT_ATTRIBUTES},
                ),
            )
        _demo_figures(version)
        dp.mark_adopted_before(
            version,
            ADOPTED_2019,
            "Vastgesteld in het Driehoeksoverleg van 11 februari 2019, vóór het gebruik van "
            "Overleg (geen besluit in het register).",
        )
        created += 1
    # the years the demo's meetings and topics run in (six months back to today)
    today = today_local()
    oov = db.session.scalar(select(Person).where(Person.email == "oov@example.org"))
    for year in sorted({(today - relativedelta(months=6)).year, today.year}):
        if year > data["year"] and dp.plan_of_year(year) is None:
            dp.copy_to_year(year, by=oov)
            created += 1
    db.session.commit()
    return created
