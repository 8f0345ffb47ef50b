"""Benchmark for ``GET /api/v1/proposals`` (the map's proposals layer and list view).

Generates 50,000 proposals spread over the districts (points inside each district, numbers
roughly proportional to the district's area, all categories and statuses), 500 people,
~100,000 supports and ~20,000 comments, on SQLite and — when PostgreSQL answers at
``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432``) — on PostgreSQL in a
scratch database ``quartier_bench_proposals`` (created and dropped). Then serves the app with
gunicorn (2 workers) and prints median / p95 latency, response size and requests per second
of the API for one district's bbox, for the whole city (default limit and the maximum
limit), with filters, and beside the trivial ``/api/v1/health`` under the same server.

Targets (issue 3): one district's bbox ≤ 30 ms median; the whole city never more than
~300 KB (the API caps a page and pages with ``next``; see ``app/proposals/listing.py``).

Usage: ``.venv/bin/python bench/proposals_bench.py`` (prints figures; not a timed test).
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

from shapely.geometry import Point, shape  # noqa: E402
from shapely.prepared import prep  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import User  # noqa: E402
from app.comments.models import Comment  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.proposals import listing  # noqa: E402
from app.proposals.models import STATUSES, Category, Proposal, Support  # noqa: E402
from app.proposals.services import load_categories  # noqa: E402
from config import database_url  # noqa: E402

PROPOSALS = 50_000
PEOPLE = 500
COMMENTS = 20_000
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = "quartier_bench_proposals"
SAMPLES = 60
WORDS = (
    "Mehr Bänke",
    "Sichere Querung",
    "Spielplatz erneuern",
    "Bessere Beleuchtung",
    "Radweg verbreitern",
    "Treffpunkt für Jugendliche",
    "Bücherschrank aufstellen",
    "Öffnungszeiten verlängern",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _points(rng: random.Random, districts: list[District], n: int):
    """``n`` random points inside the districts, about proportional to their area."""
    shapes = [(d.id, shape(json.loads(d.geometry))) for d in districts]
    total_area = sum(g.area for _id, g in shapes)
    for district_id, geometry in shapes:
        share = max(1, round(n * geometry.area / total_area))
        inside = prep(geometry)
        minx, miny, maxx, maxy = geometry.bounds
        made = 0
        while made < share:
            lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if inside.contains(Point(lon, lat)):
                made += 1
                yield district_id, lat, lon


def fill(url: str) -> str:
    """Create the schema and the data; returns one district's bbox query value."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_districts()
        load_categories()
        db.session.commit()
        rng = random.Random(11)
        t0 = time.perf_counter()
        districts = db.session.scalars(select(District).order_by(District.number)).all()
        categories = db.session.scalars(select(Category.id)).all()
        users = [
            {"id": i, "email": f"bench{i}@example.org", "display_name": f"Bench {i}"}
            for i in range(1, PEOPLE + 1)
        ]
        db.session.execute(insert(User), users)
        proposals = []
        points = list(_points(rng, districts, PROPOSALS))[:PROPOSALS]
        statuses = list(STATUSES)
        for pid, (district_id, lat, lon) in enumerate(points, start=1):
            proposals.append(
                {
                    "id": pid,
                    "title": f"{rng.choice(WORDS)} (Bench {pid})",
                    "description": "Ein Vorschlag für den Benchmark.",
                    "category_id": rng.choice(categories),
                    "author_id": rng.randint(1, PEOPLE),
                    "lat": lat,
                    "lon": lon,
                    "district_id": district_id,
                    "address": "",
                    "place_from_map": True,
                    "status": rng.choice(statuses[:1] * 6 + statuses[1:]),
                    "is_demo": True,
                }
            )
        supports = []
        for pid in range(1, len(proposals) + 1):
            for user_id in rng.sample(range(1, PEOPLE + 1), rng.choice((0, 0, 1, 2, 3, 6))):
                supports.append({"user_id": user_id, "proposal_id": pid})
        comments = [
            {
                "target_type": "proposal",
                "target_id": rng.randint(1, len(proposals)),
                "author_id": rng.randint(1, PEOPLE),
                "body": "Gute Idee.",
            }
            for _ in range(COMMENTS)
        ]
        for model, rows in (
            (Proposal, proposals),
            (Support, supports),
            (Comment, comments),
        ):
            for i in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[i : i + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table, n in (("users", PEOPLE), ("proposals", len(proposals))):
                db.session.execute(text(f"SELECT setval('{table}_id_seq', :n)"), {"n": n})
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(
            f"  generated {len(proposals):,} proposals, {len(supports):,} supports, "
            f"{len(comments):,} comments in {time.perf_counter() - t0:.1f} s"
        )
        altstadt = next(d for d in districts if d.number == "01")
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
    _ms, _size, body = get(port, path)  # warm up
    latencies, size = [], 0
    for _ in range(SAMPLES):
        ms, size, body = get(port, path)
        latencies.append(ms)
    latencies.sort()
    features = None
    if body.startswith(b"{"):
        data = json.loads(body)
        if "features" in data:
            features = (len(data["features"]), data.get("total"))
    return {
        "median": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "size": size,
        "rps": 1000 / statistics.mean(latencies),
        "features": features,
    }


def serve_and_measure(url: str, bbox: str, label: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-proposals-"))
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
            ("proposals, one district bbox (01)", f"/api/v1/proposals?bbox={bbox}"),
            ("proposals, district=01", "/api/v1/proposals?district=01"),
            ("proposals, whole city (default limit)", "/api/v1/proposals"),
            (
                f"proposals, whole city, limit={listing.MAX_LIMIT}",
                f"/api/v1/proposals?limit={listing.MAX_LIMIT}",
            ),
            (
                "proposals, city, category+status",
                "/api/v1/proposals?category=mobility&status=accepted",
            ),
        ]
        results = {name: measure(port, path) for name, path in paths}
        health = results["health"]["rps"]
        print(f"  {label}: gunicorn, 2 workers, one client, a new connection per request")
        header = ("endpoint", "median", "p95", "size", "req/s", "÷health", "features/total")
        print("  {:<42} {:>8} {:>8} {:>10} {:>7} {:>7}  {}".format(*header))
        for name, r in results.items():
            feats = f"{r['features'][0]}/{r['features'][1]}" if r["features"] else ""
            print(
                f"  {name:<42} {r['median']:>6.1f}ms {r['p95']:>6.1f}ms "
                f"{r['size'] / 1024:>8.1f}KB {r['rps']:>7.0f} {r['rps'] / health:>7.2f}  {feats}"
            )
        one = results["proposals, one district bbox (01)"]["median"]
        biggest = max(r["size"] for name, r in results.items() if name != "health")
        print(
            f"  targets: one district median {one:.1f} ms "
            f"(≤ 30 ms: {'yes' if one <= 30 else 'NO'}),"
            f" largest answer {biggest / 1024:.0f} KB (≤ ~300 KB: "
            f"{'yes' if biggest <= 300 * 1024 else 'NO'})"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-proposals-"))
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
