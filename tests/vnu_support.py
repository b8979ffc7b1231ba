"""The Nu Html Checker (vnu.jar, npm package ``vnu-jar``, run with Debian's Java) over many
pages at once: one Java start for all of them (it takes seconds to start, milliseconds a page).

``check_pages({url: html})`` writes each page to a temporary folder, runs
``java -jar vnu.jar --errors-only --format json <folder>`` once and returns the errors as
``"<url> r<line>: <message> «<extract>»"`` lines, grouped per URL, in the order given.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def missing() -> str | None:
    """Why the checker cannot run here (``make test`` installs both), or None."""
    if not VNU_JAR.exists():
        return f"{VNU_JAR} ontbreekt (npm ci installeert vnu-jar)"
    if shutil.which("java") is None:
        return "java ontbreekt (make test installeert Debian's openjdk-17-jre-headless)"
    return None


def check_pages(pages: dict[str, str], timeout: int = 600) -> list[str]:
    """Every error the checker finds in ``pages`` (url -> HTML), one line each."""
    if not pages:
        return []
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        folder = Path(tmp)
        by_file: dict[str, str] = {}
        for n, (url, html) in enumerate(pages.items()):
            path = folder / f"{n:05d}.html"
            path.write_text(html, encoding="utf-8")
            by_file[path.name] = url
        # -Xss: the checker's regular expressions recurse deeply on long attribute values
        proc = subprocess.run(
            ["java", "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", tmp],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    try:
        messages = json.loads(proc.stderr or proc.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(
            f"vnu.jar gaf geen JSON (exit {proc.returncode}): {proc.stderr[:2000]}"
        ) from exc
    order = {url: n for n, url in enumerate(pages)}
    found: list[tuple[int, str]] = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error") and m.get("subType") != "fatal":
            continue
        url = by_file.get(Path(m.get("url", "")).name, m.get("url", "?"))
        extract = " ".join((m.get("extract") or "").split())[:160]
        line = m.get("lastLine", "?")
        found.append((order.get(url, len(order)), f"{url} r{line}: {m['message']} «{extract}»"))
    return [text for _, text in sorted(found, key=lambda f: f[0])]
