"""Findings of the security review of 2026-12-02, each as a user would meet it: bad input that
gave a 500, and a change mail that named an item the recipient may no longer read."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, login
from tests.leak_fixture import build_world

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email: str, password: str = TEST_PASSWORD):
    c = app.test_client()
    assert login(c, email, password).status_code == 302
    return c


def test_action_register_with_a_year_no_calendar_has_is_empty_not_an_error(app):
    w = build_world()
    member = _client(app, w.people["participant"].email)
    resp = member.get("/actiepunten/tvo?jaar=99999")
    assert resp.status_code == 200
    assert "zzopnactzz" not in resp.get_data(as_text=True)
    # positive control: the year the meetings were held in finds the action
    held_year = w.meetings["held"].starts_at.year
    resp = member.get(f"/actiepunten/tvo?jaar={held_year}")
    assert resp.status_code == 200 and "zzopnactzz" in resp.get_data(as_text=True)
