"""Timing of the social index computation.

Run from the repository root: ``.venv/bin/python bench/social_index_bench.py``.

Prints the time to compute (1) the status and dynamics index of Erfurt's 53 districts for each of
the 13 years of the synthetic demo series and (2) the index of 10,000 synthetic areas with six
indicators (three status, three dynamics), and the ratio of the latter to the 2 s target.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.indicators import demo_series
from app.indicators.social_index import compute_index

TARGET_SECONDS = 2.0
STATUS = ("unemployment", "sgb2_rate", "children_sgb2", "grammar_school")
DYNAMIC = ("d_unemployment", "d_sgb2_rate", "d_children_sgb2")


def best_of(repeats: int, function: Callable[[], object]) -> float:
    """Return the best wall-clock time in seconds of ``repeats`` calls of ``function``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


DIRECTIONS = {indicator.code: indicator.direction for indicator in demo_series.INDICATORS}


def erfurt_year(year: int, rows: list[dict[str, object]]) -> None:
    """Compute the index of one year (dynamics only once a two-year change exists)."""
    compute_index(
        rows,
        id_key="id",
        status=STATUS,
        dynamic=DYNAMIC if year >= demo_series.YEARS[0] + 2 else (),
        population_key="inhabitants",
        directions=DIRECTIONS,
    )


def erfurt_years_with_rows() -> None:
    """Build the rows from the demo series and compute the index, for every year."""
    for year in demo_series.YEARS:
        erfurt_year(year, demo_series.index_rows(year))


def synthetic_rows(n: int, seed: int = 1) -> list[dict[str, object]]:
    """Return ``n`` random areas with population, three levels and three changes."""
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for i in range(n):
        level = rng.random()
        rows.append(
            {
                "id": f"{i:05d}",
                "pop": rng.randint(100, 20_000),
                "s1": 2 + 15 * level + rng.gauss(0, 1),
                "s2": 3 + 30 * level + rng.gauss(0, 2),
                "s3": 5 + 50 * level + rng.gauss(0, 3),
                "d1": rng.gauss(0, 0.5),
                "d2": rng.gauss(0, 1.0),
                "d3": rng.gauss(0, 2.0),
            }
        )
    return rows


def main() -> None:
    """Run the benchmarks and print the figures."""
    prepared = {year: demo_series.index_rows(year) for year in demo_series.YEARS}
    erfurt = best_of(5, lambda: [erfurt_year(year, prepared[year]) for year in prepared])
    erfurt_all = best_of(5, erfurt_years_with_rows)
    print(f"Erfurt demo, 53 districts x 13 years (13 index computations): {erfurt * 1000:.1f} ms")
    print(f"  per computation: {erfurt / 13 * 1000:.2f} ms")
    print(f"  including building the rows from the demo series: {erfurt_all * 1000:.1f} ms")

    rows = synthetic_rows(10_000)

    def large() -> None:
        compute_index(
            rows,
            id_key="id",
            status=("s1", "s2", "s3"),
            dynamic=("d1", "d2", "d3"),
            population_key="pop",
        )

    result = compute_index(
        rows,
        id_key="id",
        status=("s1", "s2", "s3"),
        dynamic=("d1", "d2", "d3"),
        population_key="pop",
    )
    seconds = best_of(5, large)
    print(
        f"10,000 areas x 6 indicators (status + dynamics): {seconds * 1000:.1f} ms "
        f"({len(result.areas)} indexed, {len(result.left_out)} under 300 inhabitants)"
    )
    print(f"  ratio to the {TARGET_SECONDS:g} s target: {seconds / TARGET_SECONDS:.3f}")


if __name__ == "__main__":
    main()
