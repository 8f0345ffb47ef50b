"""Timing of the effect monitoring of a measure ("Entwicklung im Vergleich").

Run from the repository root: ``.venv/bin/python bench/effects_bench.py``.

Prints the time to compute the figures of one measure (two treated districts) over 53 districts
× 15 years × 5 target indicators — comparison groups, difference-in-differences per year, the
pre-trend verdict and the placebo rank over every untreated district — with the pure functions
of :mod:`app.measures.effects` (the loader adds a fixed number of queries), and the ratio to
the 200 ms target.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from app.measures.effects import compute_effect

TARGET_SECONDS = 0.200
DISTRICTS = 53
YEARS = list(range(2010, 2025))
INDICATORS = 5
START = 2018
TREATED = [12, 13]


def series(seed: int) -> dict[int, dict[int, float]]:
    rng = random.Random(seed)
    out = {}
    for d in range(1, DISTRICTS + 1):
        level = rng.uniform(2, 40)
        trend = rng.gauss(0.3, 0.2)
        out[d] = {
            y: level
            + trend * (y - YEARS[0])
            + rng.gauss(0, 0.3)
            - (1.5 if d in TREATED and y >= START else 0)
            for y in YEARS
        }
    return out


def grid_neighbours() -> dict[int, set[int]]:
    """53 districts on an 8-wide grid; neighbours share an edge."""
    width = 8
    out: dict[int, set[int]] = {d: set() for d in range(1, DISTRICTS + 1)}
    for d in out:
        row, col = divmod(d - 1, width)
        for r, c in ((row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)):
            other = r * width + c + 1
            if 0 <= c < width and other in out and other != d:
                out[d].add(other)
    return out


def main() -> None:
    data = [series(seed) for seed in range(INDICATORS)]
    rng = random.Random(99)
    weights = {d: rng.uniform(300, 25000) for d in range(1, DISTRICTS + 1)}
    neighbours = grid_neighbours()
    app = create_app("testing")

    def measure() -> list:
        return [
            compute_effect(
                f"ind{i}",
                s,
                TREATED,
                START,
                excluded={40},
                neighbours=neighbours,
                weights=weights,
                direction="down",
            )
            for i, s in enumerate(data)
        ]

    with app.test_request_context():
        found = measure()
        best = float("inf")
        for _ in range(7):
            start = time.perf_counter()
            measure()
            best = min(best, time.perf_counter() - start)
    placebo = found[0]
    print(
        f"effects of one measure: {DISTRICTS} districts x {len(YEARS)} years"
        f" x {INDICATORS} indicators"
    )
    print(
        f"  placebo districts per indicator: {placebo.placebo_of},"
        f" rank of the measure: {placebo.placebo_rank}"
    )
    print(f"  mean DiD (planted -1.5): {', '.join(f'{e.mean_did:+.2f}' for e in found)}")
    print(
        f"  best of 7: {best * 1000:.1f} ms"
        f" (target {TARGET_SECONDS * 1000:.0f} ms, ratio {best / TARGET_SECONDS:.2f})"
    )


if __name__ == "__main__":
    main()
