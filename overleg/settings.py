"""Application settings for the domain: the one place the domain reads the running app's
configuration (the domain itself imports no Flask)."""

from __future__ import annotations

from typing import Any


def setting(name: str, default: Any = None) -> Any:
    """A configuration value of the running application, or `default` outside one."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return default
    return current_app.config.get(name, default)
