"""Stored indicator values: the districts, the years with values, values and inhabitants per
district, and the figures over them (city average, ranks)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select

from ..districts.models import District
from ..extensions import db
from .catalogue import POPULATION_CODE, RATE_UNITS
from .models import Indicator, IndicatorValue


def all_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.number)))


def years_with_values(indicator: Indicator) -> list[int]:
    years = db.session.scalars(
        select(IndicatorValue.year)
        .where(IndicatorValue.indicator_id == indicator.id)
        .distinct()
        .order_by(IndicatorValue.year)
    )
    return list(years)


def year_coverage(indicator_id: int) -> dict[int, int]:
    """Year -> number of districts with a value of the indicator, in year order."""
    rows = db.session.execute(
        select(IndicatorValue.year, func.count(IndicatorValue.district_id.distinct()))
        .where(IndicatorValue.indicator_id == indicator_id)
        .group_by(IndicatorValue.year)
        .order_by(IndicatorValue.year)
    )
    return dict(rows.all())


def coverage_of(values_by_year: dict[int, dict[int, float]]) -> dict[int, int]:
    """Year -> number of districts with a value, for values already loaded per year."""
    return {year: len(values_by_year[year]) for year in sorted(values_by_year)}


def expected_districts(coverage: dict[int, int]) -> int:
    """How many districts a complete year has: the most districts any year of the indicator
    covers (a year imported for only some districts never sets the bar)."""
    return max(coverage.values(), default=0)


def complete_years(coverage: dict[int, int]) -> list[int]:
    """The years in which every expected district has a value, in year order."""
    expected = expected_districts(coverage)
    return [year for year, count in coverage.items() if count >= expected]


def default_year(coverage: dict[int, int]) -> int | None:
    """The year shown when none is asked for: the latest complete year."""
    years = complete_years(coverage)
    return years[-1] if years else None


def values_by_district(indicator_id: int, year: int) -> dict[int, IndicatorValue]:
    rows = db.session.scalars(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator_id, IndicatorValue.year == year
        )
    )
    return {row.district_id: row for row in rows}


def population_by_district(year: int) -> dict[int, float]:
    """Inhabitants per district id in ``year`` (empty without an inhabitants indicator)."""
    rows = db.session.execute(
        select(IndicatorValue.district_id, IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code == POPULATION_CODE, IndicatorValue.year == year)
    )
    return dict(rows.all())


def city_average(indicator: Indicator, values: dict[int, float], population: dict[int, float]):
    """Average over the districts: weighted by inhabitants for rates, plain mean otherwise."""
    if not values:
        return None
    if indicator.unit in RATE_UNITS and population:
        pairs = [(v, population[d]) for d, v in values.items() if population.get(d)]
        weight = math.fsum(p for _, p in pairs)
        if weight > 0:
            return math.fsum(v * p for v, p in pairs) / weight
    return math.fsum(values.values()) / len(values)


def ranks(values: dict[Any, float]) -> dict[Any, int]:
    """Rank 1 = highest value; ties share the lowest rank."""
    ordered = sorted(values.values(), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[value] for key, value in values.items()}
