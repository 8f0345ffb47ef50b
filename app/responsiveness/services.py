"""The responsiveness figures, computed in the database from ``work_items``.

Nothing here loads the items into Python: counts are GROUP BY queries, the percentiles come
from one window query per grouping and duration (``row_number()`` and ``count()`` over the
group, ordered by the duration) that returns at most two values per percentile and group, so
the number of queries does not grow with the number of items (nor with the number of groups).

Definitions
-----------
* *Days to first response*: ``first_response_at − created_at`` of the items that have a
  first public response (first public status change or answer). Items without one count in
  the backlog, not in these figures.
* *Days to closure*: ``closed_at − created_at`` of the items in a closed status.
* Median and 90th percentile as :mod:`app.core.stats` defines them (inclusive linear
  interpolation); a figure over fewer than ``min_count`` values (10) is ``None`` ("fewer
  than 10").
* *Answered within the target*: the first response came on or before the due date
  (``due_on``, from the category's response target). Counted over the items that were
  answered or are overdue; items not yet answered and not yet due are left out.
* *Backlog*: the items in an open status by whole days since their creation, in the buckets
  of :data:`app.core.stats.AGE_BUCKETS`.

Speed: over 200,000 items the queries take about a second, so the pages read the figures
through a small per-process cache (``RESPONSIVENESS_CACHE_SECONDS``, 300 by default, 0 in
the tests: always computed); the pages say when the figures were computed.

The public page uses a higher threshold where the barriers' privacy threshold is higher
(:func:`public_min_count`), so nothing barrier-related is published below it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, and_, bindparam, case, cast, extract, func, or_, select

from ..accounts.models import Office
from ..barriers import services as barriers
from ..core.i18n import current_language, localized
from ..core.stats import AGE_BUCKETS, MIN_COUNT
from ..core.time import utcnow
from ..districts.models import District
from ..extensions import db
from ..proposals.models import Category
from ..workflow import services as workflow
from ..workflow.models import WorkItem

PERCENTILES = (50, 90)


# --- dialect-aware SQL helpers -----------------------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def days_between(start: Any, end: Any) -> Any:
    """SQL: days (with fractions) from ``start`` to ``end``; ``NULL`` if either is ``NULL``.
    SQLite has no interval type (``julianday`` differences), PostgreSQL subtracts timestamps
    (seconds of the interval / 86400)."""
    if _dialect() == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return extract("epoch", end - start) / 86400.0


def _day_of(moment: Any) -> Any:
    """SQL: the calendar day of a timestamp, comparable with a ``Date`` column."""
    if _dialect() == "sqlite":
        return func.date(moment)
    return cast(moment, Date)


def grouped_percentiles(
    group: Any,
    value: Any,
    where: Iterable[Any] = (),
    percentiles: Sequence[int] = PERCENTILES,
    *,
    min_count: int = MIN_COUNT,
) -> dict[Any, tuple[int, dict[int, float | None]]]:
    """Per value of ``group``: ``(n, {p: percentile})`` of ``value`` (``NULL`` left out),
    computed like :func:`app.core.stats.percentile`; the percentiles are ``None`` below
    ``min_count`` values. One query, at most two rows per percentile and group."""
    base = (
        select(group.label("g"), value.label("v"))
        .select_from(WorkItem)
        .where(value.is_not(None), *where)
        .subquery()
    )
    ranked = select(
        base.c.g,
        base.c.v,
        (func.row_number().over(partition_by=base.c.g, order_by=base.c.v) - 1).label("rn"),
        func.count().over(partition_by=base.c.g).label("n"),
    ).subquery()
    wanted = []
    for p in percentiles:
        low = (ranked.c.n - 1) * int(p) // 100
        wanted.extend((ranked.c.rn == low, ranked.c.rn == low + 1))
    # The first row of every group brings its count; the wanted ranks their values.
    rows = db.session.execute(
        select(ranked.c.g, ranked.c.n, ranked.c.rn, ranked.c.v).where(
            or_(ranked.c.rn == 0, and_(ranked.c.n >= min_count, or_(*wanted)))
        )
    )
    values: dict[Any, tuple[int, dict[int, float]]] = {}
    for g, n, rn, v in rows:
        values.setdefault(g, (int(n), {}))[1][int(rn)] = float(v)
    result: dict[Any, tuple[int, dict[int, float | None]]] = {}
    for g, (n, found) in values.items():
        figures: dict[int, float | None] = dict.fromkeys(percentiles)
        if n >= min_count:
            for p in percentiles:
                h = (n - 1) * p / 100
                low = math.floor(h)
                if low + 1 >= n or h == low:
                    figures[p] = found[low]
                else:
                    figures[p] = found[low] + (found[low + 1] - found[low]) * (h - low)
        result[g] = (n, figures)
    return result


# --- the figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Median and 90th percentile of a duration in days over ``n`` items (``None``: fewer
    than the threshold)."""

    n: int
    median: float | None
    p90: float | None


