"""The progress report on the jaarplan (voortgang, the "evaluatie jaarplan"): its figures
against a world with known counts (last year, so every period has ended), the "minder dan 5"
rule, the quarter filter, the page with its charts (text alternatives, tables, no inline
style), the PDF/A with tags and figure alternatives, the CSV, who may see it, Dutch 4xx for a
bad year or quarter, and a constant number of queries."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from overleg.domain import indicators as di
from overleg.domain import plan as dp
from overleg.domain import report as dr
from overleg.extensions import db
from overleg.models import AuditEvent, Theme, ThemeGroup
from overleg.timeutil import local_to_utc, today_local
from tests import pdfua_support
from tests.conftest import TEST_NOW, demo_client
from tests.factories import (
    close_topic,
    make_action,
    make_decision,
    make_escalation,
    make_measure,
    make_meeting,
    make_signal,
    make_topic,
    person,
    topic_item,
)
from tests.minutes_support import pdf_text

pytestmark = pytest.mark.usefixtures("seeded")

Y = TEST_NOW.year - 1  # a year that has ended: its figures no longer move


def at(month: int, day: int, hour: int = 10, year: int = Y) -> datetime:
    return local_to_utc(date(year, month, day), time(hour))


def build_world():
    """Last year's plan with two priorities (A: Huiselijk geweld, B: Drugscriminaliteit) and
    known counts; see the comments for what each part adds."""
    version = dp.new_plan(Y)
    pa = dp.add_priority(
        version,
        dp.PriorityData(
            "Geweld",
            "Huiselijk geweld",
            "Aanpak huiselijk geweld",
            indicators=["Meldingen Veilig Thuis", "Huisverboden"],
        ),
    )
    pb = dp.add_priority(
        version,
        dp.PriorityData(
            "Ondermijning", "Drugscriminaliteit", "Aanpak drugs", indicators=["Hennepkwekerijen"]
        ),
    )
    dp.mark_adopted_before(version, at(2, 1), "Vastgesteld vóór Overleg.")
    A, B = pa.theme, pb.theme
    old = Theme(group=ThemeGroup(year=Y - 1, name="Geweld"), name="Huiselijk geweld")
    db.session.add(old)
    sec, spec = person("oov@example.org"), person("specialist@example.org")
    parts = [(spec, "member"), (sec, "secretary")]
    # meetings: TVO 3 held + 1 cancelled, Driehoek 2 held; one TVO the year before
    tvo = [make_meeting("tvo", date(Y, m, 10), participants=parts, commit=False) for m in (2, 5, 9)]
    cancelled = make_meeting("tvo", date(Y, 11, 10), commit=False)
    cancelled.status = "geannuleerd"
    dri = [make_meeting("driehoek", date(Y, m, 20), commit=False) for m in (3, 6)]
    before = make_meeting("tvo", date(Y - 1, 12, 10), commit=False)
    for meeting, (s, o) in zip(
        tvo,
        [("aanwezig", "aanwezig"), ("aanwezig", "aanwezig"), ("aanwezig", "afwezig_met_bericht")],
        strict=True,
    ):
        by = {p.person_id: p for p in meeting.participants}
        by[spec.id].attendance, by[sec.id].attendance = s, o
    # topics opened: A 5 in Q1 (one a casus) + 1 in Q2, B 2 in Q3, none 2 (no theme, or the
    # theme of the year before); one of A opened the year before
    a = [
        make_topic("tvo", A, at(1, 5 + i), "casus" if i == 0 else "vertrouwelijk") for i in range(5)
    ]
    a.append(make_topic("tvo", A, at(4, 15)))
    b = [make_topic("tvo", B, at(7, 1)), make_topic("tvo", B, at(8, 1))]
    make_topic("ovo", None, at(2, 1))
    make_topic("ovo", old, at(5, 1))
    earlier = make_topic("tvo", A, at(12, 1, year=Y - 1))
    # closed: A 5 (three in Q2, one in Q1 reopened and closed again in Q2, the earlier one
    # in Q3), B 1
    for t in a[:3]:
        close_topic(t, at(5, 12))
    close_topic(a[4], at(3, 1), reopen_at=at(3, 20))
    close_topic(a[4], at(6, 1))
    close_topic(earlier, at(8, 1))
    close_topic(b[0], at(10, 1))
    # escalations of A: up 6 (5 treated at the Driehoek after 14, 7, 14, 28, 7 days, one
    # still waiting), down 2 (one treated, one withdrawn); one the year before
    for t, made in zip(a[:5], [at(3, 6), at(3, 13), at(3, 6), at(2, 20), at(3, 13)], strict=True):
        make_escalation(t, "tvo", "driehoek", "up", made, target=dri[0])
    make_escalation(a[5], "tvo", "driehoek", "up", at(11, 1))
    make_escalation(a[0], "driehoek", "tvo", "down", at(6, 20), target=tvo[2])
    make_escalation(a[1], "driehoek", "tvo", "down", at(6, 25), status="ingetrokken")
    make_escalation(earlier, "tvo", "po", "up", at(12, 5, year=Y - 1))
    # decisions: A 7, B 1 (its own theme, no item), none 1; one the year before
    items = [topic_item(m, a[i]) for i, m in enumerate(tvo)]
    for item, n in zip(items, (3, 2, 2), strict=True):
        for _ in range(n):
            make_decision(item.meeting, item)
    make_decision(tvo[1], theme=B)
    make_decision(dri[1])
    make_decision(before, topic_item(before, earlier))
    # actions of A, as of the end of the year: open 2, over their date 7, done 2; one closed
    # the year before (not counted)
    for _ in range(5):
        make_action(tvo[0], items[0], due=date(Y, 6, 1))
    for _ in range(2):
        make_action(tvo[0], items[0], due=date(Y, 9, 1), closed_at=at(7, 1))
    make_action(tvo[1], items[1], due=date(Y + 1, 1, 31))
    make_action(tvo[1], items[1])
    make_action(tvo[2], items[2], due=date(Y, 12, 1), closed_at=at(1, 5, year=Y + 1))
    old_item = topic_item(before, earlier)
    make_action(before, old_item, due=date(Y, 3, 1))
    make_action(before, old_item, due=date(Y, 3, 1), closed_at=at(12, 20, year=Y - 1))
    # measures of A, at the end of the year: open 1, over their date 2, gereed 1, gestopt 1;
    # one gereed the year before (not counted); B open 1
    made = at(1, 20)
    make_measure(
        a[0], made, date(Y, 6, 30), notes=[(date(Y, 2, 1), "lopend"), (date(Y, 5, 1), "gereed")]
    )
    make_measure(a[0], made, date(Y, 3, 15))
    make_measure(a[1], made, notes=[(date(Y, 3, 1), "gestopt")])
    make_measure(earlier, at(12, 1, year=Y - 1), notes=[(date(Y - 1, 12, 15), "gereed")])
    make_measure(a[1], made, status="lopend")
    make_measure(b[0], at(7, 1), date(Y + 1, 6, 1))
    make_measure(a[2], made, date(Y, 12, 1), notes=[(date(Y + 1, 1, 5), "gereed")])
    # signals: A 8 (5 made a topic, 1 merged, 1 closed, 1 handled only the next year),
    # B 6 (5 made a topic, 1 closed), none 2 (still open)
    for _ in range(5):
        make_signal(A, at(3, 1), "onderwerp", at(3, 2))
    make_signal(A, at(3, 1), "samengevoegd", at(3, 3))
    make_signal(A, at(4, 1), "gesloten", at(4, 3))
    make_signal(A, at(12, 30), "gesloten", at(1, 10, year=Y + 1))
    for _ in range(5):
        make_signal(B, at(8, 1), "onderwerp", at(8, 2))
    make_signal(B, at(8, 1), "gesloten", at(8, 9))
    make_signal(None, at(9, 1))
    make_signal(None, at(9, 2))
    # indicator figures: A's first 10, 12, —, 9 (and 8 in the fourth quarter before); B's 4
    ia, ib = pa.indicators[0], pb.indicators[0]
    for q, v in ((1, "10"), (2, "12"), (4, "9")):
        di.record_figure(ia, Y, q, value=v)
    di.record_figure(ia, Y - 1, 4, value="8")
    di.record_figure(ib, Y, 3, value="4")
    db.session.commit()
    return {"version": version, "A": A.id, "B": B.id, "tvo": tvo, "dri": dri, "a": a}


@pytest.fixture
def world():
    return build_world()


def rows(report):
    by = {r.theme_id: r for r in report.priorities}
    return by


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (1, "minder dan 5"), (4, "minder dan 5"), (5, "5"), (12, "12")],
)
def test_small_counts_of_casework_are_shown_as_minder_dan_5(value, shown):
    assert dr.shown_count(value) == shown
    assert dr.Count(value).text == shown
    assert dr.shown_count(value, casus_related=False) == str(value)  # meetings, attendance


def test_a_negative_count_is_a_bug():
    with pytest.raises(ValueError):
        dr.shown_count(-1)


def test_a_total_that_would_give_one_small_count_away_is_withheld():
    one_hidden = dr.total_count([dr.Count(6), dr.Count(1), dr.Count(0)])
    assert one_hidden.text == "niet getoond" and one_hidden.value == 7
    assert dr.total_count([dr.Count(6), dr.Count(1), dr.Count(3)]).text == "10"
    assert dr.total_count([dr.Count(6), dr.Count(5)]).text == "11"
    assert dr.total_count([dr.Count(1), dr.Count(2)]).text == "minder dan 5"


def test_a_total_that_pins_several_small_counts_down_is_withheld():
    # 7 + two of "minder dan 5" shown as 9: both hidden ones are exactly 1
    assert dr.total_count([dr.Count(7), dr.Count(1), dr.Count(1)]).text == "niet getoond"
    # 6 + two of "minder dan 5" shown as 14: both are exactly 4
    assert dr.total_count([dr.Count(6), dr.Count(4), dr.Count(4)]).text == "niet getoond"
    # 5 + three hidden as 8: each of the three is 1
    assert dr.total_count([dr.Count(5)] + [dr.Count(1)] * 3).text == "niet getoond"
    # a total over a withheld total would let that one be worked out again
    withheld = dr.total_count([dr.Count(6), dr.Count(1)])
    assert dr.total_count([withheld, dr.Count(2), dr.Count(9)]).text == "niet getoond"
    # positive controls: hidden ones that stay between 1 and 4 each, and no hidden one
    assert dr.total_count([dr.Count(7), dr.Count(1), dr.Count(2)]).text == "10"
    assert dr.total_count([dr.Count(7), dr.Count(4), dr.Count(3)]).text == "14"
    assert dr.total_count([dr.Count(7), dr.Count(0), dr.Count(5)]).text == "12"


# --- the figures -----------------------------------------------------------------------------


def test_figures_of_the_year_per_priority(world):
    report = dr.build(Y)
    by = rows(report)
    a, b, none = by[world["A"]], by[world["B"]], by[None]
    assert [r.name for r in report.priorities] == [
        "Huiselijk geweld",
        "Drugscriminaliteit",
        "Zonder prioriteit",
    ]
    assert (a.topics_opened.value, b.topics_opened.value, none.topics_opened.value) == (6, 2, 2)
    # 6 in the year, its 1st quarter 5 and its 2nd "minder dan 5": the year's 6 would tell
    # the 2nd quarter's is 1 (the quarters' reports beside this one), so it is withheld
    assert (a.topics_opened.text, b.topics_opened.text) == ("niet getoond", "minder dan 5")
    assert report.total.topics_opened.text == "niet getoond"
    assert (a.topics_closed.value, b.topics_closed.value) == (5, 1)
    assert (a.topics_closed.text, b.topics_closed.text) == ("5", "minder dan 5")
    assert (a.escalations_up.value, a.escalations_down.value) == (6, 2)
    assert (a.escalations_up.text, a.escalations_down.text) == ("niet getoond", "minder dan 5")
    assert (b.escalations_up.text, none.escalations_up.text) == ("0", "0")
    assert (a.decisions.value, b.decisions.value, none.decisions.value) == (7, 1, 1)
    # 7 and twice "minder dan 5": a total of 9 would tell both are 1
    assert (report.total.decisions.value, report.total.decisions.text) == (9, "niet getoond")
    assert (a.actions_open.value, a.actions_overdue.value, a.actions_done.value) == (2, 7, 2)
    assert (a.actions_open.text, a.actions_overdue.text) == ("minder dan 5", "7")
    measures = (a.measures_open, a.measures_overdue, a.measures_done, a.measures_stopped)
    assert [m.value for m in measures] == [1, 2, 1, 1]
    assert {m.text for m in measures} == {"minder dan 5"}
    assert (b.measures_open.value, b.measures_done.value) == (1, 0)
    assert report.total.measures_open.text == "minder dan 5"
    s = a.signals
    assert (s.received.value, s.open.value, s.topic.value, s.merged.value, s.closed.value) == (
        8,
        1,
        5,
        1,
        1,
    )
    # 8 received, 5 a topic: the other three (each "minder dan 5") would be 1 each
    assert (s.received.text, s.topic.text, s.merged.text) == (
        "niet getoond",
        "5",
        "minder dan 5",
    )
    # B: 5 made a topic and 1 closed; its total would give the one closed away
    assert (b.signals.received.value, b.signals.closed.value) == (6, 1)
    assert b.signals.received.text == "niet getoond"
    assert none.signals.open.value == 2


def test_waiting_of_escalations(world):
    up, down = dr.build(Y).waits
    assert (up.label, up.made.value, up.placed.value, up.waiting.value) == ("Opschalingen", 6, 5, 1)
    assert (up.average_days, up.longest_days) == ("14", "28")
    assert up.waiting.text == "minder dan 5"
    # 6 made beside 5 treated would tell the waiting "minder dan 5" is 1: made is withheld
    # (in the total row too); the treated 5 stay (positive control)
    report = dr.build(Y)
    assert (up.made.text, up.placed.text) == ("niet getoond", "5")
    assert report.total.escalations_up.text == "niet getoond"
    # too few treated to show how long: the average of fewer than 5 is not shown
    assert (down.made.value, down.placed.value, down.waiting.value) == (2, 1, 0)
    assert (down.average_days, down.longest_days) == ("—", "—")


def test_meetings_held_per_body_with_attendance_per_organisation(world):
    bodies = {b.code: b for b in dr.build(Y).bodies}
    assert (bodies["tvo"].held, bodies["tvo"].cancelled) == (3, 1)
    assert (bodies["driehoek"].held, bodies["ovo"].held, bodies["po"].held) == (2, 0, 0)
    attendance = {a.organisation: a for a in bodies["tvo"].attendance}
    gemeente = attendance["Gemeente Midden-Groningen"]
    politie = attendance["Politie Noord-Nederland, basisteam Midden-Groningen"]
    assert (gemeente.present, gemeente.excused, gemeente.absent, gemeente.rate) == (2, 1, 0, "67%")
    assert (politie.present, politie.rate) == (3, "100%")
    assert bodies["driehoek"].attendance == []


def test_indicator_figures_with_their_trend(world):
    lines = {i.text: i for _, i in dr.build(Y).indicator_lines}
    first = lines["Meldingen Veilig Thuis"]
    assert [first.values[q] for q in (1, 2, 3, 4)] == [10, 12, None, 9]
    assert first.previous[4] == 8
    assert (first.current, first.compared_with, first.trend.key) == (9, 12, "dalend")
    assert first.compared_label == "2e kwartaal " + str(Y)
    assert lines["Huisverboden"].trend.key == "onbekend"
    assert lines["Hennepkwekerijen"].trend.label == "onbekend"
    q1 = {i.text: i for _, i in dr.build(Y, 1).indicator_lines}["Meldingen Veilig Thuis"]
    assert (q1.current, q1.compared_with, q1.trend.key) == (10, 8, "stijgend")


def test_the_quarter_filter(world):
    q1, q2 = dr.build(Y, 1), dr.build(Y, 2)
    a1, a2 = rows(q1)[world["A"]], rows(q2)[world["A"]]
    assert q1.period.label == f"1e kwartaal {Y}"
    assert (a1.topics_opened.text, a2.topics_opened.text) == ("5", "minder dan 5")
    assert (a1.topics_closed.value, a2.topics_closed.value) == (1, 4)
    assert (a1.escalations_up.value, a2.escalations_up.value) == (5, 0)
    assert (a1.decisions.value, a2.decisions.value) == (3, 2)
    # the actions that ran in the first quarter, as they stood on 31 March
    assert (a1.actions_open.value, a1.actions_overdue.value, a1.actions_done.value) == (7, 1, 0)
    # the measures on 31 March: two still planned, one lopend; one over its date; one stopped
    assert (
        a1.measures_open.value,
        a1.measures_overdue.value,
        a1.measures_done.value,
        a1.measures_stopped.value,
    ) == (3, 1, 0, 1)
    bodies = {b.code: b.held for b in q1.bodies}
    assert (bodies["tvo"], bodies["driehoek"]) == (1, 1)
    assert rows(q1)[world["A"]].signals.received.value == 6
    assert q1.period.as_of_date == date(Y, 3, 31)


def test_the_number_of_queries_does_not_grow_with_the_data(world, count_queries):
    with count_queries() as small:
        dr.build(Y)
    more = build_more(world)
    assert more
    db.session.expire_all()
    with count_queries() as large:
        report = dr.build(Y)
    assert rows(report)[world["A"]].topics_opened.value == 6 + more
    assert large.count == small.count, (small.count, large.count)
    # the plan with its priorities (8), the figures (10), and per begun quarter the five
    # counts a year's figure is checked against (overleg/domain/report.py, ADDITIVE)
    assert small.count <= 18 + 4 * 5


def build_more(world) -> int:
    A = db.session.get(Theme, world["A"])
    n = 12
    for i in range(n):
        t = make_topic("tvo", A, at(6, 1 + i))
        item = topic_item(world["tvo"][1], t)
        make_decision(world["tvo"][1], item)
        make_action(world["tvo"][1], item, due=date(Y, 7, 1))
        make_escalation(t, "tvo", "driehoek", "up", at(6, 2), target=world["dri"][1])
        make_signal(A, at(6, 3), "onderwerp", at(6, 4), topic=t)
        make_measure(t, at(6, 5), notes=[(date(Y, 7, 1), "lopend")])
    db.session.commit()
    return n


# --- who may see it ---------------------------------------------------------------------------


def sits_in(email: str, code: str, month: int = 4):
    make_meeting(code, date(Y, month, 1), participants=[(person(email), "member")])


def test_the_secretary_and_driehoek_members_see_it_others_not(app, world):
    url = f"/jaarplan/{Y}/voortgang"
    sits_in("burgemeester@example.org", "driehoek")
    sits_in("wijkagent@example.org", "ovo")
    for email in ("oov@example.org", "burgemeester@example.org", "beheerder@example.org"):
        resp = demo_client(app, email).get(url)
        assert resp.status_code == 200, email
        assert "Voortgang jaarplan" in resp.get_data(as_text=True)
    # a participant of the OVO only: not found, as anything one may not see
    resp = demo_client(app, "wijkagent@example.org").get(url)
    assert resp.status_code == 404
    assert "Voortgang jaarplan" not in resp.get_data(as_text=True)
    for suffix in (".pdf", ".csv"):
        assert demo_client(app, "wijkagent@example.org").get(url + suffix).status_code == 404
    plan_page = f"/jaarplan/{Y}"
    assert url in demo_client(app, "burgemeester@example.org").get(plan_page).get_data(as_text=True)
    other = demo_client(app, "wijkagent@example.org").get(plan_page)
    assert other.status_code == 200 and url not in other.get_data(as_text=True)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.headers["Location"]


def test_a_concept_plan_is_reported_on_to_staff_only(app):
    version = dp.new_plan(Y)
    dp.add_priority(version, dp.PriorityData("Geweld", "Huiselijk geweld", "Aanpak"))
    db.session.commit()
    sits_in("burgemeester@example.org", "driehoek")
    url = f"/jaarplan/{Y}/voortgang"
    assert demo_client(app, "burgemeester@example.org").get(url).status_code == 404
    assert demo_client(app, "oov@example.org").get(url).status_code == 200


# --- the page ---------------------------------------------------------------------------------


def test_the_page_with_charts_tables_and_text_alternatives(app, world):
    sec = demo_client(app, "oov@example.org")
    resp = sec.get(f"/jaarplan/{Y}/voortgang")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f"Voortgang jaarplan {Y}" in page and "Het hele jaar" in page
    assert "minder dan 5" in page and "niet getoond" in page
    # every chart is an image with a title and a description, and a table of its figures
    charts = page.count("<svg ")
    assert charts >= 8
    assert page.count('role="img"') == charts
    assert page.count("<title id=") == charts and page.count("<desc id=") == charts
    assert page.count("Cijfers bij de grafiek") == charts
    assert (
        "Staafdiagram Onderwerpen per prioriteit. Geweld: Huiselijk geweld: geopend niet getoond, "
        "afgesloten 5" in (page)
    )
    # readable without colour: patterns and a label on every bar
    assert 'fill="url(#grafiek-onderwerpen-hatch)"' in page
    assert ">afgesloten</text>" in page
    assert " style=" not in page and "<style" not in page  # the CSP forbids inline style
    # no case content: the report names no topic
    assert "Onderwerp" not in page.replace("Onderwerpen", "").replace("Onderwerp gemaakt", "")
    # the period links and the downloads
    assert f'href="/jaarplan/{Y}/voortgang?kwartaal=4"' in page
    assert f'href="/jaarplan/{Y}/voortgang.pdf"' in page
    assert f'href="/jaarplan/{Y}/voortgang.csv"' in page


def test_the_plan_page_links_to_the_report(app, world):
    page = demo_client(app, "oov@example.org").get(f"/jaarplan/{Y}").get_data(as_text=True)
    assert f'href="/jaarplan/{Y}/voortgang"' in page


def test_a_quarter_page(app, world):
    page = demo_client(app, "oov@example.org").get(f"/jaarplan/{Y}/voortgang?kwartaal=1")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"1e kwartaal {Y}" in text and 'aria-current="page">1e kwartaal' in text


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (f"/jaarplan/{Y}/voortgang?kwartaal=5", 400, "Kies kwartaal 1, 2, 3 of 4"),
        (f"/jaarplan/{Y}/voortgang?kwartaal=een", 400, "Kies kwartaal 1, 2, 3 of 4"),
        (f"/jaarplan/{Y}/voortgang.pdf?kwartaal=0", 400, "Kies kwartaal 1, 2, 3 of 4"),
        (f"/jaarplan/{Y}/voortgang.csv?kwartaal=-1", 400, "Kies kwartaal 1, 2, 3 of 4"),
        # a digit for str.isdigit that int() does not read (superscript two): was a 500
        (f"/jaarplan/{Y}/voortgang?kwartaal=%C2%B2", 400, "Kies kwartaal 1, 2, 3 of 4"),
        (f"/jaarplan/{Y}/voortgang?kwartaal=%D9%A3", 400, "Kies kwartaal 1, 2, 3 of 4"),
        (f"/jaarplan/{Y - 5}/voortgang", 404, f"Er is geen jaarplan voor {Y - 5}."),
        (f"/jaarplan/{Y - 5}/voortgang.pdf", 404, f"Er is geen jaarplan voor {Y - 5}."),
    ],
)
def test_a_bad_year_or_quarter_is_refused_in_dutch(app, world, url, status, message):
    resp = demo_client(app, "oov@example.org").get(url)
    assert resp.status_code == status
    assert message in resp.get_data(as_text=True)
    # not a dead end: a link on to the plans or to the whole year's report
    back = f"/jaarplan/{Y}/voortgang" if status == 400 else "/jaarplan"
    assert f'href="{back}"' in resp.get_data(as_text=True)


def test_a_quarter_not_yet_begun_is_refused_in_dutch(app, world):
    year = today_local().year + 1
    version = dp.new_plan(year)
    dp.add_priority(version, dp.PriorityData("Geweld", "Huiselijk geweld", "Aanpak"))
    db.session.commit()
    resp = demo_client(app, "oov@example.org").get(f"/jaarplan/{year}/voortgang?kwartaal=2")
    assert resp.status_code == 400
    assert f"Het 2e kwartaal van {year} is nog niet begonnen" in resp.get_data(as_text=True)
    # and its plan page offers no report yet (a plan of a year begun does: see above)
    page = demo_client(app, "oov@example.org").get(f"/jaarplan/{year}").get_data(as_text=True)
    assert "/voortgang" not in page and "Integraal Jaarplan Veiligheid" in page


# --- the PDF and the CSV ---------------------------------------------------------------------


def _struct_figures(reader) -> list[str]:
    """The /Alt of every /Figure in the structure tree."""
    out = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            out.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return out


def test_the_pdf_is_pdfa_with_tags_and_its_charts_have_text_alternatives(app, world):
    sec = demo_client(app, "oov@example.org")
    resp = sec.get(f"/jaarplan/{Y}/voortgang.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert f"evaluatie-jaarplan-{Y}.pdf" in resp.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(resp.data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).lower().startswith("nl")
    assert reader.metadata.title == f"Evaluatie jaarplan veiligheid {Y}"
    figures = _struct_figures(reader)
    assert len(figures) >= 8 and all(alt.startswith("Staafdiagram ") for alt in figures)
    assert any("Huiselijk geweld: geopend niet getoond, afgesloten 5" in alt for alt in figures)
    text = "\n".join(pdf_text(resp.data)).replace("\n", " ")
    assert f"Evaluatie jaarplan veiligheid {Y}" in text
    assert "minder dan 5" in text and "Aanwezigheid per organisatie" in text
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.event == "report_exported")
    ).one()
    assert event.object_ref == str(Y) and event.person_id == person("oov@example.org").id
    checked = pdfua_support.check_pdf("evaluatie jaarplan", resp.data, "ua")
    assert checked.errors == [], "\n".join(checked.errors)


def test_the_csv(app, world):
    resp = demo_client(app, "oov@example.org").get(f"/jaarplan/{Y}/voortgang.csv?kwartaal=1")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert f"evaluatie-jaarplan-{Y}-k1.csv" in resp.headers["Content-Disposition"]
    lines = list(
        csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert (
        tuple(lines[0])
        == dr.CSV_HEADER
        == (
            "jaar",
            "kwartaal",
            "onderdeel",
            "cluster",
            "prioriteit",
            "overleg",
            "organisatie",
            "indicator",
            "cijfer",
            "waarde",
        )
    )
    body = [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]
    assert all(r["jaar"] == str(Y) and r["kwartaal"] == "1" for r in body)

    def value(**where):
        found = [r["waarde"] for r in body if all(r[k] == v for k, v in where.items())]
        assert len(found) == 1, (where, found)
        return found[0]

    assert value(onderdeel="onderwerpen", prioriteit="Huiselijk geweld", cijfer="geopend") == "5"
    assert (
        value(onderdeel="onderwerpen", prioriteit="Huiselijk geweld", cijfer="afgesloten")
        == "minder dan 5"
    )
    assert (
        value(onderdeel="vergaderingen", overleg="Tactisch Veiligheidsoverleg", cijfer="gehouden")
        == "1"
    )
    assert (
        value(
            onderdeel="aanwezigheid",
            overleg="Tactisch Veiligheidsoverleg",
            organisatie="Gemeente Midden-Groningen",
            cijfer="aanwezig",
        )
        == "1"
    )
    assert (
        value(
            onderdeel="indicatoren",
            indicator=f"I-{_lineage()} Meldingen Veilig Thuis",
            cijfer=f"K1 {Y}",
        )
        == "10"
    )
    assert value(onderdeel="wachttijd", overleg="Opschalingen", cijfer="gemaakt") == "5"
    assert value(onderdeel="maatregelen", prioriteit="Huiselijk geweld", cijfer="open") == (
        "minder dan 5"
    )


def _lineage() -> int:
    from overleg.models import PlanIndicator

    return db.session.scalar(
        select(PlanIndicator.id).where(PlanIndicator.text == "Meldingen Veilig Thuis")
    )


def test_a_year_figure_that_gives_a_quarter_away_is_withheld(world):
    """The year's report and its quarters' reports side by side: a year's 6 topics opened
    with 5 in the 1st quarter, none in the 3rd and 4th, would tell the 2nd quarter's "minder
    dan 5" is 1. Such a year figure is withheld; one that tells nothing stays."""
    year = rows(dr.build(Y))[world["A"]]
    quarters = [rows(dr.build(Y, q))[world["A"]] for q in dr.begun_quarters(Y)]
    assert [q.topics_opened.text for q in quarters] == ["5", "minder dan 5", "0", "0"]
    assert (year.topics_opened.value, year.topics_opened.text) == (6, "niet getoond")
    # positive control: 7 decisions over three quarters of "minder dan 5" pin none of them
    assert [q.decisions.text for q in quarters].count("minder dan 5") == 3
    assert year.decisions.text == "7"
