"""Response-time figures: median, percentiles and the backlog by age.

Percentiles use **linear interpolation between the closest ranks** – the "inclusive" method
of :func:`statistics.quantiles`, numpy's default and Excel's ``PERCENTILE.INC``: sort the
``n`` values, take the position ``h = (n - 1) · p / 100`` (counted from 0) and interpolate
between the values at ``floor(h)`` and ``floor(h) + 1``. So the 50th percentile is the
median, the 0th the smallest and the 100th the largest value.

A figure over few items says more about single cases than about an office, and may point to
single people: every figure is ``None`` (shown as "too few items") below ``min_count`` items,
10 unless told ("hidden below 10 items").

:func:`sql_percentiles` computes the same figures in the database: one count and one small
``ORDER BY … LIMIT 2 OFFSET k`` query per percentile, so no more than two values per
percentile leave the database (fast with an index on the column).

This module knows no domain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .time import as_utc

MIN_COUNT = 10

# The backlog by age in whole days: (key, label, highest age in the bucket; None: no limit).
AGE_BUCKETS: tuple[tuple[str, object, int | None], ...] = (
    ("0-14", _l("0–14 days"), 14),
    ("15-30", _l("15–30 days"), 30),
    ("31-90", _l("31–90 days"), 90),
    ("over-90", _l("more than 90 days"), None),
)


def _position(n: int, p: float) -> float:
    if not 0 <= p <= 100:
        raise ValueError(f"the percentile must be from 0 to 100, not {p!r}")
    return (n - 1) * p / 100


def _interpolate(low: float, high: float, fraction: float) -> float:
    return float(low) + (float(high) - float(low)) * fraction


def percentile(values: Iterable[float], p: float, *, min_count: int = MIN_COUNT) -> float | None:
    """The ``p``-th percentile (0–100) by linear interpolation (see the module docstring);
    ``None`` for fewer than ``min_count`` values. ``None`` values are left out."""
    ordered = sorted(v for v in values if v is not None)
    n = len(ordered)
    if n == 0 or n < min_count:
        return None
    h = _position(n, p)
    low = math.floor(h)
    if low + 1 >= n:
        return float(ordered[low])
    return _interpolate(ordered[low], ordered[low + 1], h - low)


def median(values: Iterable[float], *, min_count: int = MIN_COUNT) -> float | None:
    """The median (the 50th percentile); ``None`` for fewer than ``min_count`` values."""
    return percentile(values, 50, min_count=min_count)


def days_between(start: datetime, end: datetime) -> float:
    """Days from ``start`` to ``end`` with fractions (naive times are UTC)."""
    return (as_utc(end) - as_utc(start)).total_seconds() / 86400


def age_in_days(since: datetime, now: datetime) -> int:
    """Whole days elapsed (``floor``); a time in the future counts as 0."""
    return max(math.floor(days_between(since, now)), 0)


def age_bucket(age: float) -> str:
    """The key of the bucket of an age in days; the upper edges belong to the lower bucket
    (14 is "0-14", 15 is "15-30"), fractions round up into the next (14.5 is "15-30"),
    negative ages count as 0."""
    for key, _label, highest in AGE_BUCKETS:
        if highest is None or age <= highest:
            return key
    raise AssertionError("unreachable: the last bucket has no limit")


def age_buckets(ages_in_days: Iterable[float]) -> dict[str, int]:
    """How many ages fall in each bucket of :data:`AGE_BUCKETS`, in their order, zeros
    included: ``{"0-14": …, "15-30": …, "31-90": …, "over-90": …}``. Counts are never
    hidden: a backlog of 3 items is a fact, not a statistic."""
    counts = {key: 0 for key, _label, _highest in AGE_BUCKETS}
    for age in ages_in_days:
        counts[age_bucket(age)] += 1
    return counts


def sql_percentiles(
    session: Session,
    statement: Select,
    percentiles: Sequence[float] = (50, 90),
    *,
    min_count: int = MIN_COUNT,
) -> dict[float, float | None]:
    """The percentiles of the first column of ``statement`` (a SELECT with its filters, no
    ORDER BY needed), computed like :func:`percentile` but in the database: one count query
    and one query per percentile that reads at most two values. ``NULL`` is left out. All
    ``None`` below ``min_count`` values."""
    sub = statement.subquery()
    column = next(iter(sub.c))
    present = select(column).where(column.is_not(None))
    n = session.scalar(select(func.count()).select_from(present.subquery())) or 0
    if n == 0 or n < min_count:
        return dict.fromkeys(percentiles)
    result: dict[float, float | None] = {}
    for p in percentiles:
        h = _position(n, p)
        low = math.floor(h)
        pair = session.scalars(present.order_by(column).offset(low).limit(2)).all()
        if len(pair) == 1 or h == low:
            result[p] = float(pair[0])
        else:
            result[p] = _interpolate(pair[0], pair[1], h - low)
    return result
