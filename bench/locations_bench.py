"""Timing of a location scenario ("where should the next site go?").

Run from the repository root: ``.venv/bin/python bench/locations_bench.py``.

Prints the median time to rank 53 districts by 8 criteria (min-max normalisation, weights,
contributions) including the stability figure of the top 5 over 1,000 seeded draws of the
weights (each ×U(0.8, 1.2)), with the pure functions of :mod:`app.locations.scoring` (the
loader adds a fixed number of queries per criterion), and the ratio to the 500 ms target.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.locations.scoring import CriterionInput, rank

TARGET_SECONDS = 0.500
DISTRICTS = 53
CRITERIA = 8
DRAWS = 1000
RUNS = 15


def criteria(seed: int = 5) -> list[CriterionInput]:
    rng = random.Random(seed)
    numbers = [f"{d:02d}" for d in range(1, DISTRICTS + 1)]
    return [
        CriterionInput(
            f"c{i}",
            rng.randint(1, 10),
            rng.choice((1, -1)),
            {n: rng.uniform(0, 100) for n in numbers},
        )
        for i in range(CRITERIA)
    ], numbers


def main() -> None:
    found, numbers = criteria()
    result = rank(found, numbers, draws=DRAWS)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        rank(found, numbers, draws=DRAWS)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"location scenario: {DISTRICTS} districts x {CRITERIA} criteria, {DRAWS} draws")
    print("  top 5 stability: " + ", ".join(f"{d} {s:.0%}" for d, s in result.stability.items()))
    print(
        f"  median {median * 1000:.1f} ms (min {min(times) * 1000:.1f} ms, {RUNS} runs);"
        f" target {TARGET_SECONDS * 1000:.0f} ms; ratio {median / TARGET_SECONDS:.2f}"
    )
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
