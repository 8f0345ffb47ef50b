"""Timing of the effect monitoring of a measure ("Entwicklung im Vergleich").

Run from the repository root: ``.venv/bin/python bench/effects_bench.py``.

Prints the time to compute the figures of one measure (two treated districts) over 53 districts
× 15 years × 5 target indicators — comparison groups, difference-in-differences per year, the
pre-trend verdict and the placebo rank over every untreated district — with the pure functions
of :mod:`app.measures.effects` (the loader adds a fixed number of queries), and the ratio to
the 200 ms target.

Then the same on a scratch SQLite database with the Erfurt districts, through the test client:
``GET /api/v1/measures/<id>/effects`` and the measure page with the per-process cache emptied
before each request (computed) and kept (the data version is read, nothing computed).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import statistics  # noqa: E402
import tempfile  # noqa: E402
from datetime import date  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Office  # noqa: E402
from app.accounts.services import load_offices  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.indicators.models import Indicator, IndicatorValue  # noqa: E402
from app.measures import effects  # noqa: E402
from app.measures import services as measures  # noqa: E402
from app.measures.effects import compute_effect  # noqa: E402

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


def _database_measure() -> int:
    """53 districts × 15 years × 5 rate indicators and the inhabitants; a measure in two
    districts on the five indicators (through the service). Returns its id."""
    load_districts()
    load_offices()
    measures.load_statuses()
    rng = random.Random(5)
    inhabitants = Indicator(
        code="inhabitants",
        name_de="Einwohner",
        name_en="Inhabitants",
        unit="count",
        topic="population",
        direction=0,
    )
    db.session.add(inhabitants)
    targets = []
    for i in range(INDICATORS):
        indicator = Indicator(
            code=f"ind{i}",
            name_de=f"Indikator {i}",
            name_en=f"Indicator {i}",
            unit="percent",
            topic="labour",
            direction=1,
        )
        db.session.add(indicator)
        targets.append(indicator)
    db.session.flush()
    districts = list(db.session.scalars(db.select(District).order_by(District.number)))
    treated = [districts[11].id, districts[12].id]
    rows = []
    for d in districts:
        people = rng.uniform(300, 25000)
        for year in YEARS:
            rows.append(
                {"indicator_id": inhabitants.id, "district_id": d.id, "year": year, "value": people}
            )
        for indicator in targets:
            level, trend = rng.uniform(2, 40), rng.gauss(0.3, 0.2)
            for year in YEARS:
                value = level + trend * (year - YEARS[0]) + rng.gauss(0, 0.3)
                if d.id in treated and year >= START:
                    value -= 1.5
                rows.append(
                    {
                        "indicator_id": indicator.id,
                        "district_id": d.id,
                        "year": year,
                        "value": value,
                    }
                )
    db.session.execute(db.insert(IndicatorValue), rows)
    office = db.session.scalars(db.select(Office)).first()
    measure = measures.save_measure(
        None,
        None,
        measures.MeasureData(
            title="Bench",
            status_key="in_implementation",
            office_ids=[office.id],
            district_ids=treated,
            actual_start=date(START, 3, 1),
            indicators=[(t.id, "down") for t in targets],
        ),
    )
    db.session.commit()
    return measure.id


def _median_ms(client, path: str, cold: bool, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        if cold:
            effects.reset_cache()
        start = time.perf_counter()
        assert client.get(path).status_code == 200, path
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def database_part() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="quartier-effects-bench-"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'effects.sqlite'}")
    with app.app_context():
        db.create_all()
        measure_id = _database_measure()
        client = app.test_client()
        print("through the test client (SQLite, median of 15):")
        for label, path in (
            ("API effects", f"/api/v1/measures/{measure_id}/effects"),
            ("measure page", f"/massnahmen/{measure_id}"),
        ):
            client.get(path)  # warm the districts' caches
            cold = _median_ms(client, path, cold=True)
            warm = _median_ms(client, path, cold=False)
            print(f"  {label}: computed {cold:.1f} ms, cached {warm:.1f} ms")


if __name__ == "__main__":
    main()
    database_part()
