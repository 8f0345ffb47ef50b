"""Effect monitoring of measures ("Entwicklung im Vergleich"): how a target indicator developed
in the measure's districts compared with similar districts — never called an effect ("Wirkung").

Method (explained to the public on ``/indikatoren/methode``):

- Baseline year = the year before the measure's start year; pre-years = the years with values
  up to and including the baseline year.
- Comparison group: the :data:`K` districts nearest to the treated districts in the
  standardised baseline level and pre-period slope of the indicator, leaving out the treated
  districts, their direct neighbours (shared boundary), districts with another measure on the
  same indicator and districts under :data:`MIN_POPULATION` inhabitants. The group is stored
  (:class:`~app.measures.models.EffectComparison`) when frozen; the planner may edit it.
- Difference-in-differences per year: (treated mean − its baseline) − (comparison mean − its
  baseline); means weighted by inhabitants for rates (percent, per 1,000), unweighted otherwise.
  The values for the pre-years form the event study: with parallel pre-trends they are near 0.
- Parallel pre-trends: at least :data:`MIN_PRE_YEARS` pre-years, and the largest absolute
  pre-year difference at most :data:`PRE_TREND_TOLERANCE` × the standard deviation of the
  baseline values over the treated and comparison districts (the series' spread).
- Placebo rank: the mean post-year difference computed for every untreated eligible district as
  if it alone had been treated (with its own nearest comparison group), ranked in the direction
  the measure expects for the indicator: for "down" a decrease counts (the more negative, the
  stronger), for "up" an increase. The measure's mean difference is "larger than in N of M
  districts" in that direction; a difference the other way ranks low (and is said to).

The computing functions are pure (plain dicts in, dataclasses out); :func:`load_effects` reads
what they need in a fixed number of queries.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Numeric, cast, func, select

from ..core import audit
from ..core.i18n import current_language
from ..core.time import utcnow
from ..districts.services import get_locator
from ..extensions import db
from ..indicators import charts
from ..indicators.catalogue import POPULATION_CODE, RATE_UNITS
from ..indicators.models import Indicator, IndicatorValue
from .models import DOWN, EffectComparison, Measure, MeasureDistrict, MeasureIndicator

K = 5
MIN_POPULATION = 300
MIN_PRE_YEARS = 3
MIN_COMPARISON = 3
PRE_TREND_TOLERANCE = 0.25

Series = dict[int, dict[int, float]]  # district id -> year -> value


@dataclass
class YearFigure:
    year: int
    treated: float | None
    comparison: float | None
    did: float | None


@dataclass
class Effect:
    indicator: str
    baseline_year: int | None
    treated: list[int] = field(default_factory=list)
    comparison: list[int] = field(default_factory=list)
    years: list[YearFigure] = field(default_factory=list)  # post years
    pre_years: list[YearFigure] = field(default_factory=list)  # event study, up to baseline
    pre_trend_years: int = 0
    max_abs_pre_did: float | None = None
    tolerance: float | None = None
    parallel: bool | None = None
    placebo_rank: int | None = None
    placebo_of: int | None = None
    mean_did: float | None = None
    reason: str | None = None
    direction: str = "up"  # the measure's expected direction: the placebo rank counts it

    @property
    def against_expectation(self) -> bool:
        """The mean difference points the other way than the measure expects."""
        return self.mean_did is not None and oriented(self.mean_did, self.direction) < 0

    @property
    def has_figure(self) -> bool:
        return self.reason is None


# --- pure functions ---------------------------------------------------------------------------


def slope(points: dict[int, float], years: list[int]) -> float | None:
    """Least-squares slope of ``points`` over ``years`` (``None`` with fewer than 2 points)."""
    xs = [y for y in years if y in points]
    if len(xs) < 2:
        return None
    mx = math.fsum(xs) / len(xs)
    my = math.fsum(points[y] for y in xs) / len(xs)
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    return math.fsum((x - mx) * (points[x] - my) for x in xs) / sxx


def group_mean(
    series: Series, ids: list[int], year: int, weights: dict[int, float] | None
) -> float | None:
    """Mean of ``ids`` in ``year`` (weighted where ``weights`` is given); ``None`` when a district
    lacks the year."""
    values = [series.get(d, {}).get(year) for d in ids]
    if not ids or any(v is None for v in values):
        return None
    if weights:
        total = math.fsum(weights.get(d, 0.0) for d in ids)
        if total > 0:
            return (
                math.fsum(v * weights.get(d, 0.0) for d, v in zip(ids, values, strict=True)) / total
            )
    return math.fsum(values) / len(values)


def _features(series: Series, ids: list[int], baseline: int, pre: list[int], weights):
    level = group_mean(series, ids, baseline, weights)
    slopes = [slope(series.get(d, {}), pre) for d in ids]
    if level is None or any(s is None for s in slopes):
        return None
    return level, math.fsum(slopes) / len(slopes)


def nearest(
    series: Series,
    treated: list[int],
    candidates: list[int],
    baseline: int,
    pre: list[int],
    weights: dict[int, float] | None,
    k: int = K,
    cache: dict[int, tuple[float, float] | None] | None = None,
) -> list[int]:
    """The ``k`` candidates nearest to the treated group in standardised (baseline level,
    pre-period slope); candidates without a baseline value or slope are left out."""
    target = _features(series, treated, baseline, pre, weights)
    if target is None:
        return []
    feats = {}
    cache = {} if cache is None else cache
    for d in candidates:
        if d not in cache:
            cache[d] = _features(series, [d], baseline, pre, None)
        f = cache[d]
        if f is not None:
            feats[d] = f
    if not feats:
        return []
    scales = []
    for i in (0, 1):
        column = [f[i] for f in feats.values()] + [target[i]]
        mean = math.fsum(column) / len(column)
        sd = math.sqrt(math.fsum((c - mean) ** 2 for c in column) / len(column))
        scales.append(sd or 1.0)

    def distance(d: int) -> tuple[float, int]:
        f = feats[d]
        return (
            math.hypot((f[0] - target[0]) / scales[0], (f[1] - target[1]) / scales[1]),
            d,
        )

    return sorted(feats, key=distance)[:k]


def did_series(
    series: Series,
    treated: list[int],
    comparison: list[int],
    baseline: int,
    years: list[int],
    weights: dict[int, float] | None,
) -> list[YearFigure]:
    t0 = group_mean(series, treated, baseline, weights)
    c0 = group_mean(series, comparison, baseline, weights)
    out = []
    for year in years:
        t = group_mean(series, treated, year, weights)
        c = group_mean(series, comparison, year, weights)
        did = None
        if None not in (t, c, t0, c0):
            did = (t - t0) - (c - c0)
        out.append(YearFigure(year, t, c, did))
    return out


def oriented(value: float, direction: str) -> float:
    """``value`` signed so that larger means stronger in the expected ``direction``."""
    return -value if direction == DOWN else value


def _mean_post(figures: list[YearFigure]) -> float | None:
    dids = [f.did for f in figures if f.did is not None]
    return math.fsum(dids) / len(dids) if dids else None


def compute_effect(
    code: str,
    series: Series,
    treated: list[int],
    start_year: int | None,
    *,
    excluded: set[int],
    neighbours: dict[int, set[int]],
    weights: dict[int, float] | None,
    direction: str,
    stored_comparison: list[int] | None = None,
    k: int = K,
) -> Effect:
    """The figures for one target indicator. ``excluded``: districts that can never be in a
    comparison group (tiny ones, those with another measure on the indicator); the treated
    districts and their neighbours are left out here. ``direction``: the measure's expected
    direction for the indicator ("up" or "down"), in which the placebo rank is counted."""
    treated = sorted(treated)
    if start_year is None:
        return Effect(
            code, None, treated, reason=_("The measure has no start year."), direction=direction
        )
    baseline = start_year - 1
    effect = Effect(code, baseline, treated, direction=direction)
    if not treated:
        effect.reason = _("The measure has no districts.")
        return effect
    all_years = sorted({y for points in series.values() for y in points})
    pre = [y for y in all_years if y <= baseline]
    post = [y for y in all_years if y > baseline]
    effect.pre_trend_years = len(pre)
    blocked = set(treated) | excluded
    for d in treated:
        blocked |= neighbours.get(d, set())
    eligible = sorted(d for d in series if d not in blocked)
    if stored_comparison is not None:
        comparison = sorted(stored_comparison)
    else:
        comparison = sorted(nearest(series, treated, eligible, baseline, pre, weights, k))
    effect.comparison = comparison
    if len(pre) < MIN_PRE_YEARS:
        effect.reason = _(
            "Fewer than %(n)s years with values before the start: no comparison is shown.",
            n=MIN_PRE_YEARS,
        )
        return effect
    if len(comparison) < MIN_COMPARISON:
        effect.reason = _(
            "Fewer than %(n)s comparable districts: no comparison is shown.", n=MIN_COMPARISON
        )
        return effect
    if not post:
        effect.reason = _("There are no values yet for the years after the start.")
        return effect
    effect.pre_years = did_series(series, treated, comparison, baseline, pre, weights)
    effect.years = did_series(series, treated, comparison, baseline, post, weights)
    pre_dids = [abs(f.did) for f in effect.pre_years if f.did is not None and f.year < baseline]
    base_values = [series[d][baseline] for d in treated + comparison if baseline in series[d]]
    mean = math.fsum(base_values) / len(base_values)
    spread = math.sqrt(math.fsum((v - mean) ** 2 for v in base_values) / len(base_values))
    effect.tolerance = PRE_TREND_TOLERANCE * spread
    effect.max_abs_pre_did = max(pre_dids) if pre_dids else None
    effect.parallel = effect.max_abs_pre_did is not None and (
        effect.max_abs_pre_did <= effect.tolerance
    )
    effect.mean_did = _mean_post(effect.years)
    # Placebo: every untreated eligible district as if it alone had been treated, ranked in
    # the expected direction (a decrease is strong where the measure expects "down").
    if effect.mean_did is not None:
        placebo = []
        cache: dict[int, tuple[float, float] | None] = {}
        for u in eligible:
            pool = [d for d in eligible if d != u and d not in neighbours.get(u, set())]
            group = nearest(series, [u], pool, baseline, pre, weights, k, cache)
            if len(group) < MIN_COMPARISON:
                continue
            value = _mean_post(did_series(series, [u], group, baseline, post, weights))
            if value is not None:
                placebo.append(oriented(value, direction))
        effect.placebo_of = len(placebo)
        own = oriented(effect.mean_did, direction)
        effect.placebo_rank = sum(1 for v in placebo if own > v)
    return effect


def neighbours_of(shapes: dict[int, object]) -> dict[int, set[int]]:
    """District id → the ids sharing a boundary with it (touching or overlapping edges)."""
    ids = list(shapes)
    out: dict[int, set[int]] = {d: set() for d in ids}
    for i, a in enumerate(ids):
        ga = shapes[a]
        for b in ids[i + 1 :]:
            gb = shapes[b]
            if ga.touches(gb) or ga.boundary.intersection(gb.boundary).length > 0:
                out[a].add(b)
                out[b].add(a)
    return out


# --- loading ----------------------------------------------------------------------------------

_NEIGHBOURS_KEY = "quartier_district_neighbours"


def district_neighbours() -> dict[int, set[int]]:
    """The neighbours of every district, computed once per process from the prepared shapes."""
    cached = current_app.extensions.get(_NEIGHBOURS_KEY)
    if cached is None:
        locator = get_locator()
        shapes = {area.id: geom for area, geom in zip(locator.areas, locator.shapes, strict=True)}
        cached = current_app.extensions[_NEIGHBOURS_KEY] = neighbours_of(shapes)
    return cached


def reset_neighbours() -> None:
    current_app.extensions.pop(_NEIGHBOURS_KEY, None)


@dataclass
class Loaded:
    measure: Measure
    indicators: list[tuple[Indicator, str]]
    treated: list[int]
    series: dict[int, Series]
    population: Series
    others: dict[int, set[int]]  # indicator id -> districts of other measures on it
    stored: dict[int, EffectComparison]


def _series_condition(ids: list[int]):
    """The values the figures read: the target indicators' and the inhabitants'."""
    return (IndicatorValue.indicator_id.in_(ids)) | (Indicator.code == POPULATION_CODE)


def _load_parts(measure: Measure) -> Loaded:
    """Everything but the series (four small queries); ``series``/``population`` empty."""
    targets = load_targets(measure)
    treated = sorted(
        db.session.scalars(
            select(MeasureDistrict.district_id).where(MeasureDistrict.measure_id == measure.id)
        )
    )
    ids = [i.id for i, _ in targets]
    others: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for indicator_id, district_id in db.session.execute(
            select(MeasureIndicator.indicator_id, MeasureDistrict.district_id)
            .join(MeasureDistrict, MeasureDistrict.measure_id == MeasureIndicator.measure_id)
            .where(
                MeasureIndicator.indicator_id.in_(ids), MeasureIndicator.measure_id != measure.id
            )
        ):
            others[indicator_id].add(district_id)
    stored = {
        row.indicator_id: row
        for row in db.session.scalars(
            select(EffectComparison).where(EffectComparison.measure_id == measure.id)
        )
    }
    return Loaded(measure, targets, treated, {i: {} for i in ids}, {}, others, stored)


def _load_series(loaded: Loaded) -> Loaded:
    """The series of the target indicators and the inhabitants (one query)."""
    series, population = loaded.series, loaded.population
    rows = db.session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.district_id, IndicatorValue.year)
        .add_columns(IndicatorValue.value, Indicator.code)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(_series_condition(list(series)))
    )
    for indicator_id, district_id, year, value, code in rows:
        if code == POPULATION_CODE:
            population.setdefault(district_id, {})[year] = value
        if indicator_id in series:
            series[indicator_id].setdefault(district_id, {})[year] = value
    return loaded


def load(measure: Measure) -> Loaded:
    """What the figures of ``measure`` need, in a fixed number of queries."""
    return _load_series(_load_parts(measure))


def compute(loaded: Loaded, neighbours: dict[int, set[int]]) -> list[Effect]:
    start = loaded.measure.start
    start_year = start.year if start else None
    baseline = start_year - 1 if start_year else None
    effects = []
    for indicator, direction in loaded.indicators:
        pop = {d: by_year.get(baseline) for d, by_year in loaded.population.items()}
        tiny = {d for d, p in pop.items() if p is not None and p < MIN_POPULATION}
        weights = None
        if indicator.unit in RATE_UNITS and pop:
            weights = {d: p for d, p in pop.items() if p}
        stored = loaded.stored.get(indicator.id)
        effects.append(
            compute_effect(
                indicator.code,
                loaded.series[indicator.id],
                loaded.treated,
                start_year,
                excluded=tiny | loaded.others[indicator.id],
                neighbours=neighbours,
                weights=weights,
                direction=direction,
                stored_comparison=list(stored.district_ids) if stored else None,
            )
        )
    return effects


# --- the cache of the figures -------------------------------------------------------------------
#
# The placebo rank computes the difference for every untreated district, so the figures are
# kept per process, like the barrier summary (app.barriers.services): under a key that holds
# everything they are computed from — the measure's start, districts, target indicators with
# their unit and direction, the other measures' districts on them, the stored comparison
# groups (read exactly, four small queries) and a version of the values read in one aggregate
# query (count, id sum, latest ``updated_at`` and exact sum of the target indicators' and the
# inhabitants' values; a float sum differs in its last bits with the order PostgreSQL's
# parallel workers add it in). An indicator import,
# a rollback, a comparison edit or a measure edit in any process changes the key, so every
# process computes again at its next view: nothing is invalidated by hand, and nothing stale
# is shown. District geometry is read once per process (restart after ``flask districts
# load``, as for the locator).

_CACHE_KEY = "quartier_measure_effects"
_cache_lock = threading.Lock()


def values_version(indicator_ids: list[int]) -> tuple:
    """A version of the values the figures of these target indicators read (one query)."""
    row = db.session.execute(
        select(
            func.count(IndicatorValue.id),
            func.coalesce(func.sum(IndicatorValue.id), 0),
            func.max(IndicatorValue.updated_at),
            # an exact sum: PostgreSQL's parallel workers add float partial sums in a varying
            # order, which changes the last bits (SQLite makes whole numbers integers)
            func.coalesce(func.sum(cast(IndicatorValue.value, Numeric(asdecimal=False))), 0),
        )
        .select_from(IndicatorValue)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(_series_condition(indicator_ids))
    ).one()
    return tuple(str(value) for value in row)


def _cache_key(loaded: Loaded) -> tuple:
    measure = loaded.measure
    return (
        measure.id,
        current_language(),
        measure.start.isoformat() if measure.start else None,
        tuple(loaded.treated),
        tuple((i.id, i.code, i.unit, direction) for i, direction in loaded.indicators),
        tuple((i, tuple(sorted(d))) for i, d in sorted(loaded.others.items())),
        tuple(
            (i, tuple(sorted(row.district_ids or ()))) for i, row in sorted(loaded.stored.items())
        ),
        values_version([i.id for i, _d in loaded.indicators]),
    )


def _entries() -> OrderedDict:
    """The process's cache; emptied when the district locator was rebuilt."""
    locator = get_locator()
    holder = current_app.extensions.get(_CACHE_KEY)
    if holder is None or holder[0] is not locator:
        holder = current_app.extensions[_CACHE_KEY] = (locator, OrderedDict())
    return holder[1]