NO_TIMING = Timing(0, None, None)


@dataclass
class Group:
    """The figures of one office or district (``key`` ``None``: none assigned)."""

    key: Any
    label: str
    number: str = ""
    inputs: int = 0
    open: int = 0
    answered: int = 0
    closed: int = 0
    on_time: int = 0
    on_time_base: int = 0
    first_response: Timing = NO_TIMING
    closure: Timing = NO_TIMING
    threshold: int = MIN_COUNT

    @property
    def shown(self) -> bool:
        """Whether the group has enough inputs to publish anything about it."""
        return self.inputs >= self.threshold

    @property
    def share_on_time(self) -> float | None:
        """The share (0–1) answered within the target; ``None`` below the threshold."""
        if self.on_time_base < self.threshold:
            return None
        return self.on_time / self.on_time_base


@dataclass
class Responsiveness:
    by_office: list[Group]
    by_district: list[Group]
    threshold: int
    computed_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class StatusColumn:
    """A status as a column of the district × status table (plain data, cacheable)."""

    id: int
    label: str
    closed: bool


@dataclass
class Figures:
    """Everything the back office's figures page shows."""

    statuses: list[StatusColumn]
    by_district_status: list[dict]
    status_totals: dict[int, int]
    by_category: list[dict]
    by_office: list[dict]
    backlog: list[dict]
    backlog_total: int
    responsiveness: Responsiveness
    barrier_summary: dict = field(default_factory=dict)
    computed_at: datetime = field(default_factory=utcnow)


def public_min_count() -> int:
    """The threshold of the public page: 10 inputs, or the barriers' privacy threshold where
    that is higher (barrier reports are inputs too)."""
    return max(MIN_COUNT, barriers.min_cell())


def _closed_ids() -> set[int]:
    return {s.id for s in workflow.statuses(include_inactive=True) if s.closed}


def _status_counts(group: Any) -> dict[Any, dict[str, int]]:
    """Inputs, open and closed per value of ``group``: GROUP BY the group and the status
    (index-only where an index starts with the group), the closed flag from the statuses."""
    closed_ids = _closed_ids()
    found: dict[Any, dict[str, int]] = {}
    for key, status_id, n in db.session.execute(
        select(group, WorkItem.status_id, func.count())
        .select_from(WorkItem)
        .group_by(group, WorkItem.status_id)
    ):
        entry = found.setdefault(key, {"inputs": 0, "open": 0, "closed": 0})
        entry["inputs"] += int(n)
        entry["closed" if status_id in closed_ids else "open"] += int(n)
    return found


def _on_time_counts(group: Any, today: date) -> dict[Any, tuple[int, int]]:
    """Per value of ``group``: (answered by the due date, answered or overdue)."""
    answered_on_time = and_(
        WorkItem.first_response_at.is_not(None),
        _day_of(WorkItem.first_response_at) <= WorkItem.due_on,
    )
    counted = or_(WorkItem.first_response_at.is_not(None), WorkItem.due_on < today)
    rows = db.session.execute(
        select(
            group,
            func.sum(case((answered_on_time, 1), else_=0)),
            func.sum(case((counted, 1), else_=0)),
        )
        .select_from(WorkItem)
        .where(WorkItem.due_on.is_not(None))
        .group_by(group)
    )
    return {key: (int(on_time or 0), int(base or 0)) for key, on_time, base in rows}


