"""The demo, crawled: the demo as `make run` leaves it (seeded, nothing downloaded or rendered
yet), visited by anonymous and by every account the README lists, following every same-site
link from the home page with GET only.

Every response is below 500; every HTML page (error pages included) is Dutch (`lang="nl"`) and
has a title; every calendar file parses; every PDF opens and has text; and no GET writes to
the database beyond the audit log, the login session's last activity and the archival PDFs of
frozen minutes that are made at their first download. All findings are collected and
reported at once, per persona, with the URL and the page that linked to it.

Bounded: at most PAGE_CAP responses per persona, counted per URL pattern (numbers replaced by
'#', query parameters by their names): every object page such as /overleggen/# (OBJECT_CAP:
all 45 meetings of the demo), SUB_PAGE_CAP of each page under an object (/overleggen/#/verslag,
/agendapunten/#/bewerken), QUERY_CAP of each filter or sort, and DOWNLOAD_CAP file of each kind
(PDF, .ics, documents, exports), one another persona did not fetch yet. Where a cap applies
the links are picked evenly over all those found, so old and new meetings both come up.
Pages come first for every persona, files after, then each logged-in persona makes its
calendar feed (the one POST) and a calendar app fetches it. OVERLEG_CRAWL_DEEP=1 lifts the
caps (every page and file; minutes rather than seconds).
"""

from __future__ import annotations

import io
import os
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import icalendar
import pytest
from flask import url_for
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import event

from overleg.extensions import db
from overleg.seed import DEMO_PASSWORD
from tests import pdfua_support, vnu_support
from tests.conftest import login

README = Path(__file__).resolve().parent.parent / "README.md"

PAGE_CAP = 900
OBJECT_CAP = 60  # /overleggen/#, /onderwerpen/#, ...: every meeting of the demo
SUB_PAGE_CAP = 12  # /overleggen/#/bewerken, /agendapunten/#/toegang, ...
QUERY_CAP = 6  # the same page with other filter values, sort orders or months
DOWNLOAD_CAP = 1  # per pattern and persona, one no other persona fetched (most are made on request)
if os.environ.get("OVERLEG_CRAWL_DEEP"):  # every page and file, for a search by hand (minutes)
    PAGE_CAP, SUB_PAGE_CAP, QUERY_CAP, DOWNLOAD_CAP = 10_000, 1_000, 24, 1_000

# Addresses a user may type or keep from an old mail: they meet the error pages, which must
# be Dutch and titled like any other page (not followed as links: a 4xx here is expected).
PROBES = ("/bestaat-niet", "/overleggen/999999", "/beheer/")
FEED_FIELD = re.compile(r'id="feed-url"[^>]*\bvalue="([^"]+)"')

SAME_SITE_HOSTS = {"", "localhost", "overleg.test"}  # overleg.test: BASE_URL in tests
# Not visited: leaving would end the crawl (logging out is a POST form anyway).
SKIP_PATHS = re.compile(r"^/(uitloggen|logout)\b")
DOWNLOAD = re.compile(r"(\.(pdf|ics|csv)$)|^/stukken/\d+$")

# Writes a GET may make: the audit log (reading is logged), the login session's last
# activity, and the archival PDF of a frozen minutes version, made once at its first
# download (overleg/domain/minutes.py, stored_pdf). Anything else is a finding.
ALLOWED_WRITES = (
    re.compile(r'^\s*INSERT INTO "?audit_event"?', re.I),
    re.compile(r'^\s*UPDATE "?login_session"? SET "?last_seen_at"?', re.I),
    re.compile(r'^\s*UPDATE "?minutes_version"? SET "?pdf_key"?', re.I),
)
WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.I)


