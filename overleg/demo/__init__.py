"""The demo of Midden-Groningen: meetings, topics, vergaderstukken and minutes, loaded on top
of the structure (``overleg.seed.seed_structure``: organisations, roles, bodies, people).

Fictional content for trying the app out (``flask --app wsgi seed-demo``, ``make run``); no
domain rule lives here, and no test helper: tests build their own data (tests/factories.py)
and only the demo's own tests load it, through ``seed_all``."""

from __future__ import annotations

from ..seed import seed_structure
from .aanpak import seed_aanpak
from .documents import seed_documents
from .meetings import seed_meetings
from .minutes import seed_minutes
from .plan import seed_plans
from .signals import seed_signals
from .topics import seed_topics


def seed_all() -> dict[str, int]:
    """Everything the demo needs (idempotent); returns what was added per kind."""
    counts = seed_structure()
    counts["plans"] = seed_plans()  # before the topics: they belong to its priorities
    counts["meetings"] = seed_meetings()
    counts["topics"] = seed_topics()
    counts["documents"] = seed_documents()
    counts["minutes"] = seed_minutes()  # needs the meetings and topics
    counts["measures"] = seed_aanpak()  # adopted at a meeting whose minutes are a concept
    counts["signals"] = seed_signals()
    return counts
