"""The demo (overleg/demo/) is content for trying the app out, not a source of test helpers
or domain rules: tests build their own data, and only the demo's own tests load the demo,
through its entry point ``seed_all``; the scale generator for the benchmarks has its own
(``overleg.demo.scale.seed_scale``, and ``persona_pages``: the pages the benchmark times), used
by its own tests."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = "overleg.demo"
ENTRY_POINTS = {
    DEMO: {"seed_all"},
    f"{DEMO}.scale": {"seed_scale", "persona_pages", "ScaleError", "ITEMS_PER_MEETING"},
}


def _demo_imports(path: Path) -> list[tuple[int, str, set[str], str]]:
    """(line, module, names, enclosing function or '') of every import of the demo package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            where = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                where = child.name
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == DEMO or alias.name.startswith(DEMO + "."):
                        found.append((child.lineno, alias.name, {"*"}, where))
            elif isinstance(child, ast.ImportFrom) and child.module:
                module = child.module
                if module == DEMO or module.startswith(DEMO + "."):
                    found.append((child.lineno, module, {a.name for a in child.names}, where))
                elif module == "overleg" and any(a.name == "demo" for a in child.names):
                    found.append((child.lineno, DEMO, {"*"}, where))
            visit(child, where)

    visit(tree, "")
    return found


# files whose tests run on the demo as a whole (the seed itself; the browser walk-through)
DEMO_TEST_FILES = {"test_seed.py", "test_browser.py", "browser_support.py"}


def _is_demo_test(path: Path, function: str) -> bool:
    """A test of the demo itself: its file or its function says so."""
    return "demo" in path.stem or path.name in DEMO_TEST_FILES or "demo" in function


def offending_imports(test_dir: Path) -> list[str]:
    bad = []
    for path in sorted(test_dir.rglob("*.py")):
        for line, module, names, function in _demo_imports(path):
            allowed = names <= ENTRY_POINTS.get(module, set()) and _is_demo_test(path, function)
            if not allowed:
                where = f"{path.relative_to(test_dir.parent)}:{line}"
                bad.append(f"{where} imports {sorted(names)} from {module}")
    return bad


def test_no_test_imports_from_the_demo():
    bad = offending_imports(ROOT / "tests")
    assert not bad, "tests may load the demo only through overleg.demo.seed_all:\n" + "\n".join(bad)
    # the demo's own tests do use the entry point (so the check above looks at real imports)
    assert _demo_imports(ROOT / "tests" / "test_seed.py")


def test_the_check_catches_a_helper_taken_from_the_demo(tmp_path):
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_x.py").write_text(
        "from overleg.pdf import simple_pdf\n"
        "from overleg.demo.documents import seed_documents\n"
        "def test_a():\n"
        "    from overleg.demo import seed_all\n"
        "def test_demo_b():\n"
        "    from overleg.demo import seed_all\n"
        "    import overleg.demo.minutes\n",
        encoding="utf-8",
    )
    (tests / "test_seed.py").write_text("from overleg.demo import seed_all\n", encoding="utf-8")
    assert offending_imports(tests) == [
        "tests/test_x.py:2 imports ['seed_documents'] from overleg.demo.documents",
        "tests/test_x.py:4 imports ['seed_all'] from overleg.demo",
        "tests/test_x.py:7 imports ['*'] from overleg.demo.minutes",
    ]


def test_only_the_cli_loads_the_demo():
    """The application and its domain do not depend on the demo content."""
    users = set()
    for path in sorted((ROOT / "overleg").rglob("*.py")):
        if (ROOT / "overleg" / "demo") in path.parents:
            continue
        if _demo_imports(path) or "from .demo import" in path.read_text(encoding="utf-8"):
            users.add(str(path.relative_to(ROOT)))
    assert users == {"overleg/cli.py"}
