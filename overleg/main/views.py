"""Home page and the person's own profile."""

from __future__ import annotations

from flask import g, render_template
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased, joinedload

from ..access import access
from ..domain.policy import is_staff, meeting_visibility_clause
from ..domain.roster import bodies_of, holdings_of
from ..domain.worklist import worklist
from ..extensions import db
from ..models import Meeting, Participant
from ..timeutil import today_local, utcnow
from . import bp

UPCOMING_ON_HOME = 5
# The person's own participant row beside each meeting (the visibility clause correlates
# Participant itself); made once: an alias costs more to make than the query to run.
_MINE = aliased(Participant, name="mine")


def upcoming_meetings(
    person, limit: int = UPCOMING_ON_HOME
) -> list[tuple[Meeting, Participant | None]]:
    """The person's next visible, not cancelled meetings (not yet ended), each with their own
    participant row (None for a secretary who does not take part): one query."""
    mine = _MINE
    stmt = (
        select(Meeting, mine)
        .outerjoin(mine, and_(mine.meeting_id == Meeting.id, mine.person_id == person.id))
        .where(
            meeting_visibility_clause(person),
            Meeting.status == "gepland",
            Meeting.ends_at >= utcnow(),
        )
        .options(joinedload(Meeting.meeting_type))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    return [(m, p) for m, p in db.session.execute(stmt).all()]


@bp.route("/")
@access("login")
def home():
    today = today_local()
    holdings = holdings_of(current_user, today)
    return render_template(
        "main/home.html",
        bodies=bodies_of(current_user, today, holdings),
        holdings=holdings,
        upcoming=upcoming_meetings(current_user),
        worklist=worklist(current_user, today),
        show_worklist=is_staff(current_user),
    )


@bp.route("/mijn-gegevens")
@access("login")
def profile():
    g.nav_current = "main.profile"  # not in the menu: no item is current (not "Home")
    from ..auth.mfa import has_second_factor

    return render_template(
        "main/profile.html",
        holdings=holdings_of(current_user, today_local()),
        second_factor=has_second_factor(current_user),
    )


@bp.route("/health")
@access("public")
def health():
    return {"status": "ok"}
