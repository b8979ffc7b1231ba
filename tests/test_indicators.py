"""Indicator figures: per indicator and quarter a value, source, date of delivery and note;
a quarter imported from CSV with every refused line reported; earlier years beside them,
also after the plan was copied to a new year."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from overleg.domain import indicators as di
from overleg.domain import plan as dp
from overleg.extensions import db
from overleg.models import IndicatorFigure
from overleg.timeutil import today_local
from tests.conftest import DEMO_PASSWORD, get_page, login

pytestmark = pytest.mark.usefixtures("seeded")


def _plans():
    year = today_local().year
    last = dp.new_plan(year - 1)
    dp.add_priority(
        last,
        dp.PriorityData(
            "Geweld",
            "Huiselijk geweld",
            "Aanpak huiselijk geweld",
            indicators=["Aantal meldingen Veilig Thuis", "Aantal huisverboden"],
        ),
    )
    dp.mark_adopted_before(last, datetime(year - 1, 2, 1, 12), "Vastgesteld")
    current = dp.copy_to_year(year)
    db.session.commit()
    return last, current


def test_figures_keep_their_line_across_years():
    last, current = _plans()
    old, new = last.priorities[0].indicators[0], current.priorities[0].indicators[0]
    assert new.id != old.id and new.lineage == old.lineage == old.id
    di.record_figure(old, last.plan.year, 2, value="41", source="Veilig Thuis")
    di.record_figure(
        new, current.plan.year, 2, value="1.234,5", delivered="15-07-2026", note="Voorlopig"
    )
    db.session.commit()
    found = di.figures([new.lineage])
    assert found[(old.id, last.plan.year, 2)].value == Decimal("41.00")
    figure = found[(old.id, current.plan.year, 2)]
    assert figure.value_text == "1234,5" and figure.delivered_on == date(2026, 7, 15)
    # recording again replaces
    di.record_figure(new, current.plan.year, 2, value="12")
    db.session.commit()
    assert db.session.scalar(select(func.count(IndicatorFigure.id))) == 2
    for bad, message in [("", "Vul een waarde in"), ("veel", "geen getal"), ("NaN", "bruikbaar")]:
        with pytest.raises(di.FigureError, match=message):
            di.record_figure(new, current.plan.year, 3, value=bad)
    with pytest.raises(di.FigureError, match="geen datum"):
        di.record_figure(new, current.plan.year, 3, value="1", delivered="31-02-2026")
    with pytest.raises(di.FigureError, match="kwartaal"):
        di.record_figure(new, current.plan.year, 5, value="1")


def test_an_indicator_with_figures_is_not_removed():
    _last, current = _plans()
    priority = current.priorities[0]
    dp.update_priority(
        priority, heading=priority.heading, texts={}, indicators=["A", "B", "Nieuw"], partner_ids=[]
    )
    db.session.flush()
    di.record_figure(priority.indicators[2], current.plan.year, 1, value="3")
    with pytest.raises(dp.PlanError, match="heeft al cijfers"):
        dp.update_priority(
            priority, heading=priority.heading, texts={}, indicators=["A", "B"], partner_ids=[]
        )


CSV = (
    "code;indicator;waarde;bron;geleverd;toelichting\r\n"
    "{a};Aantal meldingen;52;Veilig Thuis;03-10-2026;\r\n"
    "{b};;veel;;;\r\n"
    "I-999999;Onbekend;3;;;\r\n"
    "{a};Dubbel;4;;;\r\n"
    ";;;;;\r\n"
    "{b};;1;;32-13-2026;\r\n"
    "{b};Aantal huisverboden;7,5;Politie;;half\r\n"
)


def test_a_quarter_is_imported_from_csv_with_refused_lines_reported():
    _last, current = _plans()
    a, b = (di.code_of(i) for i in current.priorities[0].indicators)
    data = CSV.format(a=a, b=b).encode("utf-8-sig")
    report = di.import_csv(current, current.plan.year, 3, data)
    db.session.commit()
    assert report.accepted == 2
    assert report.refused == [
        (3, "‘veel’ is geen getal."),
        (4, "onbekende indicator ‘I-999999’"),
        (5, f"indicator {a} staat al eerder in het bestand"),
        (7, "‘32-13-2026’ is geen datum (gebruik dd-mm-jjjj)."),
    ]
    values = sorted(f.value for f in db.session.scalars(select(IndicatorFigure)))
    assert values == [Decimal("7.50"), Decimal("52.00")]
    with pytest.raises(di.FigureError, match="code"):
        di.import_csv(current, current.plan.year, 3, b"a,b\n1,2\n")
    with pytest.raises(di.FigureError, match="leeg"):
        di.import_csv(current, current.plan.year, 3, b"")
    with pytest.raises(di.FigureError, match="geen tekstbestand"):
        di.import_csv(current, current.plan.year, 3, b"%PDF\x00\x01")


def test_the_indicator_page_enters_a_quarter_and_shows_earlier_years(app):
    last, current = _plans()
    old = last.priorities[0].indicators[0]
    di.record_figure(old, last.plan.year, 1, value="41")
    db.session.commit()
    year = current.plan.year
    sec = app.test_client()
    assert login(sec, "oov@example.org", DEMO_PASSWORD).status_code == 302
    page = get_page(sec, f"/jaarplan/{year}/indicatoren?kwartaal=1")
    assert f"K1 {year - 1}" in page and ">41<" in page and "Aantal huisverboden" in page
    new = current.priorities[0].indicators
    resp = sec.post(
        f"/jaarplan/{year}/indicatoren?kwartaal=1",
        data={f"waarde-{new[0].id}": "44", f"bron-{new[0].id}": "Veilig Thuis"},
    )
    assert resp.status_code == 302
    assert 'value="44"' in get_page(sec, f"/jaarplan/{year}/indicatoren?kwartaal=1")
    resp = sec.post(
        f"/jaarplan/{year}/indicatoren?kwartaal=1", data={f"waarde-{new[1].id}": "veel"}
    )
    assert resp.status_code == 400 and "‘veel’ is geen getal." in resp.get_data(as_text=True)
    # the template names every indicator; an import reports its refused lines
    template = sec.get(f"/jaarplan/{year}/indicatoren/sjabloon.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    assert di.code_of(new[1]) in template.get_data(as_text=True)
    data = CSV.format(a=di.code_of(new[0]), b=di.code_of(new[1])).encode()
    resp = sec.post(
        f"/jaarplan/{year}/indicatoren/import",
        data={"kwartaal": "2", "bestand": (io.BytesIO(data), "k2.csv")},
        content_type="multipart/form-data",
    )
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "2 regels ingelezen, 4 geweigerd" in text and "Regel 4: onbekende indicator" in text
    resp = sec.post(f"/jaarplan/{year}/indicatoren/import", data={"kwartaal": "2"})
    assert resp.status_code == 400 and "Kies een CSV-bestand" in resp.get_data(as_text=True)
    # participants: not for them
    member = app.test_client()
    assert login(member, "specialist@example.org", DEMO_PASSWORD).status_code == 302
    assert member.get(f"/jaarplan/{year}/indicatoren").status_code == 403
