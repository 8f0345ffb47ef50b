"""Response-time figures (app/core/stats.py): percentiles by linear interpolation (the
"inclusive" method), hidden below a minimum count; the backlog by age; the same percentiles
computed in the database."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Float, cast, literal, select, union_all

from app.core import stats
from app.extensions import db

TEN = [7, 1, 10, 4, 2, 9, 3, 8, 6, 5]  # 1 … 10, unsorted


def test_known_values():
    assert stats.median(TEN) == 5.5
    assert stats.percentile(TEN, 90) == pytest.approx(9.1)  # h = 9 · 0.9 = 8.1: 9 + 0.1 · 1
    assert stats.percentile(TEN, 50) == stats.median(TEN)
    assert stats.percentile(TEN, 0) == 1 and stats.percentile(TEN, 100) == 10
    assert stats.percentile([0, 0, 0, 0, 0, 0, 0, 0, 0, 100], 90) == pytest.approx(10.0)
    assert stats.median([3, 1, 2], min_count=1) == 2
    assert stats.percentile([4], 90, min_count=1) == 4


def test_the_method_is_statistics_quantiles_inclusive():
    rng = random.Random(11)
    for n in (10, 11, 57, 200):
        values = [rng.uniform(0, 120) for _ in range(n)]
        deciles = statistics.quantiles(values, n=10, method="inclusive")
        for k, expected in enumerate(deciles, 1):
            assert stats.percentile(values, k * 10) == pytest.approx(expected)
        assert stats.median(values) == pytest.approx(statistics.median(values))


def test_hidden_below_ten_items():
    assert stats.median(range(9)) is None
    assert stats.percentile(range(9), 90) is None
    assert stats.median(range(10)) == 4.5
    assert stats.median([], min_count=0) is None  # nothing to show
    assert stats.median([1, 2, None, 3], min_count=3) == 2  # None is no value
    assert stats.median([1, 2, None], min_count=3) is None
    assert stats.percentile(range(5), 90, min_count=5) == pytest.approx(3.6)


@pytest.mark.parametrize("p", [-1, 100.5])
def test_percentile_range(p):
    with pytest.raises(ValueError, match="percentile"):
        stats.percentile(TEN, p)


def test_age_bucket_edges():
    assert stats.age_buckets([0, 14, 15, 30, 31, 90, 91, 400]) == {
        "0-14": 2,
        "15-30": 2,
        "31-90": 2,
        "over-90": 2,
    }
    for age, key in [
        (14, "0-14"),
        (15, "15-30"),
        (30, "15-30"),
        (31, "31-90"),
        (90, "31-90"),
        (91, "over-90"),
        (14.5, "15-30"),  # more than 14 days
        (-0.01, "0-14"),  # clocks a moment apart
    ]:
        assert stats.age_bucket(age) == key, age


def test_age_buckets_keep_their_order_and_zeros():
    counts = stats.age_buckets([])
    assert list(counts) == ["0-14", "15-30", "31-90", "over-90"]
    assert set(counts.values()) == {0}
    assert stats.age_buckets([1, 2, 3]) == {"0-14": 3, "15-30": 0, "31-90": 0, "over-90": 0}
    assert [key for key, _label, _highest in stats.AGE_BUCKETS] == list(counts)


def test_bucket_labels_are_translated(app):
    with app.test_request_context():
        labels = [str(label) for _key, label, _highest in stats.AGE_BUCKETS]
    assert labels == ["0–14 Tage", "15–30 Tage", "31–90 Tage", "mehr als 90 Tage"]


def test_days():
    start = datetime(2025, 1, 1, 12)  # naive: UTC
    assert stats.days_between(start, datetime(2025, 1, 2, 0, tzinfo=UTC)) == 0.5
    assert stats.age_in_days(start, datetime(2025, 1, 16, 11, tzinfo=UTC)) == 14
    assert stats.age_in_days(start, datetime(2025, 1, 16, 12, tzinfo=UTC)) == 15
    assert stats.age_in_days(start, start - timedelta(hours=1)) == 0


def _numbers(values):
    """A SELECT of the values as one column, in any database."""
    parts = [select(cast(literal(v), Float).label("days")) for v in values]
    return select(union_all(*parts).subquery().c.days)


def test_sql_percentiles_match_the_python_ones(app, count_queries):
    rng = random.Random(3)
    values = [round(rng.uniform(0, 100), 3) for _ in range(23)]
    with count_queries() as counter:
        result = stats.sql_percentiles(db.session, _numbers([*values, None]), (50, 90, 100))
    assert result[50] == pytest.approx(stats.median(values))
    assert result[90] == pytest.approx(stats.percentile(values, 90))
    assert result[100] == pytest.approx(max(values))
    assert counter.count == 4  # one count, one per percentile


def test_sql_percentiles_hidden_below_ten(app):
    assert stats.sql_percentiles(db.session, _numbers(range(9))) == {50: None, 90: None}
    assert stats.sql_percentiles(db.session, _numbers(range(10))) == {
        50: pytest.approx(4.5),
        90: pytest.approx(8.1),
    }
