"""Benchmark: exporting the minutes PDF through the application against WeasyPrint rendering
the same HTML directly (the floor), for minutes of 20 and of 80 agenda items.

    .venv/bin/python bench/minutes_pdf.py [--runs 5]

Uses a throw-away SQLite database and storage folder; prints the median times and the ratio
application / floor, and the number of SQL queries per export.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

PASSWORD = "Bench-Wachtwoord-2019"


def build(app, n_items: int, code: str):
    from sqlalchemy import select

    from overleg.auth.services import hash_password
    from overleg.domain import actions as da
    from overleg.domain import decisions as dd
    from overleg.domain.agenda import create_standard_items
    from overleg.domain.minutes import ensure_minutes
    from overleg.extensions import db
    from overleg.models import AgendaItem, Meeting, MeetingType, Participant, Person, Topic
    from overleg.timeutil import local_to_utc

    # each size in its own body, so neither meeting carries the other's actions
    tvo = db.session.scalar(select(MeetingType).where(MeetingType.code == code))
    sec = db.session.scalar(select(Person).where(Person.email == "bench@example.org"))
    if sec is None:
        sec = Person(
            name="Bench Secretaris",
            email="bench@example.org",
            app_role="secretaris",
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(sec)
    people = db.session.scalars(select(Person).where(Person.email.like("%@example.org"))).all()
    start = local_to_utc(date(2019, 3, 7) + timedelta(days=n_items), dtime(13, 30))
    meeting = Meeting(
        meeting_type=tvo,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Gemeentehuis Hoogezand, zaal 2",
    )
    db.session.add(meeting)
    for p in people[:8]:
        db.session.add(Participant(meeting=meeting, person=p, part="member", attendance="aanwezig"))
    db.session.flush()
    create_standard_items(meeting)
    for n in range(n_items - len(meeting.agenda_items)):
        topic = Topic(
            reference=f"{code.upper()}-B{n_items}-{n:03d}",
            title=f"Onderwerp {n}",
            meeting_type=tvo,
            confidentiality="casus" if n % 4 == 0 else "intern",
        )
        item = AgendaItem(
            meeting=meeting,
            position=10 + n,
            kind="topic",
            title=f"Onderwerp {n}",
            topic=topic,
            purpose="bespreking",
            notes=("De partners bespreken de stand van zaken en de aanpak. " * 6),
        )
        db.session.add_all([topic, item])
        db.session.flush()
        dd.add_decision(meeting, item, f"Het TVO stemt in met de voorgestelde aanpak {n}.")
        da.add_action(
            meeting,
            item,
            f"Uitwerking aanpak {n} aanleveren",
            owner_person=people[n % 8],
            due_date=date(2019, 4, 1),
        )
    ensure_minutes(meeting, sec)
    db.session.commit()
    return meeting.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="overleg-bench-"))
    from overleg import create_app
    from overleg.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "STORAGE_DIR": str(tmp / "files"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "TESTING": True,
        }
    )
    with app.app_context():
        db.create_all()
        from overleg.seed import seed_structure

        seed_structure()
        ids = {n: build(app, n, code) for n, code in ((20, "tvo"), (80, "ovo"))}

    client = app.test_client()
    resp = client.post("/inloggen", data={"email": "bench@example.org", "password": PASSWORD})
    assert resp.status_code == 302, "login failed"

    from weasyprint import HTML  # warm the import outside the timings

    from overleg.domain import minutes as dm
    from overleg.minutes.export import PDF_OPTIONS, minutes_html
    from overleg.pdf import url_fetcher

    print(f"{'items':>5} {'app (s)':>9} {'floor (s)':>10} {'ratio':>6} {'queries':>8} {'pages':>6}")
    counter = {"n": 0}

    def count(*_a, **_k):
        counter["n"] += 1

    for n, meeting_id in ids.items():
        url = f"/overleggen/{meeting_id}/verslag.pdf"
        client.get(url)  # warm-up (templates, fonts)
        app_times, statements = [], []
        engine = None
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        for _ in range(args.runs):
            counter["n"] = 0
            t0 = time.perf_counter()
            resp = client.get(url)
            app_times.append(time.perf_counter() - t0)
            statements.append(counter["n"])
            assert resp.status_code == 200
        event.remove(engine, "before_cursor_execute", count)
        pdf_bytes = resp.data

        with app.test_request_context():
            from overleg.models import Meeting

            meeting = db.session.get(Meeting, meeting_id)
            html = minutes_html(dm.build_snapshot(dm.get_minutes(meeting)))
        floor_times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            out = io.BytesIO()
            HTML(
                string=html, base_url="https://overleg.pdf.invalid/", url_fetcher=url_fetcher()
            ).write_pdf(out, **PDF_OPTIONS)
            floor_times.append(time.perf_counter() - t0)
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf_bytes)).pages)
        a, f = statistics.median(app_times), statistics.median(floor_times)
        print(
            f"{n:>5} {a:>9.3f} {f:>10.3f} {a / f:>6.2f} {statistics.median(statements):>8.0f} "
            f"{pages:>6}"
        )


if __name__ == "__main__":
    main()
