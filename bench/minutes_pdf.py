"""The minutes PDF through the app: rendered (concept) against WeasyPrint alone on the same
HTML, and the stored PDF of approved minutes against a static file of the same size.

    .venv/bin/python bench/minutes_pdf.py [--runs 9] [--sizes 20,80] [--alleen-opgeslagen]

Uses a throw-away SQLite database and storage folder; per size (agenda items) one meeting
with minutes, logged in as the secretary. Each pair is measured alternating, so that a busy
machine weighs on both alike. Prints the medians, the ratio and OK / TE TRAAG:

- rendered: GET /overleggen/<id>/verslag.pdf of concept minutes (queries, snapshot, template,
  WeasyPrint, audit) against ``HTML(string=...).write_pdf`` on the very HTML it renders, with
  the same options (PDF/A-2u, tagged), the same url fetcher, stylesheet and fonts, nothing kept
  from an earlier render. Target: at most 1.15x.
- stored: the same minutes approved (frozen as version 1, its PDF stored), the download of
  that stored PDF against a file of the same size sent by ``send_from_directory`` from a route
  in the same app (logged in, the same request hooks). Target: at most 1.2x.
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
from functools import partial
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


MAX_RENDER_RATIO = 1.15
MAX_STORED_RATIO = 1.2


def alternating(first, second, runs: int) -> tuple[list[float], list[float]]:
    """Seconds per call of two functions run in turn (first, second, first, ...)."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return a, b


def approve(meeting_id: int) -> None:
    """Send the minutes for approval and approve them at a later meeting of the body: the
    frozen version 1 with its stored PDFs."""
    from sqlalchemy import select

    from overleg.domain import minutes as dm
    from overleg.domain.agenda import create_standard_items
    from overleg.extensions import db
    from overleg.models import Meeting, Person

    sec = db.session.scalar(select(Person).where(Person.email == "bench@example.org"))
    meeting = db.session.get(Meeting, meeting_id)
    later = Meeting(
        meeting_type=meeting.meeting_type,
        starts_at=meeting.starts_at + timedelta(days=28),
        ends_at=meeting.ends_at + timedelta(days=28),
        location=meeting.location,
    )
    db.session.add(later)
    db.session.flush()
    create_standard_items(later)
    minutes = dm.get_minutes(meeting)
    dm.send_for_approval(minutes, sec)
    dm.approve(minutes, later, sec)
    db.session.commit()