def _timings(group: Any, threshold: int) -> tuple[dict[Any, Timing], dict[Any, Timing]]:
    first = grouped_percentiles(
        group, days_between(WorkItem.created_at, WorkItem.first_response_at), min_count=threshold
    )
    closed = grouped_percentiles(
        group,
        days_between(WorkItem.created_at, WorkItem.closed_at),
        [WorkItem.status_id.in_(_closed_ids())],
        min_count=threshold,
    )

    def timing(found: dict) -> dict[Any, Timing]:
        return {k: Timing(n, figures[50], figures[90]) for k, (n, figures) in found.items()}

    return timing(first), timing(closed)


def _groups(
    group: Any, labels: dict[Any, tuple[str, str]], threshold: int, none_label: str
) -> list[Group]:
    counts = _status_counts(group)
    on_time = _on_time_counts(group, utcnow().date())
    first, closure = _timings(group, threshold)
    result = []
    for key, found in counts.items():
        label, number = labels.get(key, (none_label, ""))
        response = first.get(key, NO_TIMING)
        on_time_n, base = on_time.get(key, (0, 0))
        result.append(
            Group(
                key=key,
                label=label,
                number=number,
                answered=response.n,
                on_time=on_time_n,
                on_time_base=base,
                first_response=response,
                closure=closure.get(key, NO_TIMING),
                threshold=threshold,
                **found,
            )
        )
    return sorted(result, key=lambda g: (g.key is None, g.number, g.label))


def _office_labels() -> dict[Any, tuple[str, str]]:
    return {o.id: (localized(o, "name"), "") for o in db.session.scalars(select(Office))}


def _district_labels() -> dict[Any, tuple[str, str]]:
    return {
        d_id: (name, number)
        for d_id, name, number in db.session.execute(
            select(District.id, District.name, District.number)
        )
    }


def responsiveness(threshold: int = MIN_COUNT) -> Responsiveness:
    """Per office and per district: counts, days to first response and to closure."""
    return Responsiveness(
        by_office=_groups(WorkItem.office_id, _office_labels(), threshold, _("No office yet")),
        by_district=_groups(WorkItem.district_id, _district_labels(), threshold, _("No district")),
        threshold=threshold,
    )


def public_responsiveness() -> Responsiveness:
    return responsiveness(public_min_count())


# --- the cache ---------------------------------------------------------------------------------