def readme_accounts() -> list[str]:
    """The demo accounts in README.md's table, in its order."""
    text = README.read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`@]+@[^`]+)` \|", text, re.M)


ACCOUNTS = readme_accounts()
PERSONAS = ["anoniem", *ACCOUNTS]
# Two crawls, each over its own demo, so that the two test workers share the work.
GROUPS = {"groep-1": PERSONAS[0::2], "groep-2": PERSONAS[1::2]}


class _Links(HTMLParser):
    """href of <a> and <link>, src of anything with one, action of GET forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link", "area") and a.get("href"):
            self.links.append(a["href"])
        if a.get("src"):
            self.links.append(a["src"])
        if tag == "form" and (a.get("method") or "get").lower() == "get":
            self.links.append(a.get("action") or "")


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def same_site(base: str, href: str) -> str | None:
    """The path?query of a same-site link (fragment dropped), or None."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http", "https") or parts.hostname not in SAME_SITE_HOSTS | {None}:
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def pattern(url: str) -> str:
    """Pages of one kind: the path with every number replaced by '#', and the names (not the
    values) of the query parameters, sorted (?overleg=&weergave=: one filter, any values)."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "#", parts.path)
    if not parts.query:
        return path
    keys = sorted({k for k, _ in parse_qsl(parts.query, True)})
    return f"{path}?{'&'.join(f'{k}=' for k in keys)}"


def cap(kind: str) -> int:
    """How many pages of one pattern a persona opens."""
    if "?" in kind:
        return QUERY_CAP
    if kind.count("#") == 1 and kind.endswith("/#"):
        return OBJECT_CAP
    return SUB_PAGE_CAP if "#" in kind else 1


def spread(items: list[str], n: int) -> list[str]:
    """n items picked evenly from the list, first and last included."""
    if len(items) <= n:
        return items
    if n <= 1:
        return items[len(items) // 2 :][:n]
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


@dataclass
class Crawl:
    """One persona's crawl: pages first (crawl_pages), downloads later (crawl_downloads)."""

    persona: str
    client: FlaskClient
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    findings: list[str] = field(default_factory=list)
    patterns: Counter = field(default_factory=Counter)
    referrer: dict[str, str] = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)
    downloads: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0
    pages: dict[str, str] = field(default_factory=dict)  # url -> HTML, for the Nu Html Checker
    pdfs: dict[str, bytes] = field(default_factory=dict)  # url -> PDF, for the PDF/UA check

    def finding(self, url: str, what: str) -> None:
        self.findings.append(f"{url} (via {self.referrer.get(url, '-')}): {what}")

    def crawl_pages(self, start: str = "/") -> None:
        """Breadth first, one level at a time; of the new links of a level, each pattern's
        share is picked evenly (spread) up to its cap. Downloads are kept for later. Then
        the PROBES, for the error pages."""
        seen = {start}
        level = [start]
        while level and len(self.visited) < PAGE_CAP:
            found: dict[str, list[str]] = defaultdict(list)
            for url in level:
                if len(self.visited) >= PAGE_CAP:
                    break
                self.patterns[pattern(url)] += 1
                for href in self.fetch(url):
                    link = same_site(url, href)
                    if link is None or link in seen or SKIP_PATHS.match(link):
                        continue
                    seen.add(link)
                    self.referrer[link] = url
                    if DOWNLOAD.search(urlsplit(link).path):
                        self.downloads[pattern(link)].append(link)
                    else:
                        found[pattern(link)].append(link)
            level = []
            for kind, links in found.items():
                level += spread(links, max(cap(kind) - self.patterns[kind], 0))
        for url in PROBES:
            if url not in self.visited:
                self.fetch(url, probe=True)

    def crawl_downloads(self, fetched_by_others: set[str]) -> None:
        """Every kind of file linked from the pages, DOWNLOAD_CAP of each picked evenly, the
        ones no other persona fetched first (files take most of the time: made on request)."""
        for kind, urls in sorted(self.downloads.items()):
            fresh = [u for u in urls if u not in fetched_by_others]
            picked = spread(fresh, DOWNLOAD_CAP)
            picked += spread([u for u in urls if u not in picked], DOWNLOAD_CAP - len(picked))
            for url in picked:
                self.patterns[kind] += 1
                self.fetch(url)
                fetched_by_others.add(url)

    def subscribe_feed(self, app) -> None:
        """As a user who subscribes: press 'Agenda-adres aanmaken' on Mijn gegevens (the one
        POST), then let a calendar app, without login, fetch the address shown."""
        with app.test_request_context():
            action = url_for("calendar.renew_feed")
        resp = self.client.post(action)
        if resp.status_code != 302:
            self.finding(action, f"agenda-adres aanmaken geeft {resp.status_code}")
            return
        shown = FEED_FIELD.search(self.client.get("/mijn-gegevens").get_data(as_text=True))
        if shown is None:
            self.finding("/mijn-gegevens", "geen agenda-adres na aanmaken")
            return
        feed = same_site("/mijn-gegevens", shown.group(1))
        if feed is None:
            self.finding("/mijn-gegevens", f"agenda-adres {shown.group(1)} is van een andere site")
            return
        self.referrer[feed] = "/mijn-gegevens"
        self.patterns[pattern(feed)] += 1
        self.fetch(feed, client=app.test_client())
        if self.visited[feed] != 200:
            self.finding(feed, f"agenda-abonnement geeft {self.visited[feed]}")

    def fetch(self, url: str, probe: bool = False, client: FlaskClient | None = None) -> list[str]:
        """GET url and check the response; the links (or redirect target) in it. A link
        that ends in 4xx is a broken link (a probe may)."""
        writes: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            write = WRITE.match(statement)
            if write and not any(p.match(statement) for p in ALLOWED_WRITES):
                writes.append(write.group(0))

        started = time.perf_counter()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            resp = (client or self.client).get(url)
        except Exception as exc:  # TESTING propagates errors: a user would get a 500
            db.session.rollback()
            self.visited[url] = 500
            self.finding(url, f"500 ({type(exc).__name__}: {str(exc)[:200]})")
            return []
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
            self.seconds += time.perf_counter() - started
        self.visited[url] = resp.status_code
        if writes:
            self.finding(url, "GET schrijft in de database: " + "; ".join(sorted(set(writes))))
        if resp.status_code >= 500:
            self.finding(url, f"status {resp.status_code}")
        if resp.status_code in (301, 302, 303, 307, 308):
            self.kinds["doorverwijzing"] += 1
            return [resp.headers.get("Location", "")]
        if resp.status_code >= 400:
            self.kinds[f"fout {resp.status_code}"] += 1
            if not probe and resp.status_code < 500:
                self.finding(url, f"koppeling geeft {resp.status_code}")
        mimetype = resp.mimetype or ""
        path = urlsplit(url).path
        if mimetype == "text/html":
            self.kinds["html"] += 1
            html = resp.get_data(as_text=True)
            self.check_html(url, html)
            return links_of(html)
        if mimetype == "text/calendar" or path.endswith(".ics"):
            self.kinds["ics"] += 1
            self.check_ics(url, resp.data)
        elif mimetype == "application/pdf" or path.endswith(".pdf"):
            self.kinds["pdf"] += 1
            self.check_pdf(url, resp.data)
        else:
            self.kinds[mimetype or "zonder type"] += 1
        return []

    def check_html(self, url: str, html: str) -> None:
        self.pages[url] = html
        if not re.search(r'<html\b[^>]*\blang="nl"', html):
            self.finding(url, 'HTML zonder <html lang="nl">')
        title = re.search(r"<title[^>]*>(.*?)</title>", html, re.S | re.I)
        if title is None or not title.group(1).strip():
            self.finding(url, "HTML zonder titel")

    def check_ics(self, url: str, data: bytes) -> None:
        try:
            cal = icalendar.Calendar.from_ical(data)
        except Exception as exc:
            self.finding(url, f"agendabestand leest niet ({exc})")
            return
        if cal.name != "VCALENDAR":
            self.finding(url, f"agendabestand is geen VCALENDAR maar {cal.name}")
        elif "/agenda/overleg/" in url and not cal.walk("VEVENT"):
            self.finding(url, "agendabestand van een overleg zonder VEVENT")

    def check_pdf(self, url: str, data: bytes) -> None:
        try:
            reader = PdfReader(io.BytesIO(data))
            # the first page with text is enough (a bundle has many pages)
            has_text = any((page.extract_text() or "").strip() for page in reader.pages)
        except Exception as exc:
            self.finding(url, f"PDF opent niet ({type(exc).__name__}: {exc})")
            return
        if not has_text:
            self.finding(url, "PDF zonder tekst")
        self.pdfs[url] = data


def start_crawl(app, persona: str) -> Crawl:
    client = app.test_client()
    if persona != "anoniem":
        resp = login(client, persona, DEMO_PASSWORD)
        assert resp.status_code == 302, f"{persona} kan niet inloggen"
    return Crawl(persona, client)


def test_readme_lists_the_demo_accounts():
    assert len(ACCOUNTS) == 11
    assert "oov@example.org" in ACCOUNTS and "beheerder@example.org" in ACCOUNTS


def test_every_persona_is_crawled():
    assert sorted(p for group in GROUPS.values() for p in group) == sorted(PERSONAS)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_demo_crawled_by_every_persona_has_no_errors(app, group, demo_snapshot):
    """One demo as `make run` leaves it, per group of personas (GROUPS). Every persona first
    opens all pages, and only then the downloads, so no persona's pages are seen after
    someone else made a file on first download (as the minutes PDFs are).

    The validators (Nu Html Checker, PDF/UA) judge what the templates make, which does not
    depend on the database: they run in the SQLite pass; on PostgreSQL the crawl itself
    (status, Dutch titles, writes, need to know of the downloads) runs in full."""
    started = time.perf_counter()
    demo_snapshot.restore()
    crawls = [start_crawl(app, persona) for persona in GROUPS[group]]
    seeded = time.perf_counter()
    for crawl in crawls:
        crawl.crawl_pages("/")
    fetched: set[str] = set()
    for crawl in crawls:
        crawl.crawl_downloads(fetched)
        if crawl.persona != "anoniem":
            crawl.subscribe_feed(app)
    done = time.perf_counter()
    print(f"\ndemo geladen in {seeded - started:.1f}s, crawl {done - seeded:.1f}s")
    for crawl in crawls:
        print(
            f"{crawl.persona}: {len(crawl.visited)} antwoorden in {crawl.seconds:.1f}s,"
            f" {len(crawl.patterns)} soorten, {dict(crawl.kinds)}"
        )
    if os.environ.get("OVERLEG_CRAWL_VERBOSE"):
        for crawl in crawls:
            print(crawl.persona, sorted(crawl.patterns.items()))
    report = [
        f"{c.persona}: {len(c.findings)} bevindingen\n  " + "\n  ".join(c.findings)
        for c in crawls
        if c.findings
    ]
    # the Nu Html Checker over every HTML page of every persona, in one run, and the names of
    # their forms (tests/vnu_support.py)
    if db.engine.dialect.name != "sqlite":
        print("validators: in the SQLite pass")
        if report:
            pytest.fail("\n".join(report), pytrace=False)
        return
    pages = {f"{c.persona} {url}": html for c in crawls for url, html in c.pages.items()}
    checked = time.perf_counter()
    unavailable = vnu_support.missing()
    html_errors = [unavailable] if unavailable else vnu_support.check_pages(pages)
    print(
        f"Nu Html Checker: {len(html_errors)} fouten in {len(pages)} pagina's,"
        f" {time.perf_counter() - checked:.1f}s"
    )
    html_errors += [
        f"{url}: {problem}"
        for url, html in pages.items()
        for problem in vnu_support.form_name_problems(html)
    ]
    if html_errors:
        report.append(
            f"HTML (Nu Html Checker, namen van formulieren): {len(html_errors)} fouten\n  "
            + "\n  ".join(html_errors)
        )
    # the PDF/UA check over every PDF a persona downloaded (tests/pdfua_support.py)
    checked = time.perf_counter()
    pdf_results = [
        check_downloaded_pdf(f"{c.persona} {url}", data)
        for c in crawls
        for url, data in c.pdfs.items()
    ]
    pdf_errors = [e for r in pdf_results for e in r.errors]
    print(
        f"PDF/UA-controle: {len(pdf_errors)} fouten in {len(pdf_results)} PDF's,"
        f" {time.perf_counter() - checked:.1f}s"
    )
    if os.environ.get("OVERLEG_CRAWL_VERBOSE"):
        print("\n".join(r.summary for r in pdf_results))
    if pdf_errors:
        report.append(f"PDF/UA: {len(pdf_errors)} fouten\n  " + "\n  ".join(pdf_errors))
    if report:
        pytest.fail("\n".join(report), pytrace=False)


def check_downloaded_pdf(name: str, data: bytes) -> pdfua_support.Result:
    """The PDF/UA profile by address: the vergaderstukken (cover PDF/UA, documents as they
    came), an attached document (plain: valid, fonts embedded), or one of Overleg's own."""
    path = urlsplit(name.split(" ", 1)[1]).path
    if path.endswith("/vergaderstukken.pdf"):
        cover = pdfua_support.bundle_cover_pages(data)
        return pdfua_support.check_pdf(name, data, "bundle", cover)
    if path.startswith("/stukken/"):
        return pdfua_support.check_pdf(name, data, "plain")
    return pdfua_support.check_pdf(name, data, "ua")


def test_the_crawl_reports_each_kind_of_fault():
    """The checks can fail: a small site with one fault of each kind, and one good page."""
    from flask import Flask
    from sqlalchemy import text

    engine = db.engine
    good = '<!DOCTYPE html><html lang="nl"><head><title>Goed</title></head><body>{}</body></html>'
    site = Flask("faulty")
    site.config["TESTING"] = True
    links = [
        "/kapot",
        "/engels",
        "/zonder-titel",
        "/schrijft",
        "/weg",
        "/a.ics",
        "/a.pdf",
        "/leeg.pdf",
        "http://elders.example.org/x",
        "mailto:iemand@example.org",
    ]
    site.add_url_rule(
        "/", "home", lambda: good.format("".join(f'<a href="{u}">x</a>' for u in links))
    )

    def boom():
        raise RuntimeError("stuk")

    def writes():
        with engine.begin() as conn:
            conn.execute(text("UPDATE person SET name = name WHERE id = -1"))
        return good.format("")

    site.add_url_rule("/kapot", "boom", boom)
    site.add_url_rule("/engels", "en", lambda: "<html lang='en'><title>Bad</title></html>")
    site.add_url_rule("/zonder-titel", "notitle", lambda: '<html lang="nl"><title> </title>')
    site.add_url_rule("/schrijft", "writes", writes)
    site.add_url_rule("/a.ics", "ics", lambda: ("geen agenda", {"Content-Type": "text/calendar"}))
    site.add_url_rule("/a.pdf", "pdf", lambda: (b"%PDF-kapot", {"Content-Type": "application/pdf"}))
    site.add_url_rule(
        "/leeg.pdf", "empty", lambda: (_blank_pdf(), {"Content-Type": "application/pdf"})
    )

    crawl = Crawl("test", site.test_client())
    crawl.crawl_pages("/")
    crawl.crawl_downloads(set())
    faults: dict[str, str] = defaultdict(str)
    for f in crawl.findings:
        faults[f.split(" ", 1)[0]] += f
    assert crawl.visited["/"] == 200 and "/" not in faults  # the good page passes
    assert "500 (RuntimeError: stuk)" in faults["/kapot"]
    assert 'lang="nl"' in faults["/engels"]
    assert "zonder titel" in faults["/zonder-titel"]
    assert "schrijft in de database: UPDATE person" in faults["/schrijft"]
    assert "koppeling geeft 404" in faults["/weg"] and 'lang="nl"' in faults["/weg"]  # Flask's
    assert "agendabestand leest niet" in faults["/a.ics"]
    assert "PDF opent niet" in faults["/a.pdf"]
    assert "PDF zonder tekst" in faults["/leeg.pdf"]
    assert not any("elders" in u or "mailto" in u for u in crawl.visited)
    for probe in PROBES:  # Flask's own error pages: an expected 404, but English
        assert crawl.visited[probe] == 404
        assert 'lang="nl"' in faults[probe] and "koppeling" not in faults[probe]
    assert len(crawl.findings) == 9 + len(PROBES), crawl.findings


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()
