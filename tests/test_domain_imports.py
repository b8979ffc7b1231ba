"""The domain reads in one direction: no import cycle among overleg/domain modules (imports
inside functions included), the read policy at the bottom, and no Flask anywhere in it.

Nor indirectly through the app's configuration: outside overleg/domain the domain imports only
the modules in ``ALLOWED`` (models, extensions, timeutil and the output adapters storage, pdf,
minutes.export, mail.outbox, audit). Configuration (base URL, municipality, upload limit) is
passed in as parameters by the views and the CLI, which read ``current_app.config``; there is
no settings module to reach it from the domain."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "overleg" / "domain"
FLASK = ("flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "werkzeug")
# Modules of the overleg package outside the domain that the domain may import (at any depth).
ALLOWED = {
    "models",
    "extensions",
    "timeutil",
    "storage",
    "pdf",
    "minutes.export",
    "mail.outbox",
    "audit",
}


def _app_imports(path: Path) -> set[str]:
    """Modules of the overleg package outside overleg/domain imported by a domain file, at
    any depth, as dotted names relative to overleg ("models.bodies" counts as "models")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def add(dotted: str) -> None:
        if not dotted or dotted == "domain" or dotted.startswith("domain."):
            return
        top = dotted.split(".")[0]
        found.add(top if top in ("models",) else dotted)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("overleg."):
                    add(alias.name.removeprefix("overleg."))
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level == 0 and mod.startswith("overleg."):
                base = mod.removeprefix("overleg.")
            elif node.level == 2:  # from ..x import y
                base = mod
            else:
                continue
            if base in ("", "mail", "minutes"):  # from ..mail import outbox
                for alias in node.names:
                    add(f"{base}.{alias.name}" if base else alias.name)
            else:
                add(base)
    return found


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(domain modules imported, external top-level packages imported), at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    domain, external = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                external.add(alias.name.split(".")[0])
                if alias.name.startswith("overleg.domain."):
                    domain.add(alias.name.split(".")[2])
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level == 0:
                external.add(mod.split(".")[0])
                if mod.startswith("overleg.domain."):
                    domain.add(mod.split(".")[2])
            elif node.level == 1:  # from . import x / from .x import y
                if mod:
                    domain.add(mod.split(".")[0])
                else:
                    domain |= {a.name for a in node.names}
            elif node.level == 2 and mod == "domain":
                domain |= {a.name for a in node.names}
            elif node.level == 2 and mod.startswith("domain."):
                domain.add(mod.split(".")[1])
    return domain, external


def _graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in DOMAIN.glob("*.py") if p.stem != "__init__"}
    return {name: _imports(path)[0] & set(modules) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycle_in_the_domain():
    graph = _graph()
    assert "policy" in graph and "agenda" in graph  # the walk sees the modules
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_policy_is_at_the_bottom():
    assert _graph()["policy"] == set(), "the read policy imports models, not the domain"


def test_no_flask_in_the_domain():
    offenders = {
        p.name: sorted(_imports(p)[1] & set(FLASK))
        for p in DOMAIN.glob("*.py")
        if _imports(p)[1] & set(FLASK)
    }
    assert offenders == {}
    # and the check itself sees a function-level import
    sample = DOMAIN.parent.parent / "tests" / "_flask_sample.py"
    sample.write_text("def f():\n    from flask import g\n    return g\n", encoding="utf-8")
    try:
        assert "flask" in _imports(sample)[1]
    finally:
        sample.unlink()


def test_the_domain_reads_no_app_configuration():
    offenders = {
        p.name: sorted(_app_imports(p) - ALLOWED)
        for p in DOMAIN.glob("*.py")
        if _app_imports(p) - ALLOWED
    }
    assert offenders == {}
    assert _app_imports(DOMAIN / "documents.py") >= {"models", "storage"}  # the walk sees them
    assert not (DOMAIN.parent / "settings.py").exists()
    # and the check itself sees a function-level import of settings or of a view
    sample = DOMAIN.parent.parent / "tests" / "_settings_sample.py"
    sample.write_text(
        "def f():\n    from ..settings import setting\n    from ..mail import views\n"
        "    import overleg.ical\n    return setting\n",
        encoding="utf-8",
    )
    try:
        assert _app_imports(sample) - ALLOWED == {"settings", "mail.views", "ical"}
    finally:
        sample.unlink()
