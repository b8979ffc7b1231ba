"""Timings of the agenda PDF for 10 and 50 items, and of WeasyPrint on the same HTML.

    .venv/bin/python bench/agenda_pdf.py [--repeat 3] [--out /tmp/agenda.pdf]

Builds a throw-away SQLite database with the jaarplan structure, one TVO meeting per size
(half of the items casus topics, a document on every third item), and measures:
- the whole request GET /overleggen/<id>/agenda.pdf (queries, template, WeasyPrint), as a
  participant; the SQL query count of that request;
- WeasyPrint alone on the very same HTML (render_pdf), and the template alone;
- the vergaderstukken PDF (agenda + the attached PDFs joined with pypdf).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as dtime
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-wachtwoord-2019"


def build(n_items: int, member, tvo_type):
    from overleg.domain.agenda import add_item, create_standard_items
    from overleg.domain.topics import create_topic
    from overleg.extensions import db
    from overleg.models import Document, Meeting, Participant
    from overleg.storage import get_storage
    from overleg.timeutil import local_to_utc
    from tests.doc_samples import make_pdf

    starts = local_to_utc(date(2019, 3, 12), dtime(9, 0))
    meeting = Meeting(
        meeting_type=tvo_type,
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        location="Gemeentehuis Hoogezand",
    )
    db.session.add(meeting)
    db.session.add(Participant(meeting=meeting, person=member, part="member"))
    db.session.flush()
    create_standard_items(meeting)
    pdf = make_pdf(["Bijlage blad 1", "Bijlage blad 2"])
    for i in range(n_items):
        topic = None
        if i % 2 == 0:
            topic = create_topic(
                title=f"Casus {i}: overlast in de wijk",
                meeting_type=tvo_type,
                confidentiality="casus",
                year=2019,
                description="Beschrijving van de casus.",
            )
        item = add_item(
            meeting,
            title=topic.title if topic else f"Agendapunt {i}",
            topic=topic,
            duration_minutes=5,
            presenter="Wijkagent",
            description="Toelichting bij het agendapunt, enkele regels tekst.",
        )
        if i % 3 == 0:
            key = get_storage().save(pdf)
            db.session.add(
                Document(
                    agenda_item=item,
                    filename=f"bijlage-{i}.pdf",
                    content_type="application/pdf",
                    size=len(pdf),
                    sha256=hashlib.sha256(pdf).hexdigest(),
                    storage_key=key,
                )
            )
    db.session.commit()
    return meeting.id


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="10,50")
    parser.add_argument("--out", help="write the 10-item agenda PDF here")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="overleg-bench-")
    import atexit
    import shutil

    atexit.register(shutil.rmtree, tmp, True)
    from flask import render_template
    from sqlalchemy import event, select

    from overleg import create_app
    from overleg.auth.services import hash_password
    from overleg.extensions import db
    from overleg.models import MeetingType, Person

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "STORAGE_DIR": os.path.join(tmp, "files"),
            "MAIL_BACKEND": "memory",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        from overleg.seed import seed_structure

        db.create_all()
        seed_structure()
        member = Person(
            name="Dirk Deelnemer",
            email="deelnemer@bench.example.org",
            app_role="deelnemer",
            password_hash=hash_password(PASSWORD),
        )
        db.session.add(member)
        db.session.commit()
        member_id = member.id
        tvo = db.session.scalar(select(MeetingType).where(MeetingType.code == "tvo"))
        sizes = [int(s) for s in args.sizes.split(",")]
        ids = {n: build(n, member, tvo) for n in sizes}

    client = app.test_client()
    client.post("/inloggen", data={"email": "deelnemer@bench.example.org", "password": PASSWORD})

    print(
        f"{'items':>5}  {'request ms':>10}  {'queries':>7}  {'template ms':>11}  "
        f"{'weasyprint ms':>13}  {'pages':>5}  {'bundle ms':>9}  {'bundle pages':>12}"
    )
    import io

    from pypdf import PdfReader

    # Warm up WeasyPrint (first use loads fonts and the library: not part of a request's cost).
    with app.app_context():
        from overleg.pdf import render_pdf

        render_pdf("<p>warm</p>")
    for n, meeting_id in ids.items():
        url = f"/overleggen/{meeting_id}/agenda.pdf"
        resp = client.get(url)
        assert resp.status_code == 200, resp.status
        if args.out and n == sizes[0]:
            Path(args.out).write_bytes(resp.data)
        pages = len(PdfReader(io.BytesIO(resp.data)).pages)
        request_ms = median_ms(partial(client.get, url), args.repeat)
        statements = []
        with app.app_context():

            def listener(*a, statements=statements):
                statements.append(a[2])

            event.listen(db.engine, "before_cursor_execute", listener)
            client.get(url)
            event.remove(db.engine, "before_cursor_execute", listener)

        with app.test_request_context():
            from flask_login import login_user

            from overleg.access import get_visible_meeting_or_404
            from overleg.domain import documents as docs
            from overleg.timeutil import utcnow

            person = db.session.get(Person, member_id)
            login_user(person)  # current_user for the template
            meeting = get_visible_meeting_or_404(meeting_id, person, docs.agenda_load_options())
            view = docs.agenda_view(meeting, person)

            template = partial(
                render_template,
                "print/agenda.html",
                view=view,
                meeting=meeting,
                bundle=None,
                reader=person,
                now=utcnow(),
            )

            html = template()
            template_ms = median_ms(template, args.repeat)
            weasy_ms = median_ms(partial(render_pdf, html), args.repeat)
        bundle_url = f"/overleggen/{meeting_id}/vergaderstukken.pdf"
        bundle = client.get(bundle_url)
        bundle_pages = len(PdfReader(io.BytesIO(bundle.data)).pages)
        bundle_ms = median_ms(partial(client.get, bundle_url), args.repeat)
        print(
            f"{n:>5}  {request_ms:>10.0f}  {len(statements):>7}  {template_ms:>11.1f}  "
            f"{weasy_ms:>13.0f}  {pages:>5}  {bundle_ms:>9.0f}  {bundle_pages:>12}"
        )


if __name__ == "__main__":
    main()
