"""The topic page shows the latest meetings of a long timeline, with a link to the whole of
it: the page stays the same size however many years a topic runs."""

from __future__ import annotations

from datetime import timedelta

from overleg.domain.topics import TIMELINE_MEETINGS
from overleg.extensions import db
from overleg.timeutil import today_local
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import make_meeting, make_topic, person, topic_item


def _long_topic(meetings: int):
    """A topic on the agendas of that many weekly OVO meetings (oldest first), each item
    titled by its week so the page says which meetings it shows."""
    secretary = person("oov@example.org")
    topic = make_topic("ovo", title="Jongerenoverlast winkelcentrum")
    start = today_local() - timedelta(days=7 * meetings)
    for week in range(meetings):
        meeting = make_meeting(
            "ovo", start + timedelta(days=7 * week), participants=[(secretary, "secretary")]
        )
        topic_item(meeting, topic, title=f"Week {week:02d} van het onderwerp")
    db.session.commit()
    return topic


def _timeline(html: str) -> str:
    return html.split('id="tijdlijn">Tijdlijn</h2>')[1]


def test_a_long_timeline_shows_the_latest_meetings_and_links_to_the_whole(app, seeded):
    total = TIMELINE_MEETINGS + 3
    topic = _long_topic(total)
    c = app.test_client()
    login(c, "oov@example.org", DEMO_PASSWORD)

    html = c.get(f"/onderwerpen/{topic.id}").get_data(as_text=True)
    tl = _timeline(html)
    assert f"De tijdlijn toont de laatste {TIMELINE_MEETINGS} van de {total} overleggen" in tl
    assert f'href="/onderwerpen/{topic.id}?tijdlijn=alles#tijdlijn">Hele tijdlijn tonen' in tl
    assert tl.count('class="timeline__entry"') == TIMELINE_MEETINGS
    assert f"Week {total - 1:02d} van het onderwerp" in tl  # the latest
    assert "Week 03 van het onderwerp" in tl  # the earliest of the latest twelve
    assert "Week 02 van het onderwerp" not in tl  # before them: only on the whole timeline

    whole = _timeline(c.get(f"/onderwerpen/{topic.id}?tijdlijn=alles").get_data(as_text=True))
    assert whole.count('class="timeline__entry"') == total
    assert "Week 00 van het onderwerp" in whole
    assert "Hele tijdlijn tonen" not in whole


def test_a_short_timeline_is_shown_whole_without_the_link(app, seeded):
    topic = _long_topic(TIMELINE_MEETINGS)
    c = app.test_client()
    login(c, "oov@example.org", DEMO_PASSWORD)
    tl = _timeline(c.get(f"/onderwerpen/{topic.id}").get_data(as_text=True))
    assert tl.count('class="timeline__entry"') == TIMELINE_MEETINGS
    assert "Week 00 van het onderwerp" in tl
    assert "Hele tijdlijn tonen" not in tl
    assert "De tijdlijn toont de laatste" not in tl


def _topic_pages(app, topic_ids, count_queries) -> list[tuple[int, str]]:
    """For each topic, as the secretary: the queries of its page (asked a second time, the
    session emptied in between) and the page's HTML."""
    c = app.test_client()
    login(c, "oov@example.org", DEMO_PASSWORD)
    pages = []
    for topic_id in topic_ids:
        c.get(f"/onderwerpen/{topic_id}")
        db.session.remove()
        with count_queries() as q:
            resp = c.get(f"/onderwerpen/{topic_id}")
        assert resp.status_code == 200
        pages.append((q.count, resp.get_data(as_text=True)))
    return pages


def test_the_topic_page_queries_do_not_grow_with_its_timeline(app, seeded, count_queries):
    ids = [_long_topic(3).id, _long_topic(TIMELINE_MEETINGS + 8).id]
    counts = [count for count, _ in _topic_pages(app, ids, count_queries)]
    assert counts[0] == counts[1], counts


def test_the_topic_page_queries_are_the_same_with_decisions_on_its_timeline(
    app, seeded, count_queries
):
    """Whether an outcome is a numbered decision comes with the timeline's items: the page
    asks no query more when its items were concluded with decisions (and labels them so)."""
    from sqlalchemy.orm import joinedload

    from overleg.domain.escalation import conclude
    from overleg.models import AgendaItem

    plain, decided = _long_topic(3), _long_topic(3)
    sec = person("oov@example.org")
    items = db.session.scalars(
        db.select(AgendaItem)
        .where(AgendaItem.topic_id == decided.id)
        .options(joinedload(AgendaItem.meeting))
        .order_by(AgendaItem.id)
    ).all()
    conclude(items[0], outcome="Cameratoezicht ingesteld", outcome_kind="besluit", by=sec)
    conclude(items[1], outcome="Gesprek met de ondernemers", by=sec)
    db.session.commit()
    pages = _topic_pages(app, [plain.id, decided.id], count_queries)
    counts = [count for count, _ in pages]
    assert counts[0] == counts[1], counts
    tl = _timeline(pages[1][1])
    assert "Besluit: OVO-" in tl and ": Cameratoezicht ingesteld" in tl
    assert "Uitkomst: Gesprek met de ondernemers" in tl
    assert "Besluit: Gesprek" not in tl and "Uitkomst: OVO-" not in tl


def test_the_topic_page_names_its_priority_theme_without_a_query_of_its_own(
    app, seeded, count_queries
):
    """The theme comes with the topic: a topic with a priority theme asks no query more than
    one without, and its page names the theme ("—" for none)."""
    from sqlalchemy import select

    from overleg.models import Theme

    theme = db.session.scalars(select(Theme).order_by(Theme.id)).first()
    assert theme is not None
    with_theme = make_topic("tvo", theme=theme, title="Overlast jeugdgroep Sappemeer")
    without = make_topic("tvo", title="Inbraken Hoogezand")
    db.session.commit()
    (count_with, html_with), (count_without, html_without) = _topic_pages(
        app, [with_theme.id, without.id], count_queries
    )
    assert "Overlast jeugdgroep Sappemeer" in html_with and "Inbraken Hoogezand" in html_without
    assert f"<dt>Prioriteit</dt><dd>{theme.name}</dd>" in html_with
    assert "<dt>Prioriteit</dt><dd>—</dd>" in html_without
    assert count_with == count_without, (count_with, count_without)
