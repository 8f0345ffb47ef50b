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
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app
from app.barriers.models import Offer, OfferType
from app.barriers.services import load_offer_types
from app.districts.models import District
from app.districts.services import load_districts
from app.extensions import db
from app.indicators.demo import load_demo_data
from app.locations import criteria as loaded
from app.locations.scoring import CriterionInput, rank
from app.locations.services import CriterionRow

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


def from_database() -> tuple[float, int]:
    """The whole scenario as the result page computes it: 8 criteria read from a scratch SQLite
    database with the SYNTHETIC demo indicators (53 districts), then ranked with 1,000 draws.
    Returns (median seconds, districts ranked)."""
    tmp = Path(tempfile.mkdtemp(prefix="quartier-locations-bench-"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'bench.sqlite'}")
    rows = [
        CriterionRow("social_status", {}, 0, 3),
        CriterionRow("social_dynamic", {}, 0, 1),
        CriterionRow("indicator", {"code": "sgb2_rate"}, 0, 2),
        CriterionRow("indicator", {"code": "grammar_school"}, 0, 2),
        CriterionRow("barriers", {}, 0, 1),
        CriterionRow("needs", {}, 0, 1),
        CriterionRow("proposals", {}, 0, 1),
        CriterionRow("distance", {"offer_type": "library"}, 0, 2),
    ]
    with app.app_context():
        db.create_all()
        load_districts()
        load_demo_data()
        load_offer_types()
        library = db.session.scalar(db.select(OfferType).where(OfferType.slug == "library"))
        for d in db.session.scalars(db.select(District).order_by(District.number).limit(6)):
            db.session.add(
                Offer(
                    name=f"Bibliothek {d.number}",
                    type_id=library.id,
                    lat=d.label_lat,
                    lon=d.label_lon,
                    district_id=d.id,
                )
            )
        db.session.commit()
    with app.test_request_context():
        found = loaded.evaluate(rows)
        times = []
        for _ in range(RUNS):
            db.session.expire_all()
            start = time.perf_counter()
            loaded.evaluate(rows)
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(found.ranking.rows)


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
    seconds, ranked = from_database()
    print(
        f"  with the loading from SQLite (demo data, {ranked} districts ranked): median"
        f" {seconds * 1000:.1f} ms; ratio {seconds / TARGET_SECONDS:.2f}"
    )
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
