"""Benchmark for locating a point in a district.

Prints: lookups per second of ``locate()`` (points spread over the city, and points outside),
then requests per second of ``/api/v1/locate`` beside the trivial ``/api/v1/health`` endpoint,
both served by the same gunicorn in the same run. Usage: ``.venv/bin/python bench/locate_bench.py``
"""

from __future__ import annotations

import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import gunicorn, measure_paths  # noqa: E402

from app import create_app  # noqa: E402
from app.districts.services import OutsideCity, get_locator, load_districts, locate  # noqa: E402
from app.extensions import db  # noqa: E402


def time_locate(points) -> float:
    start = time.perf_counter()
    for lat, lon in points:
        with contextlib.suppress(OutsideCity):
            locate(lat, lon)
    return len(points) / (time.perf_counter() - start)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-"))
    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        load_districts()
        db.session.commit()
        t0 = time.perf_counter()
        locator = get_locator()
        build_ms = (time.perf_counter() - t0) * 1000
        minx, miny, maxx, maxy = locator.boundary.bounds
        rng = random.Random(42)
        inside = [(rng.uniform(miny, maxy), rng.uniform(minx, maxx)) for _ in range(20_000)]
        outside = [(rng.uniform(47, 55), rng.uniform(6, 15)) for _ in range(5_000)]
        rate_mixed = time_locate(inside)
        rate_outside = time_locate(outside)
    print(f"locator build (53 prepared shapes + STR-tree): {build_ms:.1f} ms")
    print(f"locate(), random points in the city's bounding box: {rate_mixed:,.0f} lookups/s")
    print(f"locate(), points far outside:                      {rate_outside:,.0f} lookups/s")

    with gunicorn(url) as port:
        results = measure_paths(
            port, [("locate", "/api/v1/locate?lat=50.99&lon=11.03")], "locate API"
        )
    ratio = results["locate"]["rps"] / results["health"]["rps"]
    print(f"  ratio locate/health: {ratio:.2f}")


if __name__ == "__main__":
    main()
