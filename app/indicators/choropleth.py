"""Choropleth maps: one indicator's values of all districts in quantile classes with their
colours, the colours of the social index classes, and GeoJSON joined to the district shapes."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..districts.models import District
from ..districts.services import districts_geojson
from ..extensions import db
from .catalogue import RATE_UNITS
from .models import Indicator
from .values import (
    city_average,
    default_year,
    expected_districts,
    population_by_district,
    ranks,
    values_by_district,
    year_coverage,
)

#: Colours of the five value classes of the indicator map (light to dark).
VALUE_COLOURS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
#: Colours of the status classes 1-4 and of districts without an index.
STATUS_COLOURS = {1: "#e5f5e0", 2: "#fff7bc", 3: "#fd8d3c", 4: "#a50f15", None: "#bdbdbd"}
DYNAMIC_COLOURS = {1: "#e5f5e0", 2: "#fff7bc", 3: "#a50f15", None: "#bdbdbd"}


def class_breaks(values: Sequence[float], classes: int = 5) -> list[float]:
    """Upper bounds of quantile classes (the last is the maximum); duplicates removed."""
    if not values:
        return []
    ordered = sorted(values)
    n = len(ordered)
    breaks = []
    for k in range(1, classes + 1):
        value = ordered[min(n - 1, math.ceil(k * n / classes) - 1)]
        if not breaks or value > breaks[-1]:
            breaks.append(value)
    return breaks


def class_of(value: float | None, breaks: Sequence[float]) -> int | None:
    if value is None:
        return None
    for index, upper in enumerate(breaks):
        if value <= upper:
            return index
    return len(breaks) - 1


@dataclass
class MapRow:
    number: str
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    rank: int | None
    class_index: int | None
    batch_id: int | None = None


@dataclass
class IndicatorMap:
    indicator: Indicator
    year: int | None
    years: list[int]
    rows: list[MapRow]
    breaks: list[float]
    average: float | None
    #: Year -> number of districts with a value.
    coverage: dict[int, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        """How many districts a complete year has."""
        return expected_districts(self.coverage)

    @property
    def covered(self) -> int:
        """How many districts have a value in the shown year."""
        return self.coverage.get(self.year, 0) if self.year is not None else 0

    @property
    def complete(self) -> bool:
        return self.year is not None and self.covered >= self.expected

    @property
    def incomplete_years(self) -> list[int]:
        expected = self.expected
        return [year for year, count in self.coverage.items() if count < expected]

    @property
    def legend(self) -> list[tuple[str, float | None, float]]:
        """(colour, lower bound exclusive or None, upper bound inclusive) per class."""
        colours = palette(len(self.breaks))
        lower: float | None = None
        result = []
        for colour, upper in zip(colours, self.breaks, strict=True):
            result.append((colour, lower, upper))
            lower = upper
        return result


def palette(n: int) -> tuple[str, ...]:
    if n <= 0:
        return ()
    if n >= len(VALUE_COLOURS):
        return VALUE_COLOURS
    step = (len(VALUE_COLOURS) - 1) / max(n - 1, 1)
    return tuple(VALUE_COLOURS[round(i * step)] for i in range(n))


def indicator_map(indicator: Indicator, year: int | None) -> IndicatorMap:
    """Values of all districts for one indicator and year, with ranks and quantile classes."""
    coverage = year_coverage(indicator.id)
    years = list(coverage)
    if year is None or year not in coverage:
        year = default_year(coverage)
    districts = db.session.execute(
        select(District.id, District.number, District.name).order_by(District.number)
    ).all()
    stored = values_by_district(indicator.id, year) if year is not None else {}
    values = {d: v.value for d, v in stored.items()}
    rank_of = ranks(values)
    breaks = class_breaks(list(values.values()))
    rows = []
    for district_id, number, name in districts:
        item = stored.get(district_id)
        rows.append(
            MapRow(
                number,
                name,
                item.value if item else None,
                item.numerator if item else None,
                item.denominator if item else None,
                rank_of.get(district_id),
                class_of(item.value if item else None, breaks),
                item.batch_id if item else None,
            )
        )
    population = (
        population_by_district(year) if year is not None and indicator.unit in RATE_UNITS else {}
    )
    average = city_average(indicator, values, population)
    return IndicatorMap(indicator, year, years, rows, breaks, average, coverage)


# --- GeoJSON joined to the district shapes ---------------------------------------------------

_SHAPES_KEY = "indicators.shapes"


def _district_shapes() -> dict[str, str]:
    """District number -> geometry as a JSON string, parsed once per process from the browser
    GeoJSON of the districts domain."""
    source = districts_geojson()
    cached = current_app.extensions.get(_SHAPES_KEY)
    if cached is None or cached[0] is not source:
        features = json.loads(source)["features"]
        shapes = {
            f["properties"]["number"]: json.dumps(f["geometry"], separators=(",", ":"))
            for f in features
        }
        cached = current_app.extensions[_SHAPES_KEY] = (source, shapes)
    return cached[1]


def feature_collection(features: Iterable[tuple[str, dict]], extra: dict | None = None) -> str:
    """A FeatureCollection of the given (district number, properties) joined to the shapes."""
    shapes = _district_shapes()
    parts = [
        '{"type":"Feature","properties":'
        + json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
        + ',"geometry":'
        + shapes[number]
        + "}"
        for number, properties in features
        if number in shapes
    ]
    head = '{"type":"FeatureCollection",'
    if extra:
        head += json.dumps(extra, ensure_ascii=False, separators=(",", ":"))[1:-1] + ","
    return head + '"features":[' + ",".join(parts) + "]}"
