"""Helpers for the beheer tests: read what a user sees on a page."""

from __future__ import annotations

import html
import re

import pytest

ADMIN_DENIED_ROLES = ("deelnemer", "secretaris")


def page(resp) -> str:
    """The page as text a user reads (entities decoded)."""
    return html.unescape(resp.get_data(as_text=True))


def _strip(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def field_error(resp, field_id: str) -> str:
    """The error message shown beside a form field ('' when none)."""
    m = re.search(rf'id="{re.escape(field_id)}-error">(.*?)</div>', page(resp), re.S)
    return _strip(m.group(1)) if m else ""


def alerts(resp, kind: str = "error") -> list[str]:
    """Texts of the alerts (flash messages and form summaries) of a kind: error, ok, info."""
    found = re.findall(
        rf'<div class="utrecht-alert utrecht-alert--{kind}"[^>]*>(.*?)</div>', page(resp), re.S
    )
    return [_strip(f) for f in found]


def table_column(resp, index: int = 0) -> list[str]:
    """The texts of one column of the first table body on the page."""
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", page(resp), re.S)
    assert body, "no table on the page"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [_strip(re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)[index]) for r in rows]


@pytest.fixture
def admin(as_role):
    return as_role("beheerder")
