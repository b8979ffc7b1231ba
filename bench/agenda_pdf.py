"""The agenda PDF through the app against WeasyPrint alone on the same HTML, for 10 and 50 items.

    .venv/bin/python bench/agenda_pdf.py [--repeat 9] [--sizes 10,50] [--out /tmp/agenda.pdf]

Builds a throw-away SQLite database with the jaarplan structure, one TVO meeting per size
(half of the items casus topics, a document on every third item), and measures, alternating
the two so that a busy machine weighs on both alike:
- the whole request GET /overleggen/<id>/agenda.pdf (queries, template, WeasyPrint, audit),
  as a participant; the SQL query count of that request;
- WeasyPrint alone on the very HTML that request renders: ``HTML(string=...).write_pdf`` with
  the same options (PDF/UA-1), the same url fetcher, hence the same stylesheet and fonts,
  without anything kept from an earlier render.

Target (issue 12): the request at most 1.15x WeasyPrint alone; printed as OK or TE TRAAG.
Also, for information, the template alone and the vergaderstukken PDF (agenda + the attached
PDFs joined with pypdf).
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


MAX_RATIO = 1.15


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def alternating_ms(first, second, repeat: int) -> tuple[float, float]:
    """Medians of two functions run in turn (first, second, first, ...)."""
    a, b = [], []
    for _ in range(repeat):
        for fn, times in ((first, a), (second, b)):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(a), statistics.median(b)


def weasyprint_alone(html: str, **options) -> bytes:
    """What a caller of WeasyPrint does: parse, lay out, write; nothing kept between calls."""
    from weasyprint import HTML

    from overleg.pdf import PDF_BASE_URL, url_fetcher

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=url_fetcher()).write_pdf(**options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", "--runs", dest="repeat", type=int, default=9)
    parser.add_argument("--sizes", default="10,50")
    parser.add_argument("--out", help="write the 10-item agenda PDF here")
    parser.add_argument("--html-out", help="write the HTML of the first size here")
    parser.add_argument("--no-bundle", action="store_true", help="skip the vergaderstukken PDF")
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

    import io

    from pypdf import PdfReader

    # Warm up WeasyPrint (first use loads the library and the system fonts: not part of a
    # request's cost, nor of WeasyPrint's alone).
    weasyprint_alone("<p>warm</p>")
    rows = []
    for n, meeting_id in ids.items():
        url = f"/overleggen/{meeting_id}/agenda.pdf"
        resp = client.get(url)
        assert resp.status_code == 200, resp.status
        if args.out and n == sizes[0]:
            Path(args.out).write_bytes(resp.data)
        pages = len(PdfReader(io.BytesIO(resp.data)).pages)
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
            if args.html_out and n == sizes[0]:
                Path(args.html_out).write_text(html)
            template_ms = median_ms(template, args.repeat)
        floor = partial(weasyprint_alone, html, pdf_variant="pdf/ua-1")
        floor()
        request_ms, weasy_ms = alternating_ms(partial(client.get, url), floor, args.repeat)
        bundle_ms, bundle_pages = float("nan"), 0
        if not args.no_bundle:
            bundle_url = f"/overleggen/{meeting_id}/vergaderstukken.pdf"
            bundle = client.get(bundle_url)
            bundle_pages = len(PdfReader(io.BytesIO(bundle.data)).pages)
            bundle_ms = median_ms(partial(client.get, bundle_url), args.repeat)
        rows.append(
            (n, request_ms, len(statements), template_ms, weasy_ms, pages, bundle_ms, bundle_pages)
        )

    print(
        f"Agenda-PDF via de app tegen WeasyPrint alleen op dezelfde HTML (mediaan van {args.repeat})"
    )
    print(
        f"{'items':>5}  {'request ms':>10}  {'queries':>7}  {'template ms':>11}  "
        f"{'weasyprint ms':>13}  {'ratio':>5}  {'pages':>5}  {'bundle ms':>9}  "
        f"{'bundle pages':>12}  oordeel (max {MAX_RATIO:g}x)"
    )
    failed = False
    for n, request_ms, queries, template_ms, weasy_ms, pages, bundle_ms, bundle_pages in rows:
        ratio = request_ms / weasy_ms
        verdict = "OK" if ratio <= MAX_RATIO else f"TE TRAAG (> {MAX_RATIO:g}x WeasyPrint)"
        failed = failed or ratio > MAX_RATIO
        print(
            f"{n:>5}  {request_ms:>10.0f}  {queries:>7}  {template_ms:>11.1f}  "
            f"{weasy_ms:>13.0f}  {ratio:>5.2f}  {pages:>5}  {bundle_ms:>9.0f}  "
            f"{bundle_pages:>12}  {verdict}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
