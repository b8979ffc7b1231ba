"""Demo minutes: approved minutes with decisions and actions (open, overdue, closed), the most
recent of each body a concept; loading twice changes nothing."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import func, select

from overleg.demo import seed_all
from overleg.domain import actions as da
from overleg.extensions import db
from overleg.models import ActionItem, Decision, Meeting, MeetingType, Minutes
from overleg.timeutil import today_local
from tests.conftest import login


def test_demo_minutes(app, demo):
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
    # Someone who owns an overdue action sees it in "Mijn actiepunten", marked Verlopen,
    # and each of their other open actions with its own due state
    # (the first by id: the rows' order from the database is no order; the demo has people
    # with two open actions of the same text, so each row is found by its close form's id)
    overdue = min(
        (a for a in actions if a.is_overdue(today) and a.owner_person_id is not None),
        key=lambda a: a.id,
    )
    person = overdue.owner_person
    c2 = app.test_client()
    login(c2, person.email, "Veilig-Overleg-2019")
    resp = c2.get("/mijn-actiepunten")
    assert resp.status_code == 200
    rows = resp.get_data(as_text=True).split("<tr>")
    # (text shown: minutes sent, and an open item or one the owner was entitled to; the demo's
    # casus actions are owned by participants of their meeting)
    sent = set(
        db.session.scalars(
            select(Minutes.meeting_id).where(
                Minutes.status.in_(("ter_vaststelling", "vastgesteld"))
            )
        )
    )
    own_open = [
        a
        for a in actions
        if a.owner_person_id == person.id and a.status == "open" and a.meeting_id in sent
    ]
    assert overdue in own_open
    for action in own_open:
        (row,) = [r for r in rows if f'id="close-note-{action.id}"' in r]
        assert f">{escape(action.what)}<" in row, row
        assert ("Verlopen" in row) == action.is_overdue(today), (action.what, row)
        assert '<td class="utrecht-table__cell">Open</td>' in row, row
    # open actions appear on the next agenda's actielijst (the concept minutes)
    concept = db.session.scalar(
        select(Minutes)
        .join(Meeting, Meeting.id == Minutes.meeting_id)
        .join(MeetingType)
        .where(MeetingType.code == "tvo", Minutes.status == "concept")
    )
    assert da.carried_actions(concept.meeting)


def test_secretary_opens_approved_demo_minutes_before_any_pdf_was_made(app, demo):
    """The demo's approved minutes get their archival PDF at the first download. The OOV
    ambtenaar opens the minutes page first, as a user does: the page works and says the
    fingerprint follows; after the download the page shows that PDF's SHA-256."""
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