def cached_effects(measure: Measure) -> tuple[list[tuple[Indicator, str]], list[Effect]]:
    """The target indicators and the figures of ``measure``, computed once per data version,
    language and process (``MEASURE_EFFECTS_CACHE_SIZE`` measures kept, 0: no cache). Five
    queries when kept, six when computed. The figures are shared: read them, never change
    them."""
    loaded = _load_parts(measure)
    size = int(current_app.config.get("MEASURE_EFFECTS_CACHE_SIZE", 256))
    if size <= 0:
        return loaded.indicators, compute(_load_series(loaded), district_neighbours())
    key = _cache_key(loaded)
    entries = _entries()
    slot = (measure.id, key[1])
    with _cache_lock:
        found = entries.get(slot)
        if found is not None and found[0] == key:
            entries.move_to_end(slot)
            return loaded.indicators, found[1]
    figures = compute(_load_series(loaded), district_neighbours())
    with _cache_lock:
        entries[slot] = (key, figures)
        entries.move_to_end(slot)
        while len(entries) > size:
            entries.popitem(last=False)
    return loaded.indicators, figures


def reset_cache() -> None:
    current_app.extensions.pop(_CACHE_KEY, None)


def load_effects(measure: Measure) -> list[Effect]:
    """The figures of ``measure`` (from the cache when the data have not changed)."""
    return cached_effects(measure)[1]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def as_json(found: list[Effect]) -> list[dict]:
    """The API shape; district ids become district numbers."""
    numbers = {area.id: area.number for area in get_locator().areas}

    def nums(ids: list[int]) -> list[str]:
        return sorted(numbers[d] for d in ids if d in numbers)

    return [
        {
            "indicator": e.indicator,
            "baseline_year": e.baseline_year,
            "treated": nums(e.treated),
            "comparison": nums(e.comparison),
            "years": [
                {
                    "year": f.year,
                    "treated": _rounded(f.treated),
                    "comparison": _rounded(f.comparison),
                    "did": _rounded(f.did),
                }
                for f in e.years
            ],
            "pre_trend": {
                "years": e.pre_trend_years,
                "max_abs_did": _rounded(e.max_abs_pre_did),
                "parallel": e.parallel,
            },
            "placebo": {"rank": e.placebo_rank, "of": e.placebo_of, "direction": e.direction},
            "reason": e.reason,
        }
        for e in found
    ]


