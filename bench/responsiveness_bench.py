"""Benchmark for the responsiveness figures.

Generates 200,000 work items (spread over the offices, districts, categories and statuses,
created over two years, 80 % answered, the closed ones with a closure time) on SQLite and —
when PostgreSQL answers at ``BENCH_POSTGRES_URL`` — in a scratch database
``quartier_bench_responsiveness`` (created and dropped). Then requests the back office's
figures page (logged in as a planner), the public page and its CSV in-process with Flask's
test client and prints median and p95 time per page (target: ≤ 300 ms), once computed live
on every request (``RESPONSIVENESS_CACHE_SECONDS=0``, what the first request after the cache
time pays) and once as served from the per-process cache (300 s, the default).

Usage: ``.venv/bin/python bench/responsiveness_bench.py`` (prints figures; not a timed test).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import on_sqlite_and_postgres  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts import services as accounts  # noqa: E402
from app.accounts.models import Office  # noqa: E402
from app.core.time import utcnow  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.proposals.models import Category  # noqa: E402
from app.proposals.services import load_categories  # noqa: E402
from app.responsiveness import services as responsiveness  # noqa: E402
from app.workflow.models import WorkflowStatus, WorkItem, durations  # noqa: E402
from app.workflow.services import bulk_counts, load_statuses  # noqa: E402

ITEMS = 200_000
SAMPLES = 7
PG_NAME = "quartier_bench_responsiveness"
PASSWORD = "bench password 1"


def fill(app) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_districts()
        accounts.load_offices()
        load_categories()
        load_statuses()
        planner = accounts.register("planner@example.org", "Planerin", PASSWORD)
        accounts.confirm_email(planner)
        office_ids = db.session.scalars(select(Office.id)).all()
        accounts.grant_role(None, planner, "planner", office_id=office_ids[0])
        db.session.commit()
        districts = db.session.scalars(select(District.id)).all()
        categories = db.session.scalars(select(Category.id)).all()
        statuses = db.session.execute(select(WorkflowStatus.id, WorkflowStatus.closed)).all()
        rng = random.Random(11)
        now = utcnow()
        t0 = time.perf_counter()
        with bulk_counts():  # the figures' counts once at the end
            rows = []
            for i in range(1, ITEMS + 1):
                created = now - timedelta(days=rng.uniform(0, 730))
                status_id, closed = rng.choice(statuses)
                answered = closed or rng.random() < 0.8
                first = created + timedelta(days=rng.expovariate(1 / 12)) if answered else None
                closed_at = first + timedelta(days=rng.expovariate(1 / 40)) if closed else None
                due_on = (created + timedelta(days=30)).date()
                rows.append(
                    {
                        "target_type": "proposal",
                        "target_id": i,
                        "status_id": status_id,
                        "office_id": rng.choice(office_ids) if rng.random() < 0.95 else None,
                        "district_id": rng.choice(districts),
                        "category_id": rng.choice(categories),
                        "due_on": due_on,
                        "created_at": created,
                        "first_response_at": first,
                        "closed_at": closed_at,
                        "updated_at": now,
                        # the stored durations (Core inserts bypass the ORM's events)
                        **durations(
                            created_at=created,
                            first_response_at=first,
                            closed_at=closed_at,
                            due_on=due_on,
                            closed=closed,
                        ),
                    }
                )
                if len(rows) == 10_000:
                    db.session.execute(insert(WorkItem), rows)
                    rows = []
            if rows:
                db.session.execute(insert(WorkItem), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # VACUUM as autovacuum would: sets the visibility map, so that the figures'
            # covering indexes are read index-only (ANALYZE alone leaves heap fetches)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"  generated {ITEMS:,} work items in {time.perf_counter() - t0:.1f} s")
        db.session.remove()


def measure(client, path: str) -> tuple[float, float, int]:
    response = client.get(path)  # warm up
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(response.data)


def run(url: str, label: str) -> None:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    fill(app)
    client = app.test_client()
    login = client.post("/anmelden", data={"email": "planner@example.org", "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    for mode, seconds in (("computed live", 0), ("from the cache", 300)):
        app.config["RESPONSIVENESS_CACHE_SECONDS"] = seconds
        responsiveness.clear_cache()
        print(f"  {label}, {mode}: in-process (Flask test client), {SAMPLES} samples")
        print(f"  load average: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        print(
            "  {:<40} {:>9} {:>9} {:>9}".format("page (target ≤ 300 ms)", "median", "p95", "size")
        )
        for name, path in (
            ("baseline: /api/v1/health", "/api/v1/health"),
            ("back-office figures /verwaltung/zahlen/", "/verwaltung/zahlen/"),
            ("public page", "/wie-schnell-antwortet-die-stadt"),
            ("public CSV", "/wie-schnell-antwortet-die-stadt.csv"),
        ):
            median, p95, size = measure(client, path)
            print(f"  {name:<40} {median:>7.1f}ms {p95:>7.1f}ms {size / 1024:>7.1f}KB")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
