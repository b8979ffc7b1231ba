"""Display labels derived from models alone (at the bottom of the domain, so topic and
escalation modules can both use them without importing each other)."""

from __future__ import annotations

from ..models import Escalation


def feedback_label(esc: Escalation) -> str:
    """What a terugkoppeling reports: "Besluit" for a numbered decision, "Opdracht" for an
    assignment given in answer to an escalation up; otherwise (also for the result of an
    assignment, direction down) "Uitkomst"."""
    if esc.outcome_kind == "besluit":
        return "Besluit"
    if esc.outcome_kind == "opdracht" and esc.direction == "up":
        return "Opdracht"
    return "Uitkomst"