def freeze(measure: Measure, today_year: int) -> int:
    """Store the automatic comparison groups of ``measure`` for the target indicators that have
    none yet, once the measure has started (its start year ≤ ``today_year``). Flushes; returns
    how many groups were stored."""
    start = measure.start
    if start is None or start.year > today_year:
        return 0
    loaded = load(measure)
    stored = 0
    for (indicator, _direction), effect in zip(
        loaded.indicators, compute(loaded, district_neighbours()), strict=True
    ):
        if indicator.id in loaded.stored or not effect.comparison:
            continue
        db.session.add(
            EffectComparison(
                measure_id=measure.id, indicator_id=indicator.id, district_ids=effect.comparison
            )
        )
        stored += 1
    db.session.flush()
    return stored


# --- the measure page -------------------------------------------------------------------------


@dataclass
class Section:
    """One target indicator's "Entwicklung im Vergleich" on the measure page."""

    indicator: Indicator
    effect: Effect
    comparison: list[tuple[str, str]]  # (number, name)
    chart: object | None
    description: str
    rows: list[YearFigure]  # pre and post years
    verdict: str
    placebo: str


def _indexed(figures: list[YearFigure], attr: str, base: float | None) -> list[tuple[int, float]]:
    if not base:
        return []
    return [
        (f.year, 100.0 * getattr(f, attr) / base) for f in figures if getattr(f, attr) is not None
    ]


