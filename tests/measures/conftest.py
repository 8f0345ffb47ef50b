"""Fixtures of the measure tests: two indicators with values, offices, a measure factory
that goes through the service."""

from __future__ import annotations

import pytest

from app.accounts.models import Office
from app.extensions import db
from app.indicators.models import Indicator, IndicatorValue
from app.measures import services
from app.measures.services import MeasureData

ADMIN_LIST = "/verwaltung/massnahmen/"


@pytest.fixture
def offices(app) -> dict[str, Office]:
    return {o.slug: o for o in db.session.scalars(db.select(Office))}


@pytest.fixture
def planner(create_user):
    return create_user("planner", office="social-planning")


@pytest.fixture
def other_planner(create_user):
    return create_user("planner", office="urban-planning")


@pytest.fixture
def indicators(districts) -> dict[str, Indicator]:
    """``sgb2_rate`` and ``child_poverty`` with values 2019–2021 in districts 23, 24, 05."""
    made = {}
    for position, code in enumerate(("sgb2_rate", "child_poverty")):
        indicator = Indicator(
            code=code,
            name_de=f"{code} de",
            name_en=f"{code} en",
            unit="percent",
            topic="labour",
            direction=1,
            position=position,
        )
        db.session.add(indicator)
        db.session.flush()
        for number, base in (("23", 20.0), ("24", 10.0), ("05", 5.0)):
            for year in (2019, 2020, 2021):
                db.session.add(
                    IndicatorValue(
                        indicator_id=indicator.id,
                        district_id=districts[number].id,
                        year=year,
                        value=base + (year - 2019) + position,
                    )
                )
        made[code] = indicator
    db.session.commit()
    return made


@pytest.fixture
def measure_data(districts, offices):
    """``measure_data(**changes)`` → a valid :class:`MeasureData` (district 23, social
    planning, status "planned")."""

    def make(**changes) -> MeasureData:
        values = {
            "title": "Spielplatz in der Gera-Aue",
            "status_key": "planned",
            "description_de": "Ein neuer Spielplatz.",
            "office_ids": [offices["social-planning"].id],
            "district_ids": [districts["23"].id],
        }
        values.update(changes)
        return MeasureData(**values)

    return make


@pytest.fixture
def make_measure(measure_data, planner):
    def make(actor=None, **changes):
        measure = services.save_measure(actor or planner, None, measure_data(**changes))
        db.session.commit()
        return measure

    return make
