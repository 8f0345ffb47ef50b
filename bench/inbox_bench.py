"""Benchmark for the planners' inbox (issue 11).

Generates 200,000 proposals with their work items (bulk inserts: districts, categories,
statuses, offices, supports counted on the work items, two years of creation times, titles
from a small vocabulary so that full-text search has work to do) on SQLite and — when
PostgreSQL answers at ``BENCH_POSTGRES_URL`` — in a scratch database
``quartier_bench_inbox`` (created and dropped). SQLite's FTS table is rebuilt once
(``search.reindex``, timed); PostgreSQL computes the stored search vectors on insert (their
GIN index). The figures' kept counts (``work_item_counts``, ``work_item_days``) are counted
once after the bulk inserts (``workflow.services.bulk_counts``, as for any bulk load; per-row
triggers would take minutes on PostgreSQL).

Then, logged in as a planner, in-process (Flask's test client), median and p95 of:
- the inbox page, default order;
- the inbox with three filters and a full-text search (target ≤ 150 ms median);
- "most supported" with "supports ≥ 5" and a district;
- the back-office figures (dashboard) page, computed live and from its cache (target ≤
  300 ms);
and the CSV export of 20,000 and of all 200,000 rows and the XLSX export of all rows, each
streamed in a separate process: total and CPU time, time to the first byte, size and peak
RSS (``ru_maxrss``; flat memory: about the same as for 20,000 rows).

Measured on the shared 2-core machine (load average 11–19 from other work, so wall times are
inflated several times; compare within one run, and the CPU column): see the report of
issue 11's back-office work and the docstrings of app/core/search.py, app/backoffice/
services.py (``_words_condition``) and app/responsiveness/services.py.

Usage: ``.venv/bin/python bench/inbox_bench.py`` (prints figures; not a timed test);
``… inbox_bench.py --measure <database URL>`` measures a database filled by an earlier run;
``BENCH_ITEMS=50000`` for a smaller (quicker) run.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import on_sqlite_and_postgres  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

ITEMS = int(os.environ.get("BENCH_ITEMS", "200000"))  # e.g. BENCH_ITEMS=50000 for a quick run
SAMPLES = 7
PG_NAME = "quartier_bench_inbox"
PASSWORD = "bench password 1"
WORDS = (
    "Spielplatz sanieren",
    "Mehr Bänke am Teich",
    "Beleuchtung im Park",
    "Radweg verbreitern",
    "Treffpunkt für Jugendliche",
    "Bücherschrank aufstellen",
    "Öffnungszeiten verlängern",
    "Neue Spielplätze für Kinder",
    "Sichere Schulwege",
    "Bushaltestelle mit Dach",
)
INBOX = "/verwaltung/eingang/"
PAGES = (
    ("inbox, default order", INBOX),
    (
        "3 filters + full text (target ≤ 150 ms)",
        INBOX + "?district=23&category=green-play&status_type=open&q=Spielpl%C3%A4tze",
    ),
    (
        "3 filters + full text, newest",
        INBOX + "?council=moskauer-platz&status=new&answered=no&q=Spielplatz&sort=newest",
    ),
    ("most supported, supports ≥ 5, district", INBOX + "?sort=supported&supports=5&district=01"),
    ("full text only", INBOX + "?q=Bushaltestelle"),
)


def _app(url: str):
    from app import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


def fill(url: str) -> None:
    from app.accounts import services as accounts
    from app.accounts.models import Office
    from app.core import search
    from app.core.time import utcnow
    from app.districts.models import District
    from app.districts.services import load_districts
    from app.extensions import db
    from app.proposals.models import Category, Proposal
    from app.proposals.services import load_categories
    from app.workflow.models import StatusChange, WorkflowStatus, WorkItem, durations
    from app.workflow.services import bulk_counts, load_statuses

    app = _app(url)
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
        districts = db.session.execute(
            select(District.id, District.label_lat, District.label_lon)
        ).all()
        categories = db.session.scalars(select(Category.id)).all()
        statuses = db.session.execute(select(WorkflowStatus.id, WorkflowStatus.closed)).all()
        rng = random.Random(11)
        now = utcnow()
        t0 = time.perf_counter()
        with bulk_counts():  # the figures' counts once at the end, not per row
            proposals, items, history = [], [], []
            for i in range(1, ITEMS + 1):
                district_id, lat, lon = rng.choice(districts)
                category_id = rng.choice(categories)
                created = now - timedelta(days=rng.uniform(0, 730))
                status_id, closed = rng.choice(statuses)
                answered = closed or rng.random() < 0.6
                first = created + timedelta(days=rng.expovariate(1 / 12)) if answered else None
                closed_at = first + timedelta(days=rng.expovariate(1 / 40)) if closed else None
                due_on = (created + timedelta(days=30)).date()
                proposals.append(
                    {
                        "id": i,
                        "title": f"{rng.choice(WORDS)} {i}",
                        "description": "Ein Vorschlag für den Benchmark des Eingangs.",
                        "category_id": category_id,
                        "lat": lat + rng.uniform(-0.005, 0.005),
                        "lon": lon + rng.uniform(-0.005, 0.005),
                        "district_id": district_id,
                        "address": "",
                        "place_from_map": True,
                        "is_demo": True,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                items.append(
                    {
                        "id": i,
                        "target_type": "proposal",
                        "target_id": i,
                        "status_id": status_id,
                        "office_id": rng.choice(office_ids) if rng.random() < 0.9 else None,
                        "district_id": district_id,
                        "category_id": category_id,
                        "due_on": due_on,
                        "created_at": created,
                        "first_response_at": first,
                        "closed_at": closed_at,
                        "support_count": min(int(rng.expovariate(1 / 3)), 200),
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
                history.append(
                    {"work_item_id": i, "to_status_id": status_id, "created_at": created}
                )
                if len(proposals) == 10_000:
                    db.session.execute(insert(Proposal), proposals)
                    db.session.execute(insert(WorkItem), items)
                    db.session.execute(insert(StatusChange), history)
                    proposals, items, history = [], [], []
            if proposals:  # the rest (BENCH_ITEMS not a multiple of 10,000)
                db.session.execute(insert(Proposal), proposals)
                db.session.execute(insert(WorkItem), items)
                db.session.execute(insert(StatusChange), history)
        db.session.commit()
        print(f"  generated {ITEMS:,} proposals and work items in {time.perf_counter() - t0:.1f} s")
        t1 = time.perf_counter()
        indexed = search.reindex(["proposal"])
        db.session.commit()
        if indexed:
            print(
                f"  SQLite FTS index rebuilt ({indexed['proposal']:,} rows) in "
                f"{time.perf_counter() - t1:.1f} s"
            )
        if db.engine.dialect.name == "postgresql":
            for table in ("proposals", "work_items"):
                db.session.execute(text(f"SELECT setval('{table}_id_seq', {ITEMS})"))
            db.session.commit()
            # VACUUM as autovacuum would: sets the visibility map, so that the figures'
            # covering indexes are read index-only (ANALYZE alone leaves heap fetches)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _login(app):
    client = app.test_client()
    login = client.post("/anmelden", data={"email": "planner@example.org", "password": PASSWORD})
    assert login.status_code == 302, login.status_code
    return client


def measure(client, path: str) -> tuple[float, float, int, int, float]:
    """Median and p95 wall time, size, rows and the median CPU time of this process (on
    SQLite the whole request with the database; a figure that the machine's load inflates
    far less than the wall time)."""
    response = client.get(path)  # warm up
    assert response.status_code == 200, (path, response.status_code)
    times, cpu = [], []
    for _ in range(SAMPLES):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    times.sort()
    rows = response.get_data(as_text=True).count('class="inbox-row"')
    return (
        statistics.median(times),
        times[int(len(times) * 0.95) - 1],
        len(response.data),
        rows,
        statistics.median(cpu),
    )


def export_child(url: str, limit: int, fmt: str = "csv") -> None:
    """In a fresh process: stream the export (``fmt``: csv, xlsx) of ``limit`` rows (all: 0),
    print JSON (wall and CPU time)."""
    from app.backoffice import services as backoffice
    from app.extensions import db

    app = _app(url)
    if limit:
        backoffice_limit = limit

        original = backoffice.conditions

        def limited(filters, scope):
            from app.workflow.models import WorkItem

            return [*original(filters, scope), WorkItem.id <= backoffice_limit]

        backoffice.conditions = limited
    client = _login(app)
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(INBOX + f"export.{fmt}", buffered=False)
    assert response.status_code == 200, response.status_code
    first = None
    size = 0
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    total, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with app.app_context():
        db.engine.dispose()
    print(json.dumps({"total": total, "cpu": cpu, "first": first, "size": size, "rss_mb": rss}))


def run(url: str, label: str, *, filled: bool = False) -> None:
    if not filled:
        fill(url)
    from app.extensions import db
    from app.responsiveness import services as responsiveness

    app = _app(url)
    client = _login(app)
    print(f"  {label}: in-process (Flask test client), {SAMPLES} samples, {ITEMS:,} inputs")
    print(f"  load average at the start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    header = ("page", "median", "p95", "size", "rows", "CPU")
    print("  {:<44} {:>9} {:>9} {:>8} {:>5} {:>9}".format(*header))
    baseline = (("baseline: /api/v1/health", "/api/v1/health"),)
    for name, path in (*baseline, *PAGES):
        median, p95, size, rows, cpu = measure(client, path)
        print(
            f"  {name:<44} {median:>7.1f}ms {p95:>7.1f}ms {size / 1024:>6.0f}KB {rows:>5}"
            f" {cpu:>7.1f}ms"
        )
    for mode, seconds in (("computed live", 0), ("from the cache", 300)):
        app.config["RESPONSIVENESS_CACHE_SECONDS"] = seconds
        responsiveness.clear_cache()
        median, p95, size, _rows, cpu = measure(client, "/verwaltung/zahlen/")
        name = f"dashboard figures, {mode} (≤ 300 ms)"
        print(
            f"  {name:<44} {median:>7.1f}ms {p95:>7.1f}ms {size / 1024:>6.0f}KB {'':>5}"
            f" {cpu:>7.1f}ms"
        )
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    for limit, fmt in ((20_000, "csv"), (0, "csv"), (0, "xlsx")):
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--export", url, str(limit), fmt],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows = limit or ITEMS
        print(
            f"  {fmt.upper():<4} export of {rows:>7,} rows: {r['total']:.1f} s (CPU "
            f"{r['cpu']:.1f} s), first byte after {r['first'] * 1000:.0f} ms, "
            f"{r['size'] / 1e6:.1f} MB, peak RSS {r['rss_mb']:.0f} MB"
        )


def main() -> None:
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--export":
        export_child(sys.argv[2], int(sys.argv[3]), *sys.argv[4:])
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":  # a database filled before
        run(sys.argv[2], "given database", filled=True)
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--run":  # fill and measure one given database
        run(sys.argv[2], "given database")
        return
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
