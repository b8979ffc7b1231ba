"""Demo minutes: approved minutes with decisions and actions (open, overdue, closed), the most
recent of each body a concept; loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from overleg.domain import actions as da
from overleg.extensions import db
from overleg.models import ActionItem, Decision, Meeting, MeetingType, Minutes
from overleg.seed import seed_all
from overleg.timeutil import today_local
from tests.conftest import login


def test_demo_minutes(app):
    seed_all()
    counts = (
        db.session.scalar(select(func.count(Minutes.id))),
        db.session.scalar(select(func.count(Decision.id))),
        db.session.scalar(select(func.count(ActionItem.id))),
    )
    assert all(counts)
    for body in db.session.scalars(select(MeetingType)).all():
        rows = db.session.execute(
            select(Minutes.status, Meeting.starts_at)
            .join(Meeting, Meeting.id == Minutes.meeting_id)
            .where(Meeting.meeting_type_id == body.id)
            .order_by(Meeting.starts_at)
        ).all()
        if not rows:
            continue
        assert rows[-1].status == "concept"
        assert all(r.status == "vastgesteld" for r in rows[:-1])
    actions = db.session.scalars(select(ActionItem)).all()
    today = today_local()
    assert any(a.status == "afgerond" for a in actions)
    assert any(a.is_overdue(today) for a in actions)

    seed_all()  # idempotent
    assert counts == (
        db.session.scalar(select(func.count(Minutes.id))),
        db.session.scalar(select(func.count(Decision.id))),
        db.session.scalar(select(func.count(ActionItem.id))),
    )

    # The OOV ambtenaar sees registers and minutes; the approved PDF is made at first download
    c = app.test_client()
    login(c, "oov@example.org", "Veilig-Overleg-2019")
    assert "TVO-" in c.get("/besluiten/tvo").get_data(as_text=True)
    approved = db.session.scalar(
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(MeetingType)
        .where(MeetingType.code == "tvo", Minutes.status == "vastgesteld")
    )
    one = c.get(f"/overleggen/{approved.meeting_id}/verslag.pdf")
    two = c.get(f"/overleggen/{approved.meeting_id}/verslag.pdf")
    assert one.status_code == 200 and one.data == two.data
    # Someone who owns actions sees them in "Mijn actiepunten"
    owner = db.session.scalar(
        select(ActionItem.owner_person_id).where(
            ActionItem.status == "open", ActionItem.owner_person_id.is_not(None)
        )
    )
    from overleg.models import Person

    person = db.session.get(Person, owner)
    c2 = app.test_client()
    login(c2, person.email, "Veilig-Overleg-2019")
    html = c2.get("/mijn-actiepunten").get_data(as_text=True)
    assert "Verlopen" in html or "Open" in html
    # open actions appear on the next agenda's actielijst (the concept minutes)
    concept = db.session.scalar(
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(MeetingType)
        .where(MeetingType.code == "tvo", Minutes.status == "concept")
    )
    assert da.carried_actions(concept.meeting)


def test_secretary_opens_approved_demo_minutes_before_any_pdf_was_made(app):
    """The demo's approved minutes get their archival PDF at the first download. The OOV
    ambtenaar opens the minutes page first, as a user does: the page works and says the
    fingerprint follows; after the download the page shows that PDF's SHA-256."""
    seed_all()
    approved = db.session.scalar(
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(MeetingType)
        .where(MeetingType.code == "tvo", Minutes.status == "vastgesteld")
        .order_by(Meeting.starts_at)
    )
    assert approved.versions and approved.versions[-1].pdf_sha256 is None  # nothing made yet
    c = app.test_client()
    login(c, "oov@example.org", "Veilig-Overleg-2019")
    page = f"/overleggen/{approved.meeting_id}/verslag"

    before = c.get(page)
    assert before.status_code == 200
    html = before.get_data(as_text=True)
    assert "Vastgesteld" in html and "Versie 1" in html
    assert "SHA-256 volgt bij de eerste download" in html

    pdf = c.get(f"{page}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    sha = pdf.headers["X-Content-SHA256"]
    after = c.get(page).get_data(as_text=True)
    assert f"SHA-256 {sha[:16]}…" in after
    assert "SHA-256 volgt bij de eerste download" not in after
