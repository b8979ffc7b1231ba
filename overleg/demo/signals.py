"""Demo signals from residents, waiting in the OOV ambtenaar's triage list (fictional).
Idempotent: none are added when the demo already has signals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, inspect, select

from ..domain import signals as ds
from ..extensions import db
from ..models import Signal, Theme, ThemeGroup
from ..timeutil import today_local, utcnow

# what, where, theme (name of a priority, or None: anders), name, e-mail, days ago
DEMO_SIGNALS = [
    (
        "Fictief: 's avonds hangt een groep jongeren bij de speeltuin, er wordt geschreeuwd en "
        "er ligt regelmatig glas. Buurtbewoners durven er niet meer langs.",
        "Speeltuin Kerkstraat, Sappemeer",
        "Problematische jeugd en jeugdgroepen",
        "Demo Bewoner",
        "bewoner@example.org",
        2,
    ),
    (
        "Fictief: in de lege loods achter de boerderij brandt 's nachts steeds licht en er "
        "rijden busjes af en aan.",
        "Buitengebied Meeden",
        None,
        None,
        None,
        5,
    ),
]


def seed_signals() -> int:
    if not inspect(db.engine).has_table(Signal.__tablename__):
        return 0
    if db.session.scalar(select(func.count(Signal.id))):
        return 0
    year = today_local().year
    for what, where, theme_name, name, email, days in DEMO_SIGNALS:
        theme_id = None
        if theme_name:
            theme_id = db.session.scalar(
                select(Theme.id)
                .join(ThemeGroup)
                .where(Theme.name == theme_name, ThemeGroup.year == year)
            )
        ds.submit(
            what=what,
            location=where,
            theme_id=theme_id,
            year=year,
            name=name,
            email=email,
            now=utcnow() - timedelta(days=days),
        )
    db.session.commit()
    return len(DEMO_SIGNALS)
