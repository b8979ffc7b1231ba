"""Turn section 5 of the seed text (Integraal Jaarplan Veiligheid 2019) into the demo's data
file overleg/demo/jaarplan_2019.json. Run once by hand when the seed changes:

    .venv/bin/python tools/jaarplan_from_seed.py docs/sources/jaarplan-veiligheid-2019-midden-groningen.txt

The texts are kept in full: HTML list markup of the seed becomes one line per item ("- ..."),
a paragraph its own line. Indicators become one row each. Which organisations a priority names
as ketenpartners is added by hand below (names as in overleg/seed.py)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "overleg" / "demo" / "jaarplan_2019.json"

LABELS = {
    "Gezamenlijke ambitie": "ambition",
    "Doel": "ambition",
    "Resultaat": "results",
    "Indicator": "indicators",
    "Samenhangend beleid": "related_policy",
    "Samenhang beleid": "related_policy",
    "Bijdrage gemeente": "contribution_gemeente",
    "Bijdrage politie": "contribution_politie",
    "Bijdrage O.M.": "contribution_om",
    "Bijdrage overige ketenpartners": "contribution_partners",
}

# heading in the seed -> (cluster, name in the list of priorities, partner organisations)
PRIORITIES = {
    "Aanpak huiselijk geweld en kindermishandeling": (
        "Geweld",
        "Aanpak huiselijk geweld en kindermishandeling",
        ["Veiligheidshuis", "Veilig Thuis Groningen", "Reclassering"],
    ),
    "Sociale (woon)overlast": (
        "Veilige woon- en leefomgeving",
        "Sociale (woon)overlast/ burenruzies",
        [
            "Sociale Teams Midden-Groningen",
            "Verslavingszorg Noord Nederland (VNN)",
            "Woningbouwcorporaties",
            "Jongerenwerk",
        ],
    ),
    "Personen met verward gedrag": (
        "Veilige woon- en leefomgeving",
        "Verwarde personen",
        [
            "Sociale Teams Midden-Groningen",
            "Woningbouwcorporaties",
            "Verslavingszorg Noord Nederland (VNN)",
            "Schakelteam personen met verward gedrag",
            "Lentis, Crisisbeoordelingslocatie (CBL)",
        ],
    ),
    "Problematische jeugd en jeugdgroepen": (
        "Jeugd en veiligheid",
        "Problematische jeugd en jeugdgroepen",
        [
            "Veiligheidshuis",
            "Sociale Teams Midden-Groningen",
            "Jongerenwerk",
            "Onderwijs (scholen in Midden-Groningen)",
            "Bureau HALT",
            "Verslavingszorg Noord Nederland (VNN)",
        ],
    ),
    "Bestuurlijke aanpak ondermijnende en georganiseerde criminaliteit": (
        "Ondermijnende en georganiseerde criminaliteit",
        "Bestuurlijke aanpak georganiseerde criminaliteit algemeen",
        [
            "RIEC Noord-Nederland",
            "Landelijk Bureau Bibob",
            "Belastingdienst",
            "Omgevingsdienst Groningen (ODG)",
        ],
    ),
    "Aanpak drugs- en cannabis keten": (
        "Ondermijnende en georganiseerde criminaliteit",
        "Aanpak drugscriminaliteit",
        ["RIEC Noord-Nederland", "BWRI", "Sociale Teams Midden-Groningen"],
    ),
    "Windmolenpark N33": (
        "Windmolenpark N33",
        "Aanpak problematiek die de komst van het windmolenpark N33 met zich meebrengt",
        [],
    ),
    "Cybercrime / gedigitaliseerde criminaliteit": (
        "Cybercrime/ gedigitaliseerde criminaliteit",
        "In beeld brengen aard en omvang, inventariseren rol ketenpartners en opstellen plan van aanpak",
        [],
    ),
}

# Indicator cells written as one sentence holding several indicators: where they part.
INDICATOR_SPLITS = {
    "Aanpak drugs- en cannabis keten": ["; "],
    "Cybercrime / gedigitaliseerde criminaliteit": [" Aantal aangehouden"],
}

UL = re.compile(r"<ul[^>]*>")


def lines_of(cell: str) -> list[str]:
    """A seed cell as lines: list items as "- item", paragraphs on their own line."""
    cell = cell.strip()
    out: list[str] = []
    for part in re.split(r"<p>|</p>", cell):
        part = part.strip()
        if not part:
            continue
        if UL.match(part):
            body = UL.sub("", part).strip()
            items = [i.strip() for i in re.split(r"(?:^|\s)-\s", body) if i.strip()]
            out += [f"- {i}" for i in items]
        else:
            out.append(part)
    return out


def indicators_of(heading: str, cell: str) -> list[str]:
    cell = cell.strip()
    if UL.match(cell):
        return [line[2:] for line in lines_of(cell)]
    parts = [cell]
    for sep in INDICATOR_SPLITS.get(heading, []):
        keep = sep.strip() if not sep.startswith(";") else ""
        new = []
        for p in parts:
            pieces = p.split(sep)
            new.append(pieces[0])
            new += [(keep + " " + x.strip()).strip() if keep else x for x in pieces[1:]]
        parts = new
    return [p.strip() for p in parts if p.strip()]


def parse(text: str) -> list[dict]:
    start = text.index("\nGEWELD\n")
    priorities: list[dict] = []
    current: dict | None = None
    for raw in text[start:].splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        if "\t" in line and line.split("\t", 1)[1].strip():
            label, cell = line.split("\t", 1)
            key = LABELS[label.strip()]
            assert current is not None, line
            if key == "indicators":
                current["indicators"] = indicators_of(current["heading"], cell)
            else:
                current[key] = "\n".join(lines_of(cell))
                if key == "ambition":
                    current["ambition_label"] = "doel" if label.strip() == "Doel" else "ambitie"
            continue
        heading = line.strip()
        if heading in PRIORITIES:
            cluster, name, partners = PRIORITIES[heading]
            current = {"cluster": cluster, "name": name, "heading": heading, "partners": partners}
            priorities.append(current)
    assert len(priorities) == len(PRIORITIES), [p["heading"] for p in priorities]
    return priorities


def main(path: str) -> None:
    data = {
        "year": 2019,
        "title": "Integraal Jaarplan Veiligheid 2019",
        "source": "Integraal Jaarplan Veiligheid 2019, gemeente Midden-Groningen, hoofdstuk 5",
        "priorities": parse(Path(path).read_text(encoding="utf-8")),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(data['priorities'])} prioriteiten")


if __name__ == "__main__":
    main(sys.argv[1])
