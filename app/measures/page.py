"""What a measure's public page shows besides the measure: its linked inputs with their
public answers, and its target indicators' series for its districts beside the city average
(chart, table and text). A constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from ..core import content_types
from ..core.i18n import localized
from ..extensions import db
from ..indicators import catalogue, charts
from ..indicators.catalogue import POPULATION_CODE
from ..indicators.models import Indicator, IndicatorValue
from ..indicators.values import city_average
from ..responses import services as responses
from .listing import Row


@dataclass
class LinkedInput:
    kind_label: str
    title: str
    url: str | None
    reason: str
    answers: list[tuple[Any, str]]  # (response, badge)


def linked_inputs(row: Row) -> list[LinkedInput]:
    """The linked inputs the current person may see, with their public answers."""
    by_type: dict[str, list[int]] = defaultdict(list)
    for link in row.inputs:
        by_type[link.input_type].append(link.input_id)
    loaded: dict[tuple[str, int], Any] = {}
    for kind, ids in by_type.items():
        entry = content_types.get(kind)
        if entry is not None:
            for input_id, obj in entry.get_many(ids).items():
                loaded[(kind, input_id)] = obj
    answers = responses.responses_for_many(loaded.keys()) if loaded else {}
    found = []
    for link in row.inputs:
        obj = loaded.get((link.input_type, link.input_id))
        if obj is None:
            continue
        entry = content_types.get(link.input_type)
        found.append(
            LinkedInput(
                kind_label=str(entry.label),
                title=entry.title(obj),
                url=entry.url(obj),
                reason=link.reason,
                answers=[
                    (r, responses.badge(r))
                    for r in answers.get((link.input_type, link.input_id), [])
                ],
            )
        )
    return found


@dataclass
class TargetSeries:
    indicator: Indicator
    direction: str
    series: list[tuple[int, float]]  # the measure's districts
    average: list[tuple[int, float]]  # the city
    chart: Markup
    description: str

    def table(self) -> list[tuple[int, float | None, float | None]]:
        mine, city = dict(self.series), dict(self.average)
        return [(y, mine.get(y), city.get(y)) for y in sorted(set(mine) | set(city))]


def target_series(row: Row, area_label: str) -> list[TargetSeries]:
    """Each target indicator's series: the measure's districts together (weighted by
    inhabitants for rates, as the city average), and the whole city. Two queries."""
    if not row.indicators:
        return []
    district_ids = {d.id for d in row.districts}
    wanted = [i.id for i, _d in row.indicators]
    values: dict[int, dict[int, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, district_id, year, value in db.session.execute(
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.district_id,
            IndicatorValue.year,
            IndicatorValue.value,
        ).where(IndicatorValue.indicator_id.in_(wanted))
    ):
        values[indicator_id][year][district_id] = value
    population: dict[int, dict[int, float]] = defaultdict(dict)
    for district_id, year, value in db.session.execute(
        select(IndicatorValue.district_id, IndicatorValue.year, IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code == POPULATION_CODE)
    ):
        population[year][district_id] = value
    found = []
    for indicator, direction in row.indicators:
        years = values.get(indicator.id, {})
        series, average = [], []
        expected = max((len(v) for v in years.values()), default=0)
        for year in sorted(years):
            city = city_average(indicator, years[year], population.get(year, {}))
            if city is not None and len(years[year]) >= expected:  # complete years only
                average.append((year, city))
            own = {d: v for d, v in years[year].items() if d in district_ids}
            if own:
                mean = city_average(indicator, own, population.get(year, {}))
                if mean is not None:
                    series.append((year, mean))
        name = localized(indicator, "name")
        description = _describe(indicator, series, average, area_label)
        chart = charts.line_chart(
            f"chart-{indicator.code}",
            _(
                "%(indicator)s in %(area)s and the city average",
                indicator=name,
                area=area_label,
            ),
            description,
            series,
            average,
            series_label=area_label,
            average_label=_("City average"),
            format_value=lambda v, i=indicator: catalogue.format_value(i, v),
        )
        found.append(TargetSeries(indicator, direction, series, average, chart, description))
    return found


def _describe(indicator, series, average, area_label: str) -> str:
    if not series and not average:
        return _("No values.")
    fmt = catalogue.format_value
    parts = []
    if series:
        (y0, v0), (y1, v1) = series[0], series[-1]
        parts.append(
            _(
                "%(area)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s.",
                area=area_label,
                first=fmt(indicator, v0),
                first_year=y0,
                last=fmt(indicator, v1),
                last_year=y1,
            )
        )
    if average:
        (y0, v0), (y1, v1) = average[0], average[-1]
        parts.append(
            _(
                "City average: %(first)s in %(first_year)s, %(last)s in %(last_year)s.",
                first=fmt(indicator, v0),
                first_year=y0,
                last=fmt(indicator, v1),
                last_year=y1,
            )
        )
    parts.append(_("All values are in the table below."))
    return " ".join([_("Line chart."), *parts])


def timeline(row: Row, today: date) -> list[dict]:
    """Milestones by date; one in the future is planned, a past one done or not."""
    return [
        {
            "milestone": m,
            "planned": m.day > today,
            "done": m.done,
        }
        for m in row.milestones
    ]
