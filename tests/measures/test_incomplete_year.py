"""The measure page's indicator chart draws the city average over complete years only."""

from __future__ import annotations

from app.extensions import db
from app.indicators.models import IndicatorValue
from app.measures import page
from app.measures.listing import with_parts


def test_no_city_average_for_a_year_with_only_some_districts(make_measure, indicators, districts):
    sgb2 = indicators["sgb2_rate"]
    # 2022 for district 23 only; 2019-2021 cover 23, 24 and 05.
    db.session.add(
        IndicatorValue(indicator_id=sgb2.id, district_id=districts["23"].id, year=2022, value=99.0)
    )
    db.session.commit()
    measure = make_measure(indicators=[(sgb2.id, "down")])
    row = with_parts([measure])[0]
    (target,) = page.target_series(row, "Moskauer Platz")
    assert [y for y, _v in target.series] == [2019, 2020, 2021, 2022]
    assert [y for y, _v in target.average] == [2019, 2020, 2021]
    assert target.table()[-1] == (2022, 99.0, None)


def test_the_city_average_of_complete_years_is_kept(make_measure, indicators):
    measure = make_measure(indicators=[(indicators["sgb2_rate"].id, "down")])
    row = with_parts([measure])[0]
    (target,) = page.target_series(row, "Moskauer Platz")
    # Plain mean over 23 (20), 24 (10) and 05 (5) in 2019, rising by one a year.
    assert target.average == [(2019, 35 / 3), (2020, 38 / 3), (2021, 41 / 3)]
