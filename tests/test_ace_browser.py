"""IBM's accessibility engine (Equal Access, npm accessibility-checker-engine, rule set WCAG 2.1)
beside axe-core, in Chromium, on the main pages of every role (the voorzitter TVO is a
secretaris: the secretaris stands for both).

The main pages of a role: its home page, the pages its menu leads to, and one page of each
kind linked from those (a meeting, its agenda, its minutes, a topic, a beheer page ...): one
page per URL pattern (numbers as '#', see tests/test_demo_crawl.py), no files, no filters.
Any violation fails the test, listed per page with rule id and element.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.browser_support import ace_violations, describe_ace, log_in
from tests.test_demo_crawl import DOWNLOAD, SKIP_PATHS, pattern, same_site

pytestmark = pytest.mark.browser

ROLES = {
    "beheerder": "beheerder@example.org",
    "secretaris": "oov@example.org",
    "deelnemer": "wijkagent@example.org",
    "gast": "veiligthuis@example.org",
}
DEPTH = 2  # home, the menu's pages, one of each kind linked from those
PAGE_CAP = 36  # per role


def check_main_pages(page, base: str) -> tuple[list[str], list[str]]:
    """Breadth first from the home page, one URL per pattern, DEPTH levels deep; IBM's
    engine on each page as it is loaded. (pages checked, failures)"""
    seen_kinds: set[str] = {"/"}
    level, checked, failures = ["/"], [], []
    for _ in range(DEPTH + 1):
        following: list[str] = []
        for url in level:
            if len(checked) >= PAGE_CAP:
                return checked, failures
            resp = page.goto(base + url)
            if resp is None or resp.status != 200 or urlsplit(page.url).path != url.split("?")[0]:
                continue
            checked.append(url)
            violations = ace_violations(page)
            if violations:
                failures.append(f"{url}: {len(violations)}\n{describe_ace(violations)}")
            hrefs = page.eval_on_selector_all(
                "a[href]", "els => els.map(e => e.getAttribute('href'))"
            )
            for href in hrefs:
                link = same_site(url, href)
                if (
                    link is None
                    or "?" in link
                    or SKIP_PATHS.match(link)
                    or DOWNLOAD.search(link)
                    or link.startswith("/static/")
                    or pattern(link) in seen_kinds
                ):
                    continue
                seen_kinds.add(pattern(link))
                following.append(link)
        level = following
    return checked, failures


@pytest.mark.parametrize("role", list(ROLES))
def test_main_pages_have_no_ibm_equal_access_violations(live_app, page, role):
    base = live_app.config["LIVE_URL"]
    log_in(page, base, ROLES[role])
    started = time.perf_counter()
    checked, failures = check_main_pages(page, base)
    print(f"\n{role}: {len(checked)} pagina's in {time.perf_counter() - started:.1f}s")
    assert len(checked) >= 10, checked  # a positive control: the role's menu was followed
    assert not failures, (
        f"IBM Equal Access ({role}): {len(failures)} pagina('s) met schendingen:\n"
        + "\n".join(failures)
    )


def test_ibm_engine_reports_unnamed_forms_and_hidden_labels(page):
    """The engine can fail: two unnamed forms, and a label the engine cannot see."""
    page.set_content(
        '<!DOCTYPE html><html lang="nl"><head><title>Proef</title></head><body><main>'
        '<form method="post"><button>Een</button></form>'
        '<form method="post"><button>Twee</button></form>'
        '<details><summary>Meer</summary><form method="post" aria-label="Drie">'
        '<label for="t">Tekst</label><textarea id="t"></textarea></form></details>'
        "</main></body></html>"
    )
    rules = sorted(v["ruleId"] for v in ace_violations(page))
    assert rules == ["aria_form_label_unique", "aria_form_label_unique", "input_label_exists"]
