"""The demo's jaarplannen: the 2019 plan holds section 5 of the seed text in full (compared
with the seed file itself), and the current year's plan is drafted from it."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from overleg.domain import plan as dp
from overleg.extensions import db
from overleg.models import Theme, ThemeGroup, Topic
from overleg.timeutil import today_local
from tests.conftest import DEMO_PASSWORD, get_page, login

pytestmark = pytest.mark.usefixtures("seeded")

# The municipal plan the project comes from, kept verbatim in the repository so that a clean
# checkout tests against it (the copy beside the repository, ../shared/seeds, when present,
# must be the same text).
SEED = (
    Path(__file__).resolve().parents[1]
    / "docs"
    / "sources"
    / ("jaarplan-veiligheid-2019-midden-groningen.txt")
)
SHARED_SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / SEED.name


def test_the_repository_keeps_the_seed_verbatim():
    text = SEED.read_text(encoding="utf-8")
    assert text.lstrip().startswith("INTEGRAAL JAARPLAN VEILIGHEID 2019")
    if SHARED_SEED.exists():
        assert SHARED_SEED.read_text(encoding="utf-8") == text


FIELD_OF_LABEL = {
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


def seed_fields() -> dict[str, dict[str, str]]:
    """Section 5 of the seed, read here on its own: heading -> field -> the cell as written."""
    text = SEED.read_text(encoding="utf-8")
    lines = [line for line in text[text.index("\nGEWELD\n") :].splitlines() if line.strip()]
    out: dict[str, dict[str, str]] = {}
    heading = None
    for n, line in enumerate(lines):
        label, _, cell = line.partition("\t")
        if cell.strip():
            out[heading][FIELD_OF_LABEL[label.strip()]] = cell  # type: ignore[index]
        elif n + 1 < len(lines) and "\t" in lines[n + 1] and lines[n + 1].split("\t")[1].strip():
            heading = line.strip()
            out[heading] = {}
    return out


def words(text: str) -> str:
    """Text without markup, list dashes and separators, in single spaces."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(w.rstrip(";") for w in text.split() if w != "-")


def stored(priority, name: str) -> str:
    if name == "indicators":
        return " ".join(i.text for i in priority.indicators)
    return getattr(priority, name) or ""


def plan_2019():
    plan = dp.plan_of_year(2019)
    assert plan is not None
    return dp.load_version(plan.versions[0].id)


def test_the_seed_is_read_as_expected():
    fields = seed_fields()
    assert len(fields) == 8
    assert sum(len(f) for f in fields.values()) == 8 * 8 - 2  # two priorities lack a field
    assert (
        "Bevorderen van een veilige thuissituatie"
        in fields["Aanpak huiselijk geweld en kindermishandeling"]["ambition"]
    )


def test_the_2019_plan_holds_every_text_of_section_5_in_full(demo):
    version = plan_2019()
    by_heading = {p.heading: p for p in version.priorities}
    fields = seed_fields()
    assert set(by_heading) == set(fields)
    for heading, cells in fields.items():
        priority = by_heading[heading]
        for name, cell in cells.items():
            assert words(stored(priority, name)) == words(cell), (heading, name)
        for name in dp.TEXT_ATTRIBUTES:
            if name not in cells:
                assert not getattr(priority, name), (heading, name)
    assert version.is_frozen and version.adopted_at is not None
    clusters = [c.name for c in dp.clusters(version)]
    assert clusters == [
        "Geweld",
        "Veilige woon- en leefomgeving",
        "Jeugd en veiligheid",
        "Ondermijnende en georganiseerde criminaliteit",
        "Windmolenpark N33",
        "Cybercrime/ gedigitaliseerde criminaliteit",
    ]


def test_indicators_are_rows_and_ketenpartners_organisations(demo):
    version = plan_2019()
    by_heading = {p.heading: p for p in version.priorities}
    jeugd = by_heading["Problematische jeugd en jeugdgroepen"]
    assert [i.text for i in jeugd.indicators] == [
        "Aantal overlastmeldingen over jeugd(groepen);",
        "Aantal jeugdgroepen + duur van de groep;",
        "Aantal risicojongeren",
        "Aantal meldingen digitale criminaliteit",
    ]
    hg = by_heading["Aanpak huiselijk geweld en kindermishandeling"]
    assert {p.organisation.name for p in hg.partners} == {
        "Veiligheidshuis",
        "Veilig Thuis Groningen",
        "Reclassering",
    }


def test_the_plan_page_shows_all_of_section_5(client, demo):
    plan_2019()
    assert login(client, "wijkagent@example.org", DEMO_PASSWORD).status_code == 302
    page = words(get_page(client, "/jaarplan/2019"))
    for heading, cells in seed_fields().items():
        assert words(heading) in page
        for name, cell in cells.items():
            assert words(cell) in page, (heading, name)
    assert "Bijdrage overige ketenpartners" in page and "Reclassering" in page


def test_the_demo_drafts_the_current_year_from_2019(client, demo):
    source = plan_2019()
    year = today_local().year
    plan = dp.plan_of_year(year)
    assert plan is not None and plan.title == f"Integraal Jaarplan Veiligheid {year}"
    draft = dp.load_version(plan.versions[0].id)
    assert draft.status == "concept" and draft.copied_from_id is not None
    for old, new in zip(source.priorities, draft.priorities, strict=True):
        assert new.theme.group.year == year and new.theme.name == old.theme.name
        for name in dp.TEXT_ATTRIBUTES:
            assert getattr(new, name) == getattr(old, name)
        assert [i.text for i in new.indicators] == [i.text for i in old.indicators]
    groups = db.session.scalars(
        select(ThemeGroup.name).where(ThemeGroup.year == year).order_by(ThemeGroup.position)
    ).all()
    assert len(groups) == 6 and groups[0] == "Geweld"
    # the OOV ambtenaar opens both; the draft is hers alone until the Driehoek adopts it
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    page = get_page(client, f"/jaarplan/{year}")
    assert "Concept" in page and "Vaststellen in het Driehoeksoverleg" in page
    # the demo's topics under their priorities (the OOV ambtenaar reads them all)
    topics = db.session.scalars(
        select(Topic).join(Theme).join(ThemeGroup).where(ThemeGroup.year == year)
    ).all()
    assert topics and all(html.escape(t.title, quote=True) in page for t in topics)


def test_the_oov_ambtenaar_opens_the_progress_report_of_the_demo_year(app, demo):
    year = today_local().year
    client = app.test_client()
    assert login(client, "oov@example.org", DEMO_PASSWORD).status_code == 302
    plan_page = get_page(client, f"/jaarplan/{year}")
    assert f'href="/jaarplan/{year}/voortgang"' in plan_page
    page = get_page(client, f"/jaarplan/{year}/voortgang")
    assert f"Voortgang jaarplan {year}" in page and 'role="img"' in page
    # the demo's topics belong to this year's priorities: the report counts them
    from overleg.domain import report as dr

    report = dr.build(year)
    assert sum(r.topics_opened.value for r in report.priorities if r.theme_id) > 0
    assert sum(b.held for b in report.bodies) > 0
    pdf = client.get(f"/jaarplan/{year}/voortgang.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
