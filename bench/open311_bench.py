"""Benchmark for Open311 GeoReport v2 (``/open311/v2/``).

Generates 20,000 proposals (over the districts and categories, created over 180 days, with
work items in all statuses and an official answer on every fifth) on SQLite and — when
PostgreSQL answers at ``BENCH_POSTGRES_URL`` — in a scratch database
``quartier_bench_open311`` (created and dropped). Then requests the API in-process with
Flask's test client and prints median and p95 time, size and SQL statements per request: the
default list (the last 90 days, the first 1,000) in JSON and XML, a small page, 100 ids at
once, one request and the services.

Usage: ``.venv/bin/python bench/open311_bench.py`` (prints figures; not a timed test).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import on_sqlite_and_postgres  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.core.time import utcnow  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.proposals.models import Category, Proposal  # noqa: E402
from app.proposals.services import load_categories  # noqa: E402
from app.responses.models import OfficialResponse  # noqa: E402
from app.workflow import services as workflow  # noqa: E402
from app.workflow.models import STATUS_KEYS  # noqa: E402

PROPOSALS = 20_000
SAMPLES = 7
PG_NAME = "quartier_bench_open311"


def fill(app) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_districts()
        accounts.load_offices()
        load_categories()
        workflow.load_statuses()
        db.session.commit()
        rng = random.Random(311)
        now = utcnow()
        t0 = time.perf_counter()
        districts = db.session.execute(
            select(District.id, District.label_lat, District.label_lon)
        ).all()
        categories = db.session.scalars(select(Category.id)).all()
        proposals, answers = [], []
        for pid in range(1, PROPOSALS + 1):
            district_id, lat, lon = rng.choice(districts)
            created = now - timedelta(days=rng.uniform(0, 180))
            proposals.append(
                {
                    "id": pid,
                    "title": f"Vorschlag {pid}",
                    "description": "Ein Vorschlag für den Benchmark. " * 4,
                    "category_id": rng.choice(categories),
                    "lat": lat + rng.uniform(-0.002, 0.002),
                    "lon": lon + rng.uniform(-0.002, 0.002),
                    "district_id": district_id,
                    "address": "",
                    "place_from_map": True,
                    "is_demo": True,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if pid % 5 == 0:
                answers.append(
                    {
                        "target_type": "proposal",
                        "target_id": pid,
                        "role": "planner",
                        "body": "Wir prüfen den Vorschlag.",
                        "created_at": created + timedelta(days=3),
                    }
                )
        for model, rows in ((Proposal, proposals), (OfficialResponse, answers)):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i : i + 5000])
        with workflow.bulk_counts():  # the figures' counts once at the end
            for i in range(0, len(proposals), 5000):
                workflow.import_items(
                    "proposal",
                    [
                        workflow.ImportedItem(
                            target_id=p["id"],
                            status_key=rng.choice(STATUS_KEYS),
                            district_id=p["district_id"],
                            category_id=p["category_id"],
                            created_at=p["created_at"],
                        )
                        for p in proposals[i : i + 5000]
                    ],
                )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SELECT setval('proposals_id_seq', :n)"), {"n": PROPOSALS})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(
            f"  generated {PROPOSALS:,} proposals, {len(answers):,} answers "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        db.session.remove()


def measure(app, client, path: str) -> tuple[float, float, int, int]:
    statements = []

    def count(*_args):
        statements.append(1)

    response = client.get(path)  # warm up
    assert response.status_code == 200, (path, response.status_code, response.data[:300])
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return (
        statistics.median(times),
        times[int(len(times) * 0.95) - 1],
        len(response.data),
        len(statements),
    )


def run(url: str, label: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    fill(app)
    client = app.test_client()
    ids = ",".join(str(i) for i in range(1, PROPOSALS, PROPOSALS // 100))
    print(f"  {label}: in-process (Flask test client), {SAMPLES} samples")
    print("  {:<44} {:>9} {:>9} {:>9} {:>5}".format("request", "median", "p95", "size", "SQL"))
    for name, path in (
        ("requests.json (90 days, first 1,000)", "/open311/v2/requests.json"),
        ("requests.xml (90 days, first 1,000)", "/open311/v2/requests.xml"),
        ("requests.json?page_size=50&page=3", "/open311/v2/requests.json?page_size=50&page=3"),
        ("requests.json?status=closed", "/open311/v2/requests.json?status=closed"),
        (
            "requests.json?service_request_id=(100 ids)",
            f"/open311/v2/requests.json?service_request_id={ids}",
        ),
        ("requests/<id>.json", "/open311/v2/requests/4000.json"),
        ("services.xml", "/open311/v2/services.xml"),
    ):
        median, p95, size, statements = measure(app, client, path)
        print(f"  {name:<44} {median:>7.1f}ms {p95:>7.1f}ms {size / 1024:>7.1f}KB {statements:>5}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
