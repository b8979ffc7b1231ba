"""Display labels derived from models alone (at the bottom of the domain, so topic and
escalation modules can both use them without importing each other)."""

from __future__ import annotations

from datetime import datetime

from ..models import Escalation
from ..timeutil import nl_date


def feedback_label(esc: Escalation) -> str:
    """What a terugkoppeling reports: "Besluit" for a numbered decision, "Opdracht" for an
    assignment given in answer to an escalation up; otherwise (also for the result of an
    assignment, direction down) "Uitkomst"."""
    if esc.outcome_kind == "besluit":
        return "Besluit"
    if esc.outcome_kind == "opdracht" and esc.direction == "up":
        return "Opdracht"
    return "Uitkomst"


def concluded_on(esc: Escalation) -> datetime | None:
    """When the escalation was concluded, as the user knows it: the start of the meeting
    whose item concluded it (not the moment the secretary recorded the outcome); the moment
    recorded when that item is gone."""
    item = esc.target_item
    if item is not None and item.meeting is not None:
        return item.meeting.starts_at
    return esc.concluded_at


def concluded_label(esc: Escalation) -> str:
    """ "afgehandeld door Driehoeksoverleg op maandag 8 februari 2027": the concluding body
    and the date of its meeting."""
    when = concluded_on(esc)
    on = f" op {nl_date(when)}" if when is not None else ""
    return f"afgehandeld door {esc.to_type.name}{on}"
