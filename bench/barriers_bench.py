"""Benchmark for the access-barrier endpoints.

Generates 20,000 barrier reports (with 1–3 affected people each, 1–3 barrier types per
person) about the demo offers and free-text offers across the districts, on SQLite and — when
PostgreSQL answers at ``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432``)
— on PostgreSQL in a scratch database ``quartier_bench_barriers`` (created and dropped).
Then serves the app with gunicorn and prints median / p95 latency and response size of
``/api/v1/barriers/summary`` and ``/api/v1/barriers`` (one district's bbox, whole city),
and requests per second beside ``/api/v1/health``.

Usage: ``.venv/bin/python bench/barriers_bench.py`` (prints figures; not a timed test).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import gunicorn, measure_paths, on_sqlite_and_postgres  # noqa: E402
from shapely.geometry import shape  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.barriers import services  # noqa: E402
from app.barriers.models import (  # noqa: E402
    AFFECTED,
    AGE_GROUPS,
    BARRIER_TYPES,
    AffectedBarrier,
    AffectedPerson,
    BarrierReport,
    Offer,
)
from app.demo.barriers import DEMO_OFFERS  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402

REPORTS = 20_000
PG_NAME = "quartier_bench_barriers"


def fill(url: str) -> str:
    """Create the schema and the data; returns one district's bbox query value."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_districts()
        services.load_offer_types()
        report = services.validate_offer_csv(DEMO_OFFERS.read_text(encoding="utf-8"))
        services.import_offers(None, report, is_demo=True)
        db.session.commit()
        offers = db.session.scalars(select(Offer.id)).all()
        districts = db.session.scalars(select(District.id)).all()
        rng = random.Random(7)
        t0 = time.perf_counter()
        reports, people, types = [], [], []
        person_id = 0
        for report_id in range(1, REPORTS + 1):
            free_text = rng.random() < 0.1
            n_people = rng.choice((1, 1, 1, 2, 3))
            first_codes = None
            for k in range(n_people):
                person_id += 1
                codes = rng.sample(BARRIER_TYPES, rng.choice((1, 1, 2, 3)))
                if k == 0:
                    first_codes = codes
                people.append(
                    {
                        "id": person_id,
                        "report_id": report_id,
                        "user_id": None,
                        "is_reporter": k == 0,
                        "affected": rng.choice(AFFECTED),
                        "age_group": rng.choice(AGE_GROUPS),
                        "participation_benefits": "not_stated",
                    }
                )
                types.extend({"affected_id": person_id, "barrier_type": c} for c in codes)
            reports.append(
                {
                    "id": report_id,
                    "offer_id": None if free_text else rng.choice(offers),
                    "offer_text": "Kurs im Stadtteil" if free_text else None,
                    "district_from_id": rng.choice(districts),
                    "text": "Der Bus fährt abends nicht mehr.",
                    "barrier_codes": ",".join(c for c in BARRIER_TYPES if c in first_codes),
                    "affected_count": n_people,
                    "visibility": "public" if rng.random() < 0.85 else "administration",
                    "is_demo": True,
                }
            )
        for model, rows in (
            (BarrierReport, reports),
            (AffectedPerson, people),
            (AffectedBarrier, types),
        ):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i : i + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval('barrier_reports_id_seq', :n)"), {"n": REPORTS})
            db.session.execute(
                text("SELECT setval('barrier_affected_people_id_seq', :n)"), {"n": person_id}
            )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        print(
            f"  generated {len(reports):,} reports, {len(people):,} affected people, "
            f"{len(types):,} barrier choices in {time.perf_counter() - t0:.1f} s"
        )
        altstadt = db.session.scalar(select(District).where(District.number == "01"))
        minx, miny, maxx, maxy = shape(json.loads(altstadt.geometry)).bounds
        db.session.remove()
        db.engine.dispose()
    return f"{minx:.5f},{miny:.5f},{maxx:.5f},{maxy:.5f}"


def run(url: str, label: str) -> None:
    bbox = fill(url)
    with gunicorn(url) as port:
        measure_paths(
            port,
            [
                ("summary", "/api/v1/barriers/summary"),
                ("barriers, one district bbox (01)", f"/api/v1/barriers?bbox={bbox}"),
                ("barriers, whole city (default limit 500)", "/api/v1/barriers"),
                ("barriers, whole city, limit=2000", "/api/v1/barriers?limit=2000"),
                ("offers, whole city", "/api/v1/offers"),
            ],
            label,
        )


def main() -> None:
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
