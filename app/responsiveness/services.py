"""The responsiveness figures, computed in the database from ``work_items``.

Nothing here loads the items into Python, and nothing is counted over the items when the
page is asked for: the workflow stores each item's durations when they happen
(``first_response_days``, ``closure_days`` and ``on_time``, kept by a mapper event on every
ORM write of a work item, :func:`app.workflow.models.durations` for bulk inserts, filled for
old rows by migration 0019), and the database keeps the counts on every write
(:class:`app.workflow.models.WorkItemCount`: per district, office and category × status the
items, answered, on time, …; :class:`~app.workflow.models.WorkItemDays`: the durations per
district and office in day buckets; triggers on ``work_items``, migration 0022). The page
reads those few hundred rows; what changes with the date alone is counted live over a
narrow range: the unanswered items not yet due (the index ``(first_response_at, due_on)``:
the last weeks' items) and the young buckets of the backlog (``(status, created_at)`` from
91 days ago; the oldest bucket is the rest of the kept open count). The percentiles: per
group, duration and percentile one probe ``ORDER BY days LIMIT 2 OFFSET k`` on the index
``(group, days)``, starting at the bucket that holds rank k (a running sum over the kept
buckets, one statement), so a probe walks one bucket, not half the group; on PostgreSQL all
probes of a column are ONE statement (a ``VALUES`` list joined ``LATERAL``), planned once.

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

Speed (200,000 items, bench/inbox_bench.py, PostgreSQL, the machine's load average 11 on 2
cores): the figures page computed live took 1,556 ms, 1,418 ms of it in the database (the
status, response and backlog GROUP BYs over all items ~930 ms, the offset probes ~450 ms, of
which most was planning a UNION ALL of 200 probes); with the kept counts and buckets 243 ms,
164 ms in the database. The pages still read them through a small per-process cache
(``RESPONSIVENESS_CACHE_SECONDS``, 300 by default, 0 in the tests: always computed), which
only spares the repeated work; the pages say when the figures were computed.

The public page uses a higher threshold where the barriers' privacy threshold is higher
(:func:`public_min_count`), so nothing barrier-related is published below it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, extract, func, select, text

from ..accounts.models import Office
from ..barriers import services as barriers
from ..core.i18n import current_language, localized
from ..core.stats import AGE_BUCKETS, MIN_COUNT
from ..core.time import utcnow
from ..districts.models import District
from ..extensions import db
from ..proposals.models import Category
from ..workflow import services as workflow
from ..workflow.models import (
    COUNT_DIMENSIONS,
    DAY_DIMENSIONS,
    DAY_MEASURES,
    WorkItem,
    WorkItemCount,
    WorkItemDays,
)

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


# SQLite allows 500 terms in a compound SELECT: the offset probes go in batches below that.
PROBES_PER_QUERY = 200
MEASURES = {column: measure for measure, column in DAY_MEASURES.items()}


def _rank_buckets(group: Any, probes: list[tuple[Any, Any, int, int, int]]) -> dict:
    """Per probe number of ``probes`` (column, key, percentile, rank, ranks): ``(bucket,
    items below it)`` of the bucket of :class:`WorkItemDays` that holds the rank, from a
    running sum over the kept day counts of the grouping (one query, ordered by the primary
    key: a few thousand small rows at 200,000 items), so that the probe starts there. Probes
    of a grouping without kept days are left out (they walk from the nearer end)."""
    dimension = group.key.removesuffix("_id")
    if dimension not in DAY_DIMENSIONS:
        return {}
    wanted: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for number, (name, key, _p, low, _ranks) in enumerate(probes):
        if name in MEASURES:
            slot = (0 if key is None else int(key), MEASURES[name])
            wanted.setdefault(slot, []).append((int(low), number))
    for ranks in wanted.values():
        ranks.sort()
    found: dict[int, tuple[int, int]] = {}
    rows = db.session.execute(
        select(WorkItemDays.key_id, WorkItemDays.measure, WorkItemDays.day, WorkItemDays.n)
        .where(WorkItemDays.dimension == dimension, WorkItemDays.n != 0)
        .order_by(WorkItemDays.key_id, WorkItemDays.measure, WorkItemDays.day)
    )
    slot, below, pending = None, 0, []
    for key_id, measure, day, n in rows:
        if (key_id, measure) != slot:
            slot, below = (key_id, measure), 0
            pending = list(wanted.get(slot, ()))
        while pending and pending[0][0] < below + n:  # the rank is in this bucket
            found[pending.pop(0)[1]] = (int(day), below)
        below += n
    return found


def grouped_percentiles(
    group: Any,
    counts: dict[Any, dict[Any, int]],
    percentiles: Sequence[int] = PERCENTILES,
    *,
    min_count: int = MIN_COUNT,
) -> dict[Any, dict[Any, tuple[int, dict[int, float | None]]]]:
    """Per stored duration column of the work items (named by the keys of ``counts``) and
    value of ``group``: ``(n, {p: percentile})``, where ``counts[name][key]`` is ``n``, the
    number of the group's non-``NULL`` values; computed like
    :func:`app.core.stats.percentile`, ``None`` below ``min_count``.

    The values come from an index on ``(group, column)``: per column, group and percentile
    one probe ``ORDER BY column LIMIT 2 OFFSET k`` (from the nearer end), all probes
    ``UNION ALL``-ed into one statement (in batches of :data:`PROBES_PER_QUERY`), so at most
    two values per percentile and group leave the database and nothing is computed per row.
    Every group with a value is probed (also below the threshold, whose figures are then
    dropped): the number of statements does not depend on the items."""
    result: dict[Any, dict[Any, tuple[int, dict[int, float | None]]]] = {}
    # (column, key, percentile, first rank, number of ranks)
    probes: list[tuple[Any, Any, int, int, int]] = []
    for name, by_key in counts.items():
        result[name] = {}
        for key, n in by_key.items():
            result[name][key] = (n, dict.fromkeys(percentiles))
            if n == 0:
                continue
            for p in percentiles:
                low = math.floor((n - 1) * p / 100)
                probes.append((name, key, p, low, 2 if low + 1 < n else 1))
    found: dict[int, list[float]] = {}
    table = WorkItem.__table__
    group_name = table.c[group.key].name
    starts = _rank_buckets(group, probes)
    rest = list(enumerate(probes))
    if _dialect() == "postgresql":
        rest = _lateral_probes(group_name, probes, starts, found)
    for start in range(0, len(rest), PROBES_PER_QUERY):
        # Written as SQL text: built per request, hundreds of SQLAlchemy subqueries cost
        # more to construct than the database takes to answer them. Only integers from here
        # and column names of the model go into it.
        parts = []
        for number, (name, key, _p, low, ranks) in rest[start : start + PROBES_PER_QUERY]:
            n = counts[name][key]
            column = table.c[name].name
            ascending = low <= n - low - ranks
            offset = low if ascending else n - low - ranks
            where = f"{group_name} IS NULL" if key is None else f"{group_name} = {int(key)}"
            if number in starts:  # from the bucket that holds the rank: walks one bucket
                day, below = starts[number]
                ascending, offset = True, low - below
                if day > 0:
                    where += f" AND {column} >= {int(day)}"
            parts.append(
                f"SELECT {int(number)} AS probe, v FROM (SELECT {column} AS v "  # noqa: S608
                f"FROM {table.name} WHERE {where} AND {column} IS NOT NULL "
                f"ORDER BY {column} {'ASC' if ascending else 'DESC'} "
                f"LIMIT {int(ranks)} OFFSET {int(offset)}) AS probe_{int(number)}"
            )
        for probe, v in db.session.execute(text(" UNION ALL ".join(parts))):
            found.setdefault(int(probe), []).append(float(v))
    for number, (name, key, p, low, _ranks) in enumerate(probes):
        n = counts[name][key]
        pair = sorted(found.get(number, []))  # the ranks low and low + 1, either direction
        if not pair or n < min_count:
            continue
        h = (n - 1) * p / 100
        if len(pair) == 1 or h == low:
            result[name][key][1][p] = pair[0]
        else:
            result[name][key][1][p] = pair[0] + (pair[1] - pair[0]) * (h - low)
    return result


LATERAL_PROBES_PER_QUERY = 1000


def _lateral_probes(
    group_name: str,
    probes: list[tuple[Any, Any, int, int, int]],
    starts: dict[int, tuple[int, int]],
    found: dict[int, list[float]],
) -> list[tuple[int, tuple]]:
    """PostgreSQL: the probes that start in a kept bucket of a group with a value, per
    column ONE statement — a ``VALUES`` list of (probe, group, bucket, offset) joined
    ``LATERAL`` to the index probe — planned once, not once per probe (a ``UNION ALL`` of
    200 probes took 140–290 ms to plan and 50 ms to run on the loaded bench machine).
    ``LIMIT 2`` for every probe: when only one rank is wanted it is the group's last
    value, and nothing follows it. Fills ``found``; returns the other probes."""
    by_column: dict[str, list[str]] = {}
    rest = []
    for number, (name, key, _p, low, _ranks) in enumerate(probes):
        if number not in starts or key is None:
            rest.append((number, probes[number]))
            continue
        day, below = starts[number]
        lowest = "'-Infinity'::float8" if day <= 0 else f"{int(day)}::float8"
        by_column.setdefault(WorkItem.__table__.c[name].name, []).append(
            f"({int(number)}, {int(key)}, {lowest}, {int(low - below)})"
        )
    for column, values in by_column.items():
        for start in range(0, len(values), LATERAL_PROBES_PER_QUERY):
            batch = ", ".join(values[start : start + LATERAL_PROBES_PER_QUERY])
            statement = (  # integers and the model's column names only
                f"SELECT w.probe, p.v FROM (VALUES {batch}) AS w (probe, key_id, lowest, skip) "  # noqa: S608
                f"CROSS JOIN LATERAL (SELECT {column} AS v FROM work_items "
                f"WHERE {group_name} = w.key_id AND {column} >= w.lowest "
                f"ORDER BY {column} LIMIT 2 OFFSET w.skip) AS p"
            )
            for probe, v in db.session.execute(text(statement)):
                found.setdefault(int(probe), []).append(float(v))
    return rest


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


def _open_ids() -> list[int]:
    """The open statuses (IN, not NOT IN: one index range per status)."""
    return sorted(s.id for s in workflow.statuses(include_inactive=True) if not s.closed)


def _closed_ids() -> set[int]:
    return {s.id for s in workflow.statuses(include_inactive=True) if s.closed}


def _dimension(group: Any) -> str:
    """The :class:`WorkItemCount` dimension of a grouping column (``WorkItem.office_id``)."""
    name = group.key.removesuffix("_id")
    if name not in COUNT_DIMENSIONS:
        raise ValueError(f"no counts kept by {group.key!r}")
    return name


def _counts(group: Any) -> list:
    """The kept counts of ``group`` per value and status (the rows that count something;
    plain rows with the columns of :class:`WorkItemCount`, no ORM objects)."""
    columns = list(WorkItemCount.__table__.c)
    return list(
        db.session.execute(
            select(*columns).where(
                WorkItemCount.dimension == _dimension(group), WorkItemCount.items != 0
            )
        )
    )


def _key(key_id: int) -> int | None:
    return None if key_id == 0 else key_id


def _status_rows(group: Any, counts: list | None = None) -> list[tuple]:
    """``(key, status id, count)`` per value of ``group`` and status, from the counts kept
    on write (:class:`app.workflow.models.WorkItemCount`)."""
    found = _counts(group) if counts is None else counts
    return [(_key(c.key_id), c.status_id, int(c.items)) for c in found]


def _status_counts(rows: Iterable[tuple[Any, int, int]]) -> dict[Any, dict[str, int]]:
    """Inputs, open and closed per key of :func:`_status_rows`' rows (the closed flag from
    the statuses)."""
    closed_ids = _closed_ids()
    found: dict[Any, dict[str, int]] = {}
    for key, status_id, n in rows:
        entry = found.setdefault(key, {"inputs": 0, "open": 0, "closed": 0})
        entry["inputs"] += n
        entry["closed" if status_id in closed_ids else "open"] += n
    return found


@dataclass(frozen=True)
class _ResponseCounts:
    answered: int
    on_time: int
    on_time_base: int
    closed: int


def _not_yet_due(group: Any, today: date) -> dict[Any, int]:
    """Per value of ``group``: the unanswered items whose due date is today or later — the
    only part of the figures that changes with the date alone. A range of the index
    ``(first_response_at, due_on)``: the items of the last weeks, not the table."""
    rows = db.session.execute(
        select(group, func.count())
        .select_from(WorkItem)
        .where(WorkItem.first_response_at.is_(None), WorkItem.due_on >= today)
        .group_by(group)
    )
    return {key: int(n) for key, n in rows}


def _response_counts(
    group: Any, today: date, counts: list | None = None
) -> dict[Any, _ResponseCounts]:
    """Per value of ``group``: the answered items, those answered by the due date, the base
    of the share (answered with a due date, or unanswered and past the due date) and the
    closed items with a closure time. From the counts kept on write; "unanswered and past
    the due date" is the kept "unanswered with a due date" less :func:`_not_yet_due`."""
    totals: dict[Any, list[int]] = {}
    for c in _counts(group) if counts is None else counts:
        entry = totals.setdefault(_key(c.key_id), [0, 0, 0, 0, 0])
        for i, value in enumerate(
            (c.answered, c.on_time, c.timed, c.unanswered_due, c.closed_timed)
        ):
            entry[i] += int(value)
    pending = _not_yet_due(group, today)
    return {
        key: _ResponseCounts(answered, on_time, timed + due - pending.get(key, 0), closed)
        for key, (answered, on_time, timed, due, closed) in totals.items()
    }


