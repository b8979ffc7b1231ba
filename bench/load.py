"""Overleg under load: gunicorn on loopback with the demo, many browsers at once.

    .venv/bin/python bench/load.py [--db sqlite|postgres] [--clients 32] [--duration 60]
                                   [--savers 2] [--save-every 3] [--workers N]

Makes a temporary database (SQLite in a temporary folder; with ``--db postgres`` a throwaway
PostgreSQL cluster from tests/support/with-postgres.sh, or the empty database DATABASE_URL
names), migrates it and loads the demo (``flask db upgrade``, ``flask seed-demo``), and starts
gunicorn with gunicorn.conf.py on 127.0.0.1 (its workers from the cores unless --workers).

Then ``--clients`` browsers run for ``--duration`` seconds. Each logs in as a demo persona
(round robin over secretaries, participants and the beheerder; a real login with the CSRF
token of the form) and keeps clicking, without pause, through the pages that persona can
open: home, planning (secretaries), a meeting, its agenda, the agenda PDF and the minutes
page. ``--savers`` of them are secretaries taking the minutes of one meeting that has begun,
each in its own agenda item, saving in the background every ``--save-every`` seconds as
static/js/minutes-autosave.js does (POST with ``X-Requested-With: fetch``, the version and
base it was given back). Every save adds a line, so the final text holds them all.

Prints the requests per second, p50/p95/p99 in milliseconds and the errors per page kind
(an error: any status but 200, a refused save, a broken connection), the machine's load
average, and at the end reads every saved text back in a new session and reports lost saves
(an acknowledged line missing, or a text that is not the last one acknowledged).
Bar: no errors, no lost save (exit code 1 otherwise).
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Veilig-Overleg-2019"
SECRETARY = "oov@example.org"
PERSONAS = [
    SECRETARY,
    "burgemeester@example.org",
    "wijkagent@example.org",
    "coordinator.oov@example.org",
    "btchef@example.org",
    "sociaalteam@example.org",
    "specialist@example.org",
    "ovj@example.org",
    "veiligheidshuis@example.org",
    "beheerder@example.org",
    "veiligthuis@example.org",
]
# How often each page kind is clicked (a PDF less often than a page).
WEIGHTS = {"home": 4, "planning": 2, "meeting": 4, "agenda": 4, "agenda_pdf": 1, "minutes": 3}
CSRF = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*name="csrf_token"'
)
MEETING_LINK = re.compile(r'href="/overleggen/(\d+)(?:/agenda)?"')
TIMEOUT = 120


# --- HTTP -------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser: its own cookies, no redirects followed (a 302 is a status like any)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=TIMEOUT) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def login(self, email: str) -> None:
        status, page = self.request("/inloggen")
        token = csrf(page)
        status, _ = self.request(
            "/inloggen", {"csrf_token": token, "email": email, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"login {email}: status {status}")


def csrf(page: bytes) -> str:
    match = CSRF.search(page.decode())
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1) or match.group(2)


# --- figures ----------------------------------------------------------------------------


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if error:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {error}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --- the clients ------------------------------------------------------------------------


_PAGES: dict[str, dict[str, list[str]]] = {}
_PAGES_LOCK: dict[str, threading.Lock] = defaultdict(threading.Lock)


def pages_of(browser: Browser, email: str) -> dict[str, list[str]]:
    """The URLs of each kind this persona can open, each tried once before the clock runs
    (found by the persona's first client; the others share them)."""
    with _PAGES_LOCK[email]:
        if email not in _PAGES:
            _PAGES[email] = _discover(browser, email, random.Random(email))
        return _PAGES[email]


def _discover(browser: Browser, email: str, rng: random.Random) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {"home": ["/"]}
    _, home = browser.request("/")
    _, mine = browser.request("/mijn-overleggen")
    ids = sorted({int(i) for i in MEETING_LINK.findall((home + mine).decode())})
    if email in (SECRETARY, "coordinator.oov@example.org"):
        status, planning = browser.request("/planning")
        if status == 200:
            kinds["planning"] = ["/planning"]
            ids = sorted(set(ids) | {int(i) for i in MEETING_LINK.findall(planning.decode())})
    rng.shuffle(ids)
    for n, meeting_id in enumerate(ids[:4]):
        for kind, path in (
            ("meeting", f"/overleggen/{meeting_id}"),
            ("agenda", f"/overleggen/{meeting_id}/agenda"),
            ("agenda_pdf", f"/overleggen/{meeting_id}/agenda.pdf"),
            ("minutes", f"/overleggen/{meeting_id}/verslag"),
        ):
            if kind == "agenda_pdf" and (n >= 2 or kinds.get("agenda", [""])[-1] != path[:-4]):
                continue  # two PDFs per persona, of agendas it can read
            if browser.request(path)[0] == 200:
                kinds.setdefault(kind, []).append(path)
    return kinds


def browse(base, email, seed, start, stop, stats, ready) -> None:
    rng = random.Random(seed)
    browser = Browser(base)
    browser.login(email)
    kinds = pages_of(browser, email)
    names = list(kinds)
    weights = [WEIGHTS[k] for k in names]
    ready.release()
    start.wait()
    while not stop.is_set():
        kind = rng.choices(names, weights)[0]
        path = rng.choice(kinds[kind])
        began = time.perf_counter()
        try:
            status, _ = browser.request(path)
            error = None if status == 200 else f"{path} {status}"
        except Exception as exc:  # a broken connection is an error too
            error = f"{path} {exc!r}"
        stats.add(kind, time.perf_counter() - began, error)


@dataclass
class Saver:
    """A secretary typing the notes of one item, autosaving every few seconds."""

    meeting_id: int
    item_id: int
    number: int
    acknowledged: list[str] = field(default_factory=list)
    text: str = ""


def item_state(page: bytes, meeting_id: int, item_id: int) -> tuple[int, str, str, str]:
    """(version, base, csrf token, notes) of an item's notes form on the minutes page."""
    text = page.decode()
    action = f'action="/overleggen/{meeting_id}/verslag/punten/{item_id}/notities"'
    chunk = text[text.index(action) :][:6000]
    version = int(re.search(r'name="version"[^>]*value="(\d+)"', chunk).group(1))
    base = re.search(r'name="base"[^>]*value="([0-9a-f]*)"', chunk).group(1)
    notes = re.search(r"<textarea[^>]*name=\"notes\"[^>]*>(.*?)</textarea>", chunk, re.S)
    return version, base, csrf(chunk.encode()), html.unescape(notes.group(1))


def autosave(base, saver: Saver, every, start, stop, stats, ready) -> None:
    import json

    rng = random.Random(saver.number)
    browser = Browser(base)
    browser.login(SECRETARY)
    page_url = f"/overleggen/{saver.meeting_id}/verslag"
    _, page = browser.request(page_url)
    version, base_hash, token, saver.text = item_state(page, saver.meeting_id, saver.item_id)
    url = f"{page_url}/punten/{saver.item_id}/notities"
    ready.release()
    start.wait()
    n = 0
    while not stop.wait(every * rng.uniform(0.7, 1.3)):
        n += 1
        line = f"Autosave {saver.number}-{n}: besproken punt {rng.randrange(10**6)}."
        text = (saver.text + "\n" + line).strip()
        began = time.perf_counter()
        error = None
        try:
            status, body = browser.request(
                url,
                {"csrf_token": token, "notes": text, "version": version, "base": base_hash},
                {"X-Requested-With": "fetch", "Accept": "application/json"},
            )
            data = json.loads(body or b"{}") if status in (200, 400, 409) else {}
            if status == 200 and data.get("ok"):
                version, base_hash, saver.text = data["version"], data["base"], text
                saver.acknowledged.append(line)
            else:
                error = f"save {status} {data.get('message', '')[:60]}"
                if status == 409 and data.get("theirs", "").strip() == saver.text.strip():
                    error += " (onterecht: niemand anders veranderde dit punt)"
                # as the page would: read the stored state again, then go on typing
                _, page = browser.request(page_url)
                version, base_hash, token, saver.text = item_state(
                    page, saver.meeting_id, saver.item_id
                )
        except Exception as exc:
            error = f"save {exc!r}"
        stats.add("autosave", time.perf_counter() - began, error)


# --- set-up -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    result = subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} mislukte:\n" + result.stderr[-2000:])


def minutes_to_take(env: dict, savers: int) -> list[tuple[int, int]]:
    """(meeting id, item id) for each saver: the latest meeting that has begun and whose
    minutes are still a concept, one agenda item each."""
    code = """
import os, sys
from sqlalchemy import select
from overleg import create_app
from overleg.extensions import db
from overleg.models import Meeting, Minutes
from overleg.timeutil import utcnow
app = create_app()
with app.app_context():
    meeting = db.session.scalars(
        select(Meeting).join(Minutes, Minutes.meeting_id == Meeting.id).where(
            Meeting.starts_at < utcnow(), Minutes.status == "concept",
            Meeting.status != "geannuleerd")
        .order_by(Meeting.starts_at.desc())).first()
    items = [i.id for i in meeting.agenda_items if i.on_agenda]
    print(meeting.id, *items)
"""
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit("Geen verslag om te maken gevonden:\n" + result.stderr[-2000:])
    out = result.stdout.split()
    meeting_id, items = int(out[0]), [int(i) for i in out[1:]]
    return [(meeting_id, items[i % len(items)]) for i in range(savers)]


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopte:\n" + log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(base + "/inloggen", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn kwam niet op binnen 60 s:\n" + log.read_text()[-3000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--clients", type=int, default=32, help="browsers at once (savers included)"
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--savers", type=int, default=2, help="secretaries autosaving minutes")
    parser.add_argument("--save-every", type=float, default=3, help="seconds between saves")
    parser.add_argument("--workers", type=int, help="gunicorn workers (else gunicorn.conf.py)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    if args.savers >= args.clients:
        parser.error("--savers must be fewer than --clients")

    url = os.environ.get("DATABASE_URL", "")
    if args.db == "postgres" and not url.startswith("postgres"):
        # Run again inside a throwaway PostgreSQL cluster, which sets DATABASE_URL.
        script = ROOT / "tests/support/with-postgres.sh"
        os.execv(
            str(script), [str(script), sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
        )
    tmp = Path(tempfile.mkdtemp(prefix="overleg-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        OVERLEG_ENV="development",
        OVERLEG_INSTANCE=str(tmp / "instance"),
        SECRET_KEY=os.urandom(16).hex(),
        BASE_URL=base,
        STORAGE_DIR=str(tmp / "files"),
        MAIL_BACKEND="memory",
        MAIL_DELIVER_AFTER_REQUEST="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        GUNICORN_LOG_LEVEL="warning",
    )
    if args.db == "sqlite":
        env.pop("DATABASE_URL", None)  # SQLite in the instance folder
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    server = None
    try:
        began = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        targets = minutes_to_take(env, args.savers)
        log = tmp / "gunicorn.log"
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_until_up(base, server, log)
        workers = env.get("GUNICORN_WORKERS") or str(2 * (os.cpu_count() or 1) + 1)
        print(
            f"Database {args.db}, demo geladen en gunicorn ({workers} workers) op {base} in "
            f"{time.perf_counter() - began:.0f} s; {args.clients} clients ({args.savers} "
            f"autosaven elke ~{args.save_every:g} s), {args.duration:g} s."
        )
        return run(args, base, targets)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, base: str, targets: list[tuple[int, int]]) -> int:
    stats = Stats()
    start, stop = threading.Event(), threading.Event()
    ready = threading.Semaphore(0)
    savers = [Saver(m, i, n + 1) for n, (m, i) in enumerate(targets)]
    threads = [
        threading.Thread(
            target=autosave, args=(base, s, args.save_every, start, stop, stats, ready)
        )
        for s in savers
    ]
    browsers = args.clients - len(savers)
    threads += [
        threading.Thread(
            target=browse,
            args=(base, PERSONAS[n % len(PERSONAS)], args.seed + n, start, stop, stats, ready),
        )
        for n in range(browsers)
    ]
    for t in threads:
        t.daemon = True
        t.start()
    for _ in threads:  # every browser logged in and knows its pages
        if not ready.acquire(timeout=300):
            print("Niet elke client kwam op gang (inloggen of pagina's verkennen).")
            return 1
    load_before = os.getloadavg()
    began = time.perf_counter()
    start.set()
    time.sleep(args.duration)
    stop.set()
    for t in threads:
        t.join(timeout=TIMEOUT)
    elapsed = time.perf_counter() - began
    load_after = os.getloadavg()

    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    print(
        f"\n{'soort':<11} {'aantal':>7} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'fouten':>7}"
    )
    for kind in [*WEIGHTS, "autosave"]:
        values = stats.times.get(kind)
        if not values:
            continue
        p50, p95, p99 = (percentile(values, p) * 1000 for p in (50, 95, 99))
        print(
            f"{kind:<11} {len(values):>7} {len(values) / elapsed:>7.1f} {p50:>8.0f} "
            f"{p95:>8.0f} {p99:>8.0f} {stats.errors.get(kind, 0):>7}"
        )
    everything = [v for values in stats.times.values() for v in values]
    p50, p95, p99 = (percentile(everything, p) * 1000 for p in (50, 95, 99))
    print(
        f"{'totaal':<11} {total:>7} {total / elapsed:>7.1f} {p50:>8.0f} {p95:>8.0f} "
        f"{p99:>8.0f} {errors:>7}"
    )
    print(
        f"\nBelasting van de machine (load average 1 min, {os.cpu_count()} cores): "
        f"{load_before[0]:.1f} bij de start, {load_after[0]:.1f} aan het eind."
    )
    for sample in stats.samples:
        print(f"  fout: {sample}")

    lost = read_back(base, savers)
    saves = sum(len(s.acknowledged) for s in savers)
    print(f"Autosaves bevestigd: {saves}; verloren: {lost}.")
    ok = errors == 0 and lost == 0 and saves > 0
    print("Geslaagd: geen fouten, geen verloren opslag." if ok else "NIET geslaagd.")
    return 0 if ok else 1


def read_back(base: str, savers: list[Saver]) -> int:
    """Lost saves: acknowledged lines missing from what the page shows in a new session, or
    a stored text that is not the last one acknowledged."""
    browser = Browser(base)
    browser.login(SECRETARY)
    lost = 0
    for saver in savers:
        _, page = browser.request(f"/overleggen/{saver.meeting_id}/verslag")
        stored = item_state(page, saver.meeting_id, saver.item_id)[3].strip()
        missing = [line for line in saver.acknowledged if line not in stored]
        lost += len(missing)
        if not missing and saver.acknowledged and stored != saver.text.strip():
            lost += 1
        for line in missing[:3]:
            print(f"  verloren: {line}")
    return lost


if __name__ == "__main__":
    sys.exit(main())
