"""The social index of the districts: the active index definition, and the index computed
from the stored values with it (the method itself is in :mod:`.social_index`).

Services flush, never commit; the route or CLI command commits once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from sqlalchemy import func, select

from ..core.audit import record
from ..districts.models import District
from ..extensions import db
from .catalogue import CHANGE_UNIT, POPULATION_CODE
from .models import IndexDefinition, Indicator, IndicatorValue
from .social_index import DYNAMIC_CLASSES, STATUS_CLASSES, IndexResult, compute_index


def active_definition() -> IndexDefinition | None:
    return db.session.scalar(
        select(IndexDefinition).where(IndexDefinition.active.is_(True)).order_by(IndexDefinition.id)
    )


@dataclass
class SocialIndex:
    definition: IndexDefinition
    year: int | None
    years: list[int]
    result: IndexResult | None
    indicators: dict[str, Indicator]
    districts: list[tuple[int, str, str]]  # id, number, name
    synthetic: bool
    #: Years in which a status indicator has values for fewer districts than in its fullest year.
    incomplete_years: list[int] = field(default_factory=list)

    @property
    def by_number(self):
        return self.result.by_id() if self.result else {}

    @property
    def left_out(self) -> dict[str, str]:
        return {item.id: item.reason for item in self.result.left_out} if self.result else {}


def index_years(definition: IndexDefinition) -> list[int]:
    return sorted(_index_coverage(definition))


def _index_coverage(definition: IndexDefinition) -> dict[int, bool]:
    """The years in which every status indicator has values -> whether each of them covers all
    the districts it covers in its fullest year (one query)."""
    codes = list(definition.status_codes or [])
    if not codes:
        return {}
    rows = db.session.execute(
        select(
            Indicator.code, IndicatorValue.year, func.count(IndicatorValue.district_id.distinct())
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code.in_(codes))
        .group_by(Indicator.code, IndicatorValue.year)
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for code, year, count in rows:
        counts[code][year] = count
    common = set.intersection(*(set(counts.get(c, {})) for c in codes))
    expected = {c: max(counts[c].values()) for c in codes if counts.get(c)}
    return {year: all(counts[c][year] >= expected[c] for c in codes) for year in sorted(common)}


def social_index(definition: IndexDefinition, year: int | None = None) -> SocialIndex:
    """Compute the index of ``definition`` for ``year`` (default: the latest) from stored values.

    Dynamics use the change over ``change_years`` years, computed from the stored values; an
    indicator whose unit is :data:`CHANGE_UNIT` already holds changes and is taken as given.
    Dynamics are left out for a year whose earlier year has no values at all.
    """
    coverage = _index_coverage(definition)
    years = list(coverage)
    incomplete = [y for y, complete in coverage.items() if not complete]
    if year is None or year not in coverage:  # the latest complete year, else the latest
        year = next((y for y in reversed(years) if coverage[y]), years[-1] if years else None)
    status = tuple(definition.status_codes or ())
    dynamic = tuple(definition.dynamic_codes or ())
    codes = sorted({*status, *dynamic, POPULATION_CODE})
    indicators = {
        i.code: i for i in db.session.scalars(select(Indicator).where(Indicator.code.in_(codes)))
    }
    districts = list(
        db.session.execute(
            select(District.id, District.number, District.name).order_by(District.number)
        )
    )
    if year is None or not status or any(code not in indicators for code in status + dynamic):
        return SocialIndex(definition, year, years, None, indicators, districts, False, incomplete)
    earlier = year - definition.change_years
    rows = db.session.execute(
        select(
            Indicator.code, IndicatorValue.district_id, IndicatorValue.year, IndicatorValue.value
        )
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code.in_(codes), IndicatorValue.year.in_([year, earlier]))
    )
    values: dict[tuple[str, int, int], float] = {}
    for code, district_id, value_year, value in rows:
        values[code, district_id, value_year] = value
    given = {code for code in dynamic if indicators[code].unit == CHANGE_UNIT}
    with_dynamic = bool(dynamic) and (
        all(code in given for code in dynamic) or any(key[2] == earlier for key in values)
    )
    area_rows = []
    for district_id, number, _name in districts:
        row: dict[str, object] = {"id": number}
        for code in status:
            row[code] = values.get((code, district_id, year))
        if with_dynamic:
            for code in dynamic:
                if code in given:
                    row["d_" + code] = values.get((code, district_id, year))
                    continue
                now, before = (
                    values.get((code, district_id, year)),
                    values.get((code, district_id, earlier)),
                )
                row["d_" + code] = None if now is None or before is None else now - before
        if POPULATION_CODE in indicators:
            row[POPULATION_CODE] = values.get((POPULATION_CODE, district_id, year))
        area_rows.append(row)
    directions = {code: indicators[code].direction or 1 for code in status}
    if with_dynamic:
        directions.update({"d_" + code: indicators[code].direction or 1 for code in dynamic})
    result = compute_index(
        area_rows,
        id_key="id",
        status=status,
        dynamic=tuple("d_" + c for c in dynamic) if with_dynamic else (),
        population_key=POPULATION_CODE if POPULATION_CODE in indicators else None,
        min_population=definition.min_population,
        excluded=definition.excluded or (),
        directions=directions,
    )
    synthetic = any(indicators[c].synthetic for c in status + dynamic)
    return SocialIndex(
        definition, year, years, result, indicators, districts, synthetic, incomplete
    )


def status_label(number: int | None) -> str:
    if number is None:
        return ""
    german, english = STATUS_CLASSES[number]
    return german if str(get_locale()) == "de" else english


def dynamic_label(number: int | None) -> str:
    if number is None:
        return ""
    german, english = DYNAMIC_CLASSES[number]
    return german if str(get_locale()) == "de" else english


def save_definition(actor: Any, definition: IndexDefinition, data: dict) -> IndexDefinition:
    before = {
        "status": definition.status_codes,
        "dynamic": definition.dynamic_codes,
        "change_years": definition.change_years,
        "min_population": definition.min_population,
        "excluded": definition.excluded,
    }
    definition.name = data["name"]
    definition.status_codes = list(data["status_codes"])
    definition.dynamic_codes = list(data["dynamic_codes"])
    definition.change_years = data["change_years"]
    definition.min_population = data["min_population"]
    definition.excluded = list(data["excluded"])
    db.session.flush()
    record(
        actor,
        "indicators.index_definition_changed",
        "index_definition",
        definition.id,
        before=before,
        after={
            "status": definition.status_codes,
            "dynamic": definition.dynamic_codes,
            "change_years": definition.change_years,
            "min_population": definition.min_population,
            "excluded": definition.excluded,
        },
    )
    return definition