def page_sections(measure: Measure) -> list[Section]:
    """The sections of the measure page: indexed trajectories (baseline = 100) of the measure's
    districts and the comparison group as a chart with a text, the values per year, the
    pre-trend verdict and the placebo rank, or the reason why no figure is shown."""
    targets, found = cached_effects(measure)
    indicators = {i.code: i for i, _d in targets}
    areas = {area.id: area for area in get_locator().areas}
    sections = []
    for e in found:
        indicator = indicators[e.indicator]
        comparison = sorted((areas[d].number, areas[d].name) for d in e.comparison if d in areas)
        rows = [*e.pre_years, *e.years]
        chart, description, verdict, placebo = None, "", "", ""
        if e.has_figure:
            base = next((f for f in e.pre_years if f.year == e.baseline_year), None)
            treated = _indexed(rows, "treated", base.treated if base else None)
            compared = _indexed(rows, "comparison", base.comparison if base else None)
            last = e.years[-1]
            description = _(
                "Line chart, %(base)s = 100. In %(year)s the measure's districts stand at "
                "%(treated)s, the comparison districts at %(comparison)s; the difference in "
                "the development is %(did)s. All values are in the table below.",
                base=e.baseline_year,
                year=last.year,
                treated=f"{dict(treated).get(last.year, 0):.1f}",
                comparison=f"{dict(compared).get(last.year, 0):.1f}",
                did=f"{last.did:+.2f}" if last.did is not None else "–",
            )
            chart = charts.line_chart(
                f"compare-{indicator.code}",
                _("Development compared (%(base)s = 100)", base=e.baseline_year),
                description,
                treated,
                compared,
                series_label=_("Districts of the measure"),
                average_label=_("Comparison districts"),
                format_value=lambda v: f"{v:.1f}",
            )
            if e.parallel:
                verdict = _(
                    "Before the start both groups developed alike (largest difference "
                    "%(max)s, tolerance %(tol)s, %(n)s years): the comparison is meaningful.",
                    max=f"{e.max_abs_pre_did:.2f}",
                    tol=f"{e.tolerance:.2f}",
                    n=e.pre_trend_years,
                )
            else:
                verdict = _(
                    "Before the start the groups already developed differently (largest "
                    "difference %(max)s, tolerance %(tol)s): read the comparison with care.",
                    max=f"{e.max_abs_pre_did:.2f}" if e.max_abs_pre_did is not None else "–",
                    tol=f"{e.tolerance:.2f}",
                )
            if e.placebo_of:
                placebo = placebo_text(e)
        sections.append(
            Section(indicator, e, comparison, chart, description, rows, verdict, placebo)
        )
    return sections


