"""bench/pages.py's verdict over several rounds: each page judged by the median of its rounds'
ratios (each taken within its round), the range printed beside it; growth and query counts
likewise per round. Figures made up here: nothing is timed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _pages():
    if "bench_pages" in sys.modules:
        return sys.modules["bench_pages"]
    before = list(sys.path)
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_pages", BENCH / "pages.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_pages"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path[:] = before  # bench/ holds modules (load, statements) by common names


def _row(pages, name, floor, one, ten, q1=5, q10=5):
    return (
        "secretaris",
        name,
        floor,
        {1: pages.Figure(one, one * 1.2, q1), 10: pages.Figure(ten, ten * 1.2, q10)},
    )


def test_each_page_is_judged_by_the_median_of_its_rounds(capsys):
    pages = _pages()
    rounds = [
        # one slow round (5.5x) of a page otherwise at 4.5x: OK, its range shows the round
        [_row(pages, "home", 4.0, 22.0, 23.0), _row(pages, "verslag", 4.0, 22.0, 22.0)],
        [_row(pages, "home", 4.0, 18.0, 19.0), _row(pages, "verslag", 4.0, 21.6, 22.0)],
        [_row(pages, "home", 3.0, 13.5, 14.0), _row(pages, "verslag", 3.0, 12.0, 12.0)],
    ]
    assert pages.report(rounds, [1, 10]) == 1
    out = capsys.readouterr().out
    home = next(line for line in out.splitlines() if line.startswith("secretaris  home"))
    verslag = next(line for line in out.splitlines() if line.startswith("secretaris  verslag"))
    assert home.endswith("OK") and " 4.5-5.5 " in home and "   4.5 " in home
    # slow in two rounds of three (5.5x, 5.4x), fast in one: too slow
    assert "TE TRAAG (> 5x vloer)" in verslag and " 4.0-5.5 " in verslag
    assert "1 van 2 pagina's halen de doelen" in out
    assert "3 rondes" in out


def test_growth_and_queries_are_judged_per_round(capsys):
    pages = _pages()
    rounds = [
        [_row(pages, "onderwerpen", 4.0, 10.0, 14.0), _row(pages, "zoeken", 4.0, 10.0, 10.0, 5, 6)],
        [_row(pages, "onderwerpen", 4.0, 10.0, 14.0), _row(pages, "zoeken", 4.0, 10.0, 10.0)],
        [_row(pages, "onderwerpen", 4.0, 10.0, 12.0), _row(pages, "zoeken", 4.0, 10.0, 10.0)],
    ]
    assert pages.report(rounds, [1, 10]) == 1
    out = capsys.readouterr().out
    assert "GROEIT (1.40x bij 10j)" in out
    growing = next(line for line in out.splitlines() if "onderwerpen" in line)
    assert " 1.40 " in growing  # the growth judged, printed in its column
    assert "QUERIES 5->6" in out  # one round that asked one query more is enough
    assert "0 van 2 pagina's halen de doelen" in out


def test_one_round_prints_no_range(capsys):
    pages = _pages()
    assert pages.report([[_row(pages, "home", 4.0, 16.0, 16.0)]], [1, 10]) == 0
    out = capsys.readouterr().out
    assert "bereik" not in out and "rondes" not in out
    assert "1 van 1 pagina's halen de doelen" in out
