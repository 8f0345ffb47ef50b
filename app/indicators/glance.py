"""The district page's numbers at a glance: the social-index class with its plain-language
meaning and a few key indicators against the city (a fixed number of queries).

The key indicators are the active index definition's status indicators (what the index is made
of), filled up with the catalogue's first indicators to :data:`MIN_KEY`, at most
:data:`MAX_KEY`; the inhabitants are a count, not a figure to compare, and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..districts.models import District
from ..extensions import db
from . import district_index
from .catalogue import POPULATION_CODE, format_value, list_indicators
from .models import Indicator, IndicatorValue
from .values import city_average, coverage_of, expected_districts

MIN_KEY = 3
MAX_KEY = 5
#: Within this share of the city value a district counts as "about the same".
SAME_SHARE = 0.05

#: Status class -> what it means, in plain words (class 1: little disadvantage).
STATUS_MEANINGS = {
    1: _l("Fewer people here live in difficult social circumstances than in most districts."),
    2: _l("Social circumstances here are about average for the city."),
    3: _l("More people here live in difficult social circumstances than in most districts."),
    4: _l(
        "Many more people here live in difficult social circumstances than in most "
        "districts. The city pays special attention to this district."
    ),
}


@dataclass
class KeyFigure:
    indicator: Indicator
    year: int
    value: float
    city: float | None
    #: "above", "below", "same" (None without a city value)
    comparison: str | None
    #: bar lengths in per cent of the larger of the two values (0–100)
    bar: int = 0
    city_bar: int = 0

    @property
    def value_text(self) -> str:
        return format_value(self.indicator, self.value)

    @property
    def city_text(self) -> str:
        return format_value(self.indicator, self.city)


@dataclass
class Glance:
    year: int | None = None
    status_class: int | None = None
    status_label: str = ""
    meaning: str = ""
    rank: int | None = None
    ranked: int = 0
    synthetic: bool = False
    figures: list[KeyFigure] = field(default_factory=list)


def key_indicators(indicators: list[Indicator], status_codes: list[str]) -> list[Indicator]:
    by_code = {i.code: i for i in indicators if i.code != POPULATION_CODE}
    chosen = [by_code[c] for c in status_codes if c in by_code][:MAX_KEY]
    for indicator in by_code.values():
        if len(chosen) >= MIN_KEY:
            break
        if indicator not in chosen:
            chosen.append(indicator)
    return chosen


def _compare(value: float, city: float | None) -> str | None:
    if city is None:
        return None
    if abs(value - city) <= abs(city) * SAME_SHARE:
        return "same"
    return "above" if value > city else "below"


def _bars(value: float, city: float | None) -> tuple[int, int]:
    top = max(abs(value), abs(city or 0.0))
    if top == 0:
        return 0, 0
    return round(abs(value) * 100 / top), round(abs(city or 0.0) * 100 / top)


def district_glance(district: District) -> Glance:
    """The district's index class and key figures (the index's queries, the catalogue, and
    one query for the key indicators' values of all districts)."""
    glance = Glance()
    definition = district_index.active_definition()
    status_codes: list[str] = []
    if definition is not None:
        status_codes = list(definition.status_codes or [])
        index = district_index.social_index(definition)
        area = index.by_number.get(district.number)
        glance.year = index.year
        glance.synthetic = index.synthetic
        if area is not None:
            glance.status_class = area.status_class
            glance.status_label = district_index.status_label(area.status_class)
            glance.meaning = str(STATUS_MEANINGS.get(area.status_class, ""))
            glance.rank = area.rank
            glance.ranked = len(index.result.areas)
    indicators = list_indicators()
    chosen = key_indicators(indicators, status_codes)
    if not chosen:
        return glance
    population_ids = [i.id for i in indicators if i.code == POPULATION_CODE]
    rows = db.session.execute(
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.district_id,
            IndicatorValue.year,
            IndicatorValue.value,
        ).where(IndicatorValue.indicator_id.in_([i.id for i in chosen] + population_ids))
    )
    values: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, district_id, year, value in rows:
        values[indicator_id][year][district_id] = value
    population = values.get(population_ids[0], {}) if population_ids else {}
    for indicator in chosen:
        years = values.get(indicator.id, {})
        own = [y for y in sorted(years) if district.id in years[y]]
        if not own:
            continue
        year = own[-1]
        value = years[year][district.id]
        coverage = coverage_of(years)
        city = None
        if coverage[year] >= expected_districts(coverage):  # no average over a few districts
            city = city_average(indicator, years[year], population.get(year, {}))
        bar, city_bar = _bars(value, city)
        glance.figures.append(
            KeyFigure(indicator, year, value, city, _compare(value, city), bar, city_bar)
        )
    return glance