def placebo_text(e: Effect) -> str:
    """The placebo rank in words, saying in which direction it is counted."""
    if e.direction == DOWN:
        text = _(
            "Counted as a decrease (the measure expects this indicator to fall), the "
            "difference is larger than in %(n)s of %(m)s districts without the measure, "
            "compared in the same way.",
            n=e.placebo_rank,
            m=e.placebo_of,
        )
    else:
        text = _(
            "Counted as an increase (the measure expects this indicator to rise), the "
            "difference is larger than in %(n)s of %(m)s districts without the measure, "
            "compared in the same way.",
            n=e.placebo_rank,
            m=e.placebo_of,
        )
    if e.against_expectation:
        text += " " + (
            _("The indicator rose, not fell, compared with the comparison districts.")
            if e.direction == DOWN
            else _("The indicator fell, not rose, compared with the comparison districts.")
        )
    return text


class ComparisonInvalid(ValueError):
    """The edited comparison group cannot be stored; ``field`` names the form field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def set_comparison(
    actor, measure: Measure, indicator_id: int, numbers: list[str], reason: str
) -> EffectComparison:
    """The planner's comparison group for one target indicator, with the reason (audited).
    Checks everything before writing; flushes."""
    reason = (reason or "").strip()
    targets = {i.id for i, _d in load_targets(measure)}
    if indicator_id not in targets:
        raise ComparisonInvalid("indicator", _("This is not a target indicator of the measure."))
    by_number = {area.number: area.id for area in get_locator().areas}
    unknown = [n for n in numbers if n not in by_number]
    if unknown:
        raise ComparisonInvalid(
            "districts", _("Unknown district numbers: %(numbers)s", numbers=", ".join(unknown))
        )
    ids = sorted({by_number[n] for n in numbers})
    treated = set(
        db.session.scalars(
            select(MeasureDistrict.district_id).where(MeasureDistrict.measure_id == measure.id)
        )
    )
    if set(ids) & treated:
        raise ComparisonInvalid(
            "districts", _("The measure's own districts cannot be comparison districts.")
        )
    if not reason:
        raise ComparisonInvalid("reason", _("Please give the reason for the change."))
    row = db.session.scalar(
        select(EffectComparison).where(
            EffectComparison.measure_id == measure.id,
            EffectComparison.indicator_id == indicator_id,
        )
    )
    before = list(row.district_ids) if row else None
    if row is None:
        row = EffectComparison(measure_id=measure.id, indicator_id=indicator_id)
        db.session.add(row)
    row.district_ids = ids
    row.reason = reason
    row.edited_by_id = getattr(actor, "id", None)
    row.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "measure.comparison_changed",
        "measure",
        measure.id,
        reason=reason,
        before={"indicator_id": indicator_id, "districts": before},
        after={"indicator_id": indicator_id, "districts": ids},
    )
    return row


def load_targets(measure: Measure) -> list[tuple[Indicator, str]]:
    return list(
        db.session.execute(
            select(Indicator, MeasureIndicator.direction)
            .join(MeasureIndicator, MeasureIndicator.indicator_id == Indicator.id)
            .where(MeasureIndicator.measure_id == measure.id)
            .order_by(Indicator.position, Indicator.code)
        ).all()
    )