_cache: dict[tuple, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def cached(name: str, compute: Callable[[], Any], *key: Any) -> Any:
    """``compute()``, kept for ``RESPONSIVENESS_CACHE_SECONDS`` per app, language and
    ``key`` (``0``: always computed). The values hold plain data, no database objects."""
    seconds = float(current_app.config.get("RESPONSIVENESS_CACHE_SECONDS", 0))
    if seconds <= 0:
        return compute()
    full_key = (id(current_app._get_current_object()), name, current_language(), *key)
    now = time.monotonic()
    with _cache_lock:
        found = _cache.get(full_key)
    if found is not None and now - found[0] < seconds:
        return found[1]
    value = compute()
    with _cache_lock:
        _cache[full_key] = (now, value)
    return value


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def public_page_figures() -> Responsiveness:
    """The public page's figures (cached)."""
    threshold = public_min_count()
    return cached("public", lambda: responsiveness(threshold), threshold)


def back_office_figures() -> Figures:
    """The back office's figures page (cached)."""
    return cached("figures", figures)


def backlog(now: datetime | None = None) -> list[dict]:
    """The open items by age in whole days, in the buckets of ``AGE_BUCKETS`` (zeros
    included). One query."""
    moment = bindparam("now", now or utcnow(), type_=DateTime(timezone=True))
    age = days_between(WorkItem.created_at, moment)
    whens = [(age < highest + 1, key) for key, _label, highest in AGE_BUCKETS if highest]
    last = AGE_BUCKETS[-1][0]
    bucket = case(*whens, else_=last).label("bucket")
    found = dict(
        db.session.execute(
            select(bucket, func.count())
            .select_from(WorkItem)
            .where(WorkItem.status_id.not_in(_closed_ids()))
            .group_by(bucket)
        ).all()
    )
    return [
        {"key": key, "label": str(label), "count": int(found.get(key, 0))}
        for key, label, _highest in AGE_BUCKETS
    ]


def _by_district_status(statuses: list[StatusColumn]) -> tuple[list[dict], dict[int, int]]:
    rows = db.session.execute(
        select(WorkItem.district_id, WorkItem.status_id, func.count())
        .select_from(WorkItem)
        .group_by(WorkItem.district_id, WorkItem.status_id)
    ).all()
    labels = _district_labels()
    table: dict[Any, dict] = {}
    totals: dict[int, int] = {s.id: 0 for s in statuses}
    for district_id, status_id, n in rows:
        name, number = labels.get(district_id, (_("No district"), ""))
        entry = table.setdefault(
            district_id,
            {"key": district_id, "label": name, "number": number, "cells": {}, "total": 0},
        )
        entry["cells"][status_id] = int(n)
        entry["total"] += int(n)
        totals[status_id] = totals.get(status_id, 0) + int(n)
    ordered = sorted(table.values(), key=lambda e: (e["key"] is None, e["number"]))
    return ordered, totals


def _counts_by(column: Any, labels: dict[Any, str], none_label: str) -> list[dict]:
    result = [
        {"key": key, "label": labels.get(key, none_label), **found}
        for key, found in _status_counts(column).items()
    ]
    return sorted(result, key=lambda e: (e["key"] is None, -e["inputs"], e["label"]))


def figures() -> Figures:
    """The back office's figures: a constant number of queries, whatever the number of
    items."""
    language = current_language()
    statuses = [
        StatusColumn(s.id, s.name(language), s.closed)
        for s in workflow.statuses(include_inactive=True)
    ]
    by_district_status, totals = _by_district_status(statuses)
    categories = {c.id: localized(c, "name") for c in db.session.scalars(select(Category))}
    offices = {key: label for key, (label, _number) in _office_labels().items()}
    found_backlog = backlog()
    return Figures(
        statuses=statuses,
        by_district_status=by_district_status,
        status_totals=totals,
        by_category=_counts_by(WorkItem.category_id, categories, _("No category")),
        by_office=_counts_by(WorkItem.office_id, offices, _("No office yet")),
        backlog=found_backlog,
        backlog_total=sum(b["count"] for b in found_backlog),
        responsiveness=responsiveness(),
        barrier_summary=barriers.summary(),
    )


# --- CSV of the public figures -----------------------------------------------------------------

CSV_HEADER = (
    "grouping",
    "district_number",
    "name",
    "inputs",
    "answered",
    "median_days_to_first_response",
    "p90_days_to_first_response",
    "closed",
    "median_days_to_closure",
    "p90_days_to_closure",
    "share_answered_within_target",
    "note",
)


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def public_csv_rows(found: Responsiveness, note: str) -> list[list[Any]]:
    """The public figures as rows of :data:`CSV_HEADER`; groups below the threshold keep
    only their name and ``note`` ("fewer than 10 inputs")."""
    rows: list[list[Any]] = []
    for grouping, groups in (("office", found.by_office), ("district", found.by_district)):
        for g in groups:
            if not g.shown:
                rows.append([grouping, g.number, g.label, *([None] * 8), note])
                continue
            rows.append(
                [
                    grouping,
                    g.number,
                    g.label,
                    g.inputs,
                    g.answered,
                    _rounded(g.first_response.median),
                    _rounded(g.first_response.p90),
                    g.closed,
                    _rounded(g.closure.median),
                    _rounded(g.closure.p90),
                    _rounded(g.share_on_time, 3),
                    "",
                ]
            )
    return rows
