"""Ranking the districts for the next site of a programme: the method, pure.

No database, no app or request context; standard library only (``random.Random(seed)``),
so it is fast, deterministic and testable with hand-computed examples.

Method
------
1. Every criterion gives each district a raw value (or none: no data).
2. Districts without a value for any criterion are **not ranked**; they are listed with the
   criteria they lack (never counted as zero).
3. Each criterion is min-max normalised over the ranked districts:
   ``n = (x - min) / (max - min)``; with the direction ``-1`` (a higher value means *less*
   need) ``n = 1 - n``. A criterion whose values are all equal (no spread) gives every
   district 0 and is flagged.
4. Weights are shares of their sum (shown as percentages that add up to 100). A district's
   score is ``100 × Σ share_i × n_i`` (0 … 100), its contribution from criterion ``i`` is
   ``100 × share_i × n_i`` points. Ties are broken by the district key.
5. Stability: for each of the top 5, the share of ``draws`` random draws (seeded) in which it
   stays in the top 5 when every weight is multiplied by ``U(0.8, 1.2)`` and renormalised.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

TOP = 5
DRAWS = 1000
SEED = 13
VARIATION = 0.2


@dataclass(frozen=True)
class CriterionInput:
    """One criterion: a key, a weight (> 0), a direction (+1: a higher value means more
    need, so a better site; -1: less) and its raw value per district (``None``: no data)."""

    key: str
    weight: float
    direction: int
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class Contribution:
    key: str
    raw: float
    normalised: float
    points: float


@dataclass
class RankedDistrict:
    district: str
    rank: int
    score: float
    contributions: list[Contribution]


@dataclass
class Ranking:
    #: criterion key -> share of the weights (0 … 1)
    shares: dict[str, float]
    #: criterion key -> the share in whole percent (largest remainder: they sum to 100)
    percents: dict[str, int]
    rows: list[RankedDistrict]
    #: district -> the keys of the criteria without a value (these districts are not ranked)
    missing: dict[str, list[str]]
    #: criteria whose values are all equal over the ranked districts
    no_spread: list[str]
    #: criterion key -> (min, max) over the ranked districts
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: district -> share of the draws (0 … 1) in which it stays in the top 5 (the top 5 only)
    stability: dict[str, float] = field(default_factory=dict)
    draws: int = 0
    seed: int = SEED

    @property
    def top(self) -> list[RankedDistrict]:
        return self.rows[:TOP]


class ScoringError(ValueError):
    pass


def percents(shares: Sequence[float]) -> list[int]:
    """Whole percentages of ``shares`` (summing to 1) that add up to exactly 100 (largest
    remainder; ties to the earlier criterion)."""
    if not shares:
        return []
    exact = [s * 100 for s in shares]
    floors = [math.floor(x) for x in exact]
    rest = 100 - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return floors


def rank(
    criteria: Sequence[CriterionInput],
    districts: Sequence[str],
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    top: int = TOP,
) -> Ranking:
    """Rank ``districts`` (their keys, e.g. numbers) by ``criteria``; see the module text."""
    if not criteria:
        raise ScoringError("no criteria")
    if any(not (c.weight > 0) or not math.isfinite(c.weight) for c in criteria):
        raise ScoringError("weights must be positive")
    total = math.fsum(c.weight for c in criteria)
    shares = [c.weight / total for c in criteria]
    keys = [c.key for c in criteria]

    missing: dict[str, list[str]] = {}
    ranked: list[str] = []
    for d in districts:
        lacking = [c.key for c in criteria if _value(c.values.get(d)) is None]
        if lacking:
            missing[d] = lacking
        else:
            ranked.append(d)

    # normalised values per ranked district, in criterion order
    norm: dict[str, list[float]] = {d: [] for d in ranked}
    no_spread: list[str] = []
    ranges: dict[str, tuple[float, float]] = {}
    for c in criteria:
        values = [float(c.values[d]) for d in ranked]  # type: ignore[arg-type]
        if not values:
            continue
        low, high = min(values), max(values)
        ranges[c.key] = (low, high)
        spread = high - low
        if spread <= 1e-12 * max(abs(low), abs(high), 1.0):
            no_spread.append(c.key)
            for d in ranked:
                norm[d].append(0.0)
            continue
        for d, x in zip(ranked, values, strict=True):
            n = (x - low) / spread
            norm[d].append(1.0 - n if c.direction < 0 else n)

    rows: list[RankedDistrict] = []
    for d in ranked:
        contributions = [
            Contribution(c.key, float(c.values[d]), n, 100.0 * s * n)  # type: ignore[arg-type]
            for c, s, n in zip(criteria, shares, norm[d], strict=True)
        ]
        score = math.fsum(x.points for x in contributions)
        rows.append(RankedDistrict(d, 0, score, contributions))
    rows.sort(key=lambda r: (-round(r.score, 9), r.district))
    for position, row in enumerate(rows, start=1):
        row.rank = position

    result = Ranking(
        shares=dict(zip(keys, shares, strict=True)),
        percents=dict(zip(keys, percents(shares), strict=True)),
        rows=rows,
        missing=missing,
        no_spread=no_spread,
        ranges=ranges,
        draws=draws,
        seed=seed,
    )
    result.stability = stability(
        [c.weight for c in criteria],
        [(r.district, norm[r.district]) for r in rows],
        draws=draws,
        seed=seed,
        top=top,
    )
    return result


def stability(
    weights: Sequence[float],
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    top: int = TOP,
    variation: float = VARIATION,
) -> dict[str, float]:
    """For the first ``top`` of ``rows`` (district, normalised values, in rank order): the share
    of ``draws`` draws in which it stays in the top ``top`` when every weight is multiplied by
    ``U(1 - variation, 1 + variation)`` (renormalising changes no order, but is done so the
    scores stay on the same scale). Ties in a draw go to the earlier district of ``rows``."""
    if not rows or draws <= 0:
        return {}
    leaders = [d for d, _ in rows[:top]]
    if len(rows) <= top:
        return dict.fromkeys(leaders, 1.0)
    rng = random.Random(seed)
    uniform = rng.uniform
    low, high = 1.0 - variation, 1.0 + variation
    # Only districts that can reach the top at all are scored in the draws: the values are
    # ≥ 0, so a district's score lies between low × and high × its score with the given
    # weights; one whose highest possible score is below the lowest possible score of ``top``
    # others never gets in (and never changes who does). The result is the same as scoring
    # every district, only faster.
    base = [sum(map(float.__mul__, map(float, weights), map(float, v))) for _, v in rows]
    floor = sorted((low * b for b in base), reverse=True)[top - 1]
    # Rows as tuples, the position as the tie-breaker (earlier wins: larger negative index).
    table = [
        (tuple(map(float, values)), -i)
        for i, (_, values) in enumerate(rows)
        if i < len(leaders) or high * base[i] >= floor
    ]
    lead_index = range(len(leaders))
    stays = [0] * len(leaders)
    nlargest = heapq.nlargest
    for _ in range(draws):
        drawn = [w * uniform(low, high) for w in weights]
        total = sum(drawn)
        drawn = [w / total for w in drawn]
        scores = [(sum(map(float.__mul__, drawn, values)), pos) for values, pos in table]
        for _score, pos in nlargest(top, scores):
            if -pos < len(leaders):
                stays[-pos] += 1
    return {leaders[i]: stays[i] / draws for i in lead_index}


def _value(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (mean Earth radius 6,371,008.8 m)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371008.8 * math.asin(min(1.0, math.sqrt(a)))


def nearest_m(
    points: Mapping[str, tuple[float, float]], offers: Sequence[tuple[float, float]]
) -> dict[str, float | None]:
    """Each district's point (lat, lon) to the nearest offer, in metres; ``None`` for every
    district when there is no offer."""
    if not offers:
        return dict.fromkeys(points)
    return {
        d: min(haversine_m(lat, lon, olat, olon) for olat, olon in offers)
        for d, (lat, lon) in points.items()
    }


def per_thousand(
    counts: Mapping[str, int], population: Mapping[str, float | None], min_population: float
) -> dict[str, float | None]:
    """Counts per 1,000 inhabitants; ``None`` where the inhabitants are unknown or fewer than
    ``min_population`` (a rate over a handful of people says nothing)."""
    result: dict[str, float | None] = {}
    for d, people in population.items():
        if people is None or people < min_population or people <= 0:
            result[d] = None
        else:
            result[d] = 1000.0 * counts.get(d, 0) / people
    return result