def verdict(ratio: float, limit: float, what: str) -> str:
    return "OK" if ratio <= limit else f"TE TRAAG (> {limit:g}x {what})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", "--repeat", dest="runs", type=int, default=9)
    parser.add_argument("--sizes", default="20,80", help="agenda items per meeting")
    parser.add_argument(
        "--alleen-opgeslagen",
        dest="stored_only",
        action="store_true",
        help="alleen de download van het opgeslagen PDF (niet het maken)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="overleg-bench-"))
    import atexit
    import shutil

    atexit.register(shutil.rmtree, tmp, True)
    from flask import send_from_directory

    from overleg import create_app
    from overleg.access import access
    from overleg.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
            "STORAGE_DIR": str(tmp / "files"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "memory",
            "SECRET_KEY": "bench",
            "TESTING": True,
        }
    )
    static_dir = tmp / "static"
    static_dir.mkdir()

    @access("login")
    def static_file(name: str):
        return send_from_directory(static_dir, name, mimetype="application/pdf")

    app.add_url_rule("/bench/statisch/<name>", "bench_static", static_file)

    codes = ("tvo", "ovo", "ivo", "jvo")
    sizes = [int(n) for n in args.sizes.split(",")]
    with app.app_context():
        db.create_all()
        from overleg.seed import seed_structure

        seed_structure()
        ids = {n: build(app, n, code) for n, code in zip(sizes, codes, strict=False)}

    client = app.test_client()
    resp = client.post("/inloggen", data={"email": "bench@example.org", "password": PASSWORD})
    assert resp.status_code == 302, "login failed"

    from weasyprint import HTML

    from overleg.domain import minutes as dm
    from overleg.minutes.export import PDF_OPTIONS, minutes_html
    from overleg.pdf import PDF_BASE_URL, url_fetcher

    # PDF_OPTIONS as WeasyPrint takes them (declare_pdfua is the app's own finishing step)
    weasy_options = {k: v for k, v in PDF_OPTIONS.items() if k != "declare_pdfua"}
    HTML(string="<p>warm</p>").write_pdf()  # loads the library and the system fonts

    counter = {"n": 0}

    def count(*_a, **_k):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine

    def queries_of(url: str) -> int:
        counter["n"] = 0
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return counter["n"]

    rendered, stored = [], []
    for n, meeting_id in ids.items():
        url = f"/overleggen/{meeting_id}/verslag.pdf"
        client.get(url)  # warm-up (templates)
        with app.test_request_context():
            from overleg.models import Meeting

            meeting = db.session.get(Meeting, meeting_id)
            html = minutes_html(dm.build_snapshot(dm.get_minutes(meeting)))

        def floor(html=html):
            HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=url_fetcher()).write_pdf(
                io.BytesIO(), **weasy_options
            )

        if not args.stored_only:
            app_t, floor_t = alternating(partial(client.get, url), floor, args.runs)
            resp = client.get(url)
            assert resp.status_code == 200
            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(resp.data)).pages)
            rendered.append(
                (n, statistics.median(app_t), statistics.median(floor_t), queries_of(url), pages)
            )

        with app.app_context():
            approve(meeting_id)
        data = client.get(url).data  # the stored PDF
        (static_dir / f"verslag-{n}.pdf").write_bytes(b"\0" * len(data))
        static_url = f"/bench/statisch/verslag-{n}.pdf"
        assert len(client.get(static_url).data) == len(data)
        runs = max(args.runs * 20, 100)  # a download takes milliseconds: more of them
        app_t, floor_t = alternating(
            partial(client.get, url), partial(client.get, static_url), runs
        )
        stored.append(
            (
                n,
                len(data),
                statistics.median(app_t),
                statistics.median(floor_t),
                queries_of(url),
                queries_of(static_url),
            )
        )

    failed = False
    if rendered:
        print(
            f"Verslag-PDF gemaakt (concept) tegen WeasyPrint alleen op dezelfde HTML ({args.runs}x)"
        )
        print(
            f"{'items':>5} {'app (s)':>9} {'floor (s)':>10} {'ratio':>6} {'queries':>8} "
            f"{'pages':>6}  oordeel (max {MAX_RENDER_RATIO:g}x)"
        )
        for n, a, f, queries, pages in rendered:
            failed = failed or a / f > MAX_RENDER_RATIO
            print(
                f"{n:>5} {a:>9.3f} {f:>10.3f} {a / f:>6.2f} {queries:>8} {pages:>6}  "
                f"{verdict(a / f, MAX_RENDER_RATIO, 'WeasyPrint')}"
            )
        print()
    print("Vastgesteld verslag: opgeslagen PDF tegen een statisch bestand van dezelfde grootte")
    print(
        f"{'items':>5} {'bytes':>8} {'app (ms)':>9} {'static (ms)':>11} {'ratio':>6} "
        f"{'queries':>8} {'static q':>8}  oordeel (max {MAX_STORED_RATIO:g}x)"
    )
    for n, size, a, f, queries, static_queries in stored:
        failed = failed or a / f > MAX_STORED_RATIO
        print(
            f"{n:>5} {size:>8} {a * 1000:>9.2f} {f * 1000:>11.2f} {a / f:>6.2f} {queries:>8} "
            f"{static_queries:>8}  {verdict(a / f, MAX_STORED_RATIO, 'statisch bestand')}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
