"""Findings of the security review of 2026-12-02, each as a user would meet it: bad input that
gave a 500, and a change mail that named an item the recipient may no longer read."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, login

pytestmark = pytest.mark.usefixtures("seeded")


def _client(app, email: str, password: str = TEST_PASSWORD):
    c = app.test_client()
    assert login(c, email, password).status_code == 302
    return c
