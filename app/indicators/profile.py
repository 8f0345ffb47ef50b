"""The district profile: every indicator's series for one district beside the city average,
its rank, its linked inputs and the participation per 1,000 inhabitants."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..districts.models import District
from ..extensions import db
from . import registry
from .catalogue import POPULATION_CODE, list_indicators
from .links import links_for_district
from .models import ImportBatch, Indicator, IndicatorValue
from .values import city_average, coverage_of, expected_districts, ranks


@dataclass
class ProfileRow:
    indicator: Indicator
    series: list[tuple[int, float]]
    average: list[tuple[int, float]]
    latest_year: int | None
    latest: float | None
    rank: int | None
    ranked: int
    links: list[dict]
    batch: ImportBatch | None = None  # provenance of the latest value
    #: Year -> number of districts with a value, and how many a complete year has.
    coverage: dict[int, int] = field(default_factory=dict)
    expected: int = 0

    @property
    def incomplete_years(self) -> set[int]:
        return {year for year, count in self.coverage.items() if count < self.expected}


@dataclass
class Participation:
    kind: str
    label: Any
    available: bool
    count: int | None = None
    per_1000: float | None = None


def district_profile(district: District) -> list[ProfileRow]:
    """Every indicator's series for the district, with the city average and the latest rank
    (two queries for all indicators, plus the links)."""
    indicators = list_indicators()
    rows = db.session.execute(
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.district_id,
            IndicatorValue.year,
            IndicatorValue.value,
            IndicatorValue.batch_id,
        )
    )
    by_indicator: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    own_batches: dict[tuple[int, int], int | None] = {}
    for indicator_id, district_id, year, value, batch_id in rows:
        by_indicator[indicator_id][year][district_id] = value
        if district_id == district.id:
            own_batches[indicator_id, year] = batch_id
    population_indicator = next((i for i in indicators if i.code == POPULATION_CODE), None)
    population = by_indicator.get(population_indicator.id, {}) if population_indicator else {}
    links = links_for_district(district)
    profile: list[ProfileRow] = []
    for indicator in indicators:
        years = by_indicator.get(indicator.id, {})
        series = [(y, years[y][district.id]) for y in sorted(years) if district.id in years[y]]
        coverage = coverage_of(years)
        expected = expected_districts(coverage)
        average = []
        for year in sorted(years):
            if coverage[year] < expected:
                continue  # no city average over only some of the districts
            mean = city_average(indicator, years[year], population.get(year, {}))
            if mean is not None:
                average.append((year, mean))
        latest_year = series[-1][0] if series else None
        rank = None
        ranked = 0
        if latest_year is not None:
            rank = ranks(years[latest_year]).get(district.id)
            ranked = len(years[latest_year])
        profile.append(
            ProfileRow(
                indicator,
                series,
                average,
                latest_year,
                series[-1][1] if series else None,
                rank,
                ranked,
                links.get(indicator.id, []),
                coverage=coverage,
                expected=expected,
            )
        )
    latest_batches = {
        row.indicator.id: own_batches.get((row.indicator.id, row.latest_year))
        for row in profile
        if row.latest_year is not None
    }
    wanted = {b for b in latest_batches.values() if b is not None}
    batches = (
        {b.id: b for b in db.session.scalars(select(ImportBatch).where(ImportBatch.id.in_(wanted)))}
        if wanted
        else {}
    )
    for row in profile:
        row.batch = batches.get(latest_batches.get(row.indicator.id))
    return profile


def latest_population(district: District) -> float | None:
    return db.session.scalar(
        select(IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code == POPULATION_CODE, IndicatorValue.district_id == district.id)
        .order_by(IndicatorValue.year.desc())
        .limit(1)
    )


def participation(district: District, population: float | None) -> list[Participation]:
    """Inputs per 1,000 inhabitants for the registered input types; the expected kinds that are
    not registered yet are listed as not available."""
    labels = {
        "proposal": _l("Proposals"),
        "need": _l("Local needs"),
        "barrier": _l("Barrier reports"),
    }
    result = []
    registered = {t.kind: t for t in registry.input_types()}
    kinds = list(registry.EXPECTED_KINDS) + [k for k in registered if k not in labels]
    for kind in kinds:
        input_type = registered.get(kind)
        if input_type is None:
            result.append(Participation(kind, labels[kind], False))
            continue
        count = input_type.counter(None).get(district.id, 0)
        per_1000 = count * 1000.0 / population if population else None
        result.append(Participation(kind, input_type.label, True, count, per_1000))
    return result
