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

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import shape  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

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
from config import database_url  # noqa: E402

REPORTS = 20_000
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = "quartier_bench_barriers"
SAMPLES = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
                    "status": "open",
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


def get(port: int, path: str) -> tuple[float, int, bytes]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, (path, response.status, body[:200])
    return (time.perf_counter() - start) * 1000, len(body), body


def measure(port: int, path: str) -> dict:
    get(port, path)  # warm up
    latencies, size = [], 0
    for _ in range(SAMPLES):
        ms, size, _body = get(port, path)
        latencies.append(ms)
    latencies.sort()
    return {
        "median": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "size": size,
        "rps": 1000 / statistics.mean(latencies),
    }


def serve_and_measure(url: str, bbox: str, label: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-barriers-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUARTIER_CONFIG": "development",
        "QUARTIER_INSTANCE_DIR": str(workdir),
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        paths = [
            ("health", "/api/v1/health"),
            ("summary", "/api/v1/barriers/summary"),
            ("barriers, one district bbox (01)", f"/api/v1/barriers?bbox={bbox}"),
            ("barriers, whole city (default limit 500)", "/api/v1/barriers"),
            ("barriers, whole city, limit=2000", "/api/v1/barriers?limit=2000"),
            ("offers, whole city", "/api/v1/offers"),
        ]
        results = {name: measure(port, path) for name, path in paths}
        health = results["health"]["rps"]
        print(f"  {label}: gunicorn, 2 workers, one client, a new connection per request")
        header = ("endpoint", "median", "p95", "size", "req/s", "÷health")
        print("  {:<42} {:>8} {:>8} {:>10} {:>7} {:>7}".format(*header))
        for name, r in results.items():
            print(
                f"  {name:<42} {r['median']:>6.1f}ms {r['p95']:>6.1f}ms "
                f"{r['size'] / 1024:>8.1f}KB {r['rps']:>7.0f} {r['rps'] / health:>7.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-barriers-"))
    sqlite_url = f"sqlite:///{workdir / 'bench.sqlite'}"
    print("SQLite:")
    bbox = fill(sqlite_url)
    serve_and_measure(sqlite_url, bbox, "SQLite")

    server_url = database_url(PG_SERVER)
    try:
        engine = create_engine(server_url + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL: SQLite figures only
        print(f"PostgreSQL not available ({exc.__class__.__name__}); skipped.")
        return
    try:
        pg_url = f"{server_url}/{PG_NAME}"
        print("PostgreSQL:")
        bbox = fill(pg_url)
        serve_and_measure(pg_url, bbox, "PostgreSQL")
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
        engine.dispose()


if __name__ == "__main__":
    main()