def _timing(found: dict) -> dict[Any, Timing]:
    return {k: Timing(n, figures[50], figures[90]) for k, (n, figures) in found.items()}


def _groups(
    group: Any,
    labels: dict[Any, tuple[str, str]],
    threshold: int,
    none_label: str,
    kept: list | None = None,
) -> list[Group]:
    kept = _counts(group) if kept is None else kept
    counts = _status_counts(_status_rows(group, kept))
    responses = _response_counts(group, utcnow().date(), kept)
    found_timings = grouped_percentiles(
        group,
        {
            "first_response_days": {k: c.answered for k, c in responses.items()},
            "closure_days": {k: c.closed for k, c in responses.items()},
        },
        min_count=threshold,
    )
    first = _timing(found_timings["first_response_days"])
    closure = _timing(found_timings["closure_days"])
    result = []
    for key, found in counts.items():
        label, number = labels.get(key, (none_label, ""))
        response = first.get(key, NO_TIMING)
        answered = responses.get(key, _ResponseCounts(0, 0, 0, 0))
        result.append(
            Group(
                key=key,
                label=label,
                number=number,
                answered=response.n,
                on_time=answered.on_time,
                on_time_base=answered.on_time_base,
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


def responsiveness(
    threshold: int = MIN_COUNT, kept: dict[str, list] | None = None
) -> Responsiveness:
    """Per office and per district: counts, days to first response and to closure
    (``kept``: :func:`_counts` of ``"office"`` and ``"district"`` if already read)."""
    rows = kept or {}
    return Responsiveness(
        by_office=_groups(
            WorkItem.office_id,
            _office_labels(),
            threshold,
            _("No office yet"),
            rows.get("office"),
        ),
        by_district=_groups(
            WorkItem.district_id,
            _district_labels(),
            threshold,
            _("No district"),
            rows.get("district"),
        ),
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


def backlog(now: datetime | None = None, kept: list | None = None) -> list[dict]:
    """The open items by age in whole days, in the buckets of ``AGE_BUCKETS`` (zeros
    included): an age below ``highest + 1`` days is a creation after ``now`` minus that
    many days, so one query counts ranges of ``(status, created_at)`` — only the items of
    the youngest buckets (index-only); the oldest bucket is the rest of the open items,
    whose number is kept on write (``kept``: the district counts if already read)."""
    moment = now or utcnow()
    open_ids = _open_ids()
    limits = [(key, highest) for key, _label, highest in AGE_BUCKETS if highest is not None]
    younger = [
        func.sum(case((WorkItem.created_at > moment - timedelta(days=highest + 1), 1), else_=0))
        for _key, highest in limits
    ]
    oldest_limit = moment - timedelta(days=max(highest for _key, highest in limits) + 1)
    row = db.session.execute(
        select(*younger)
        .select_from(WorkItem)
        .where(WorkItem.status_id.in_(open_ids), WorkItem.created_at > oldest_limit)
    ).one()
    counted = _counts(WorkItem.district_id) if kept is None else kept
    total = sum(int(c.items) for c in counted if c.status_id in open_ids)
    cumulative = [int(v or 0) for v in row]
    counts, below = {}, 0
    for (key, _highest), upto in zip(limits, cumulative, strict=True):
        counts[key] = upto - below
        below = upto
    counts[AGE_BUCKETS[-1][0]] = total - below
    return [
        {"key": key, "label": str(label), "count": counts.get(key, 0)}
        for key, label, _highest in AGE_BUCKETS
    ]


def _by_district_status(
    statuses: list[StatusColumn], rows: list[tuple[Any, int, int]]
) -> tuple[list[dict], dict[int, int]]:
    labels = _district_labels()
    none = (_("No district"), "")  # translated once, not per row
    table: dict[Any, dict] = {}
    totals: dict[int, int] = {s.id: 0 for s in statuses}
    for district_id, status_id, n in rows:
        name, number = labels.get(district_id) or none
        entry = table.setdefault(
            district_id,
            {"key": district_id, "label": name, "number": number, "cells": {}, "total": 0},
        )
        entry["cells"][status_id] = int(n)
        entry["total"] += int(n)
        totals[status_id] = totals.get(status_id, 0) + int(n)
    ordered = sorted(table.values(), key=lambda e: (e["key"] is None, e["number"]))
    return ordered, totals


def _counts_by(
    rows: list[tuple[Any, int, int]], labels: dict[Any, str], none_label: str
) -> list[dict]:
    result = [
        {"key": key, "label": labels.get(key, none_label), **found}
        for key, found in _status_counts(rows).items()
    ]
    return sorted(result, key=lambda e: (e["key"] is None, -e["inputs"], e["label"]))


def figures() -> Figures:
    """The back office's figures: a constant number of queries, whatever the number of
    items (each GROUP BY over the work items runs once and feeds every table)."""
    language = current_language()
    statuses = [
        StatusColumn(s.id, s.name(language), s.closed)
        for s in workflow.statuses(include_inactive=True)
    ]
    kept = {
        "district": _counts(WorkItem.district_id),
        "office": _counts(WorkItem.office_id),
    }
    by_district_status, totals = _by_district_status(
        statuses, _status_rows(WorkItem.district_id, kept["district"])
    )
    categories = {c.id: localized(c, "name") for c in db.session.scalars(select(Category))}
    offices = {key: label for key, (label, _number) in _office_labels().items()}
    found_backlog = backlog(kept=kept["district"])
    return Figures(
        statuses=statuses,
        by_district_status=by_district_status,
        status_totals=totals,
        by_category=_counts_by(_status_rows(WorkItem.category_id), categories, _("No category")),
        by_office=_counts_by(
            _status_rows(WorkItem.office_id, kept["office"]), offices, _("No office yet")
        ),
        backlog=found_backlog,
        backlog_total=sum(b["count"] for b in found_backlog),
        responsiveness=responsiveness(kept=kept),
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
