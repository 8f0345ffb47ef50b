"""Throughput of the main pages under load (issue 14): ``wrk`` against gunicorn.

A scratch database (SQLite by default, ``--postgres`` for a scratch PostgreSQL database at
``BENCH_POSTGRES_URL``) gets the base data (``flask setup``), the demo content (``flask demo
load``) and ``--proposals`` generated proposals (default 5,000) spread over the districts.
gunicorn serves it with 2 workers in the production configuration (no debug; rate limits in
Redis at ``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/14``). ``wrk`` (Debian package
``wrk``) then drives each path with 16 connections for ``--duration`` seconds (default 30):

    /api/v1/health                     the baseline: a trivial JSON answer
    /                                  the start page (district map and list)
    /karte                             the proposals map page
    /api/v1/proposals?bbox=…           one district's list (the Moskauer Platz bbox)
    /api/v1/proposals/clusters?…       the aggregated map layer: city (zoom 12), district (14)
    /ortsteile/23                      a district page (Moskauer Platz)

The paths take turns (``--rounds``, each path's seconds split between them), so that a change
of the machine's load during the run meets every path alike. It prints requests per second,
the mean and median latency and each path's ratio to health's req/s, with issue 14's targets
(``/`` and ``/karte`` at least 0.25, the map's APIs at least 0.5 whatever the number of
proposals), and the machine's load average. ``--profile`` instead profiles each path in
process (cProfile, the test client, ``--profile-requests`` each) and prints the functions
with the most time. ``--app-dir`` serves another checkout (e.g. to measure before a change).

Usage: ``.venv/bin/python bench/throughput_bench.py [--duration 30] [--postgres] [--profile]``
(prints figures; not a timed test).
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import PG_SERVER, free_port  # noqa: E402
from proposals_bench import WORDS, _points  # noqa: E402
from shapely.geometry import shape  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.services import load_offices  # noqa: E402
from app.core import clusters  # noqa: E402
from app.demo.loader import load_demo  # noqa: E402
from app.districts.models import District  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.measures.services import load_statuses as load_measure_statuses  # noqa: E402
from app.proposals.models import Category, Proposal  # noqa: E402
from app.proposals.services import load_categories  # noqa: E402
from app.workflow import services as workflow  # noqa: E402
from config import database_url  # noqa: E402

PG_NAME = "quartier_bench_throughput"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
CONNECTIONS = 16
DISTRICT = "23"  # Moskauer Platz
CITY = "10.85,50.86,11.18,51.08"  # the districts' bounds, rounded outwards (as map_bench.py)


def fill(url: str, proposals: int) -> str:
    """Schema, base data, demo content and ``proposals`` generated proposals; returns the
    Moskauer Platz bbox as the API's ``bbox`` value."""
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_districts()
        load_offices()
        load_categories()
        workflow.load_statuses()
        load_measure_statuses()
        db.session.commit()
        load_demo()
        db.session.commit()
        rng = random.Random(14)
        districts = db.session.scalars(select(District).order_by(District.number)).all()
        categories = db.session.scalars(select(Category.id)).all()
        first_id = (db.session.scalar(select(db.func.max(Proposal.id))) or 0) + 1
        author = db.session.scalar(text("SELECT min(id) FROM users"))
        rows = [
            {
                "id": first_id + i,
                "title": f"{rng.choice(WORDS)} (Bench {i})",
                "description": "Ein Vorschlag für den Benchmark.",
                "category_id": rng.choice(categories),
                "author_id": author,
                "lat": lat,
                "lon": lon,
                "district_id": district_id,
                "address": "",
                "place_from_map": True,
                "is_demo": True,
            }
            for i, (district_id, lat, lon) in enumerate(
                list(_points(rng, districts, proposals))[:proposals]
            )
        ]
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(Proposal), rows[i : i + 5000])
        clusters.rebuild()  # the bulk insert bypassed the ORM events keeping map_cells
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text("SELECT setval('proposals_id_seq', (SELECT max(id) FROM proposals))")
            )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        moskau = next(d for d in districts if d.number == DISTRICT)
        minx, miny, maxx, maxy = shape(json.loads(moskau.geometry)).bounds
        print(f"  data: demo content + {len(rows):,} generated proposals")
        db.session.remove()
        db.engine.dispose()
    return f"{minx:.5f},{miny:.5f},{maxx:.5f},{maxy:.5f}"


@contextmanager
def serve(url: str, app_dir: Path, workers: int = 2):
    """gunicorn in the production configuration on ``url``; yields the port."""
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-throughput-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUARTIER_CONFIG": "production",
        "QUARTIER_INSTANCE_DIR": str(workdir),
        "SECRET_KEY": secrets.token_hex(32),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "TRUSTED_HOSTS": "127.0.0.1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "TILE_URL": "",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=app_dir,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: workers still finishing
            server.kill()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(port: int, path: str, duration: float) -> dict:
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    seconds = float(done.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[done.group(3)]
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(done.group(1)),
        "seconds": seconds,
        "latency": _ms(*latency.groups()),
        "p50": _ms(*p50.groups()),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def interleaved(port: int, chosen: list[tuple[str, str]], duration: float, rounds: int) -> dict:
    """Each path for ``duration`` seconds in all, in ``rounds`` turns of all paths: on a shared
    machine the load changes during a run, and every path (health too) meets the same mix."""
    runs: dict[str, list[dict]] = {name: [] for name, _path in chosen}
    for _ in range(rounds):
        for name, path in chosen:
            runs[name].append(wrk(port, path, duration / rounds))
    results = {}
    for name, parts in runs.items():
        requests = sum(p["requests"] for p in parts)
        results[name] = {
            "rps": requests / sum(p["seconds"] for p in parts),
            "latency": sum(p["latency"] * p["requests"] for p in parts) / max(requests, 1),
            "p50": sorted(p["p50"] for p in parts)[len(parts) // 2],
            "non2xx": sum(p["non2xx"] for p in parts),
        }
    return results


STATIC_PATHS = [
    ("districts GeoJSON", "/api/v1/districts"),
    ("leaflet.js", "/static/vendor/leaflet/leaflet.js"),
    ("quartier.css", "/static/css/quartier.css"),
]


def body_size(port: int, path: str, coding: str) -> int:
    """Bytes of the body as sent with ``Accept-Encoding: coding``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": coding})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    sent = response.getheader("Content-Encoding") or "identity"
    assert sent == coding or len(body) < 500, (path, coding, sent)
    return len(body)


def paths(bbox: str) -> list[tuple[str, str]]:
    return [
        ("health", "/api/v1/health"),
        ("start page /", "/"),
        ("map page /karte", "/karte"),
        ("proposals API, Moskauer Platz bbox", f"/api/v1/proposals?bbox={bbox}"),
        ("clusters API, city zoom 12", f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12"),
        ("clusters API, Moskauer Platz zoom 14", f"/api/v1/proposals/clusters?bbox={bbox}&zoom=14"),
        (f"district page /ortsteile/{DISTRICT}", f"/ortsteile/{DISTRICT}"),
    ]


# (path name, the least share of health's req/s): issue 14's targets
TARGETS = [
    ("start page /", 0.25),
    ("map page /karte", 0.25),
    ("proposals API, Moskauer Platz bbox", 0.5),
    ("clusters API, city zoom 12", 0.5),
    ("clusters API, Moskauer Platz zoom 14", 0.5),
]


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def run_wrk(url: str, label: str, args) -> None:
    bbox = fill(url, args.proposals)
    load_before = _load()
    with serve(url, Path(args.app_dir)) as port:
        # warm both workers (compiled templates and statements, the page cache): a new
        # connection per request, so that the workers take turns
        for _name, path in paths(bbox):
            for _ in range(10):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path)
                conn.getresponse().read()
        results = interleaved(port, paths(bbox), args.duration, args.rounds)
        sizes = {
            name: [body_size(port, path, coding) for coding in ("identity", "gzip", "br")]
            for name, path in [*paths(bbox), *STATIC_PATHS]
        }
    health = results["health"]["rps"]
    print(
        f"  {label}: gunicorn, 2 workers (production config); wrk, {CONNECTIONS} connections, "
        f"{args.duration} s per path in {args.rounds} interleaved rounds"
    )
    print(f"  load average before: {load_before}, after: {_load()} ({os.cpu_count()} cores)")
    print(
        "  {:<40} {:>9} {:>11} {:>9} {:>8}".format("path", "req/s", "mean lat.", "p50", "÷health")
    )
    for name, r in results.items():
        bad = f"  ({r['non2xx']} non-2xx!)" if r["non2xx"] else ""
        print(
            f"  {name:<40} {r['rps']:>9.1f} {r['latency']:>9.1f}ms {r['p50']:>7.1f}ms"
            f" {r['rps'] / health:>8.2f}{bad}"
        )
    print("  bytes on the wire (wrk asks uncompressed):")
    print("  {:<40} {:>10} {:>10} {:>10}".format("path", "identity", "gzip", "br"))
    for name, (plain, gz, br) in sizes.items():
        print(f"  {name:<40} {plain:>10,} {gz:>10,} {br:>10,}")
    for name, least in TARGETS:
        ratio = results[name]["rps"] / health
        print(
            f"  target {name}: ≥ {least} × health: {ratio:.2f} {'yes' if ratio >= least else 'NO'}"
        )


# Where a request's time goes: (label, file ending, function) whose cumulative time is summed
# (nested ones are included in the outer: the template time contains its url_for calls).
PARTS = [
    ("templates (render_template)", "flask/templating.py", "_render"),
    ("  of which url_for", "flask/helpers.py", "url_for"),
    ("  of which Babel (gettext, numbers)", "flask_babel/__init__.py", "gettext"),
    ("  of which Babel ngettext", "flask_babel/__init__.py", "ngettext"),
    ("  of which Babel format_decimal", "flask_babel/__init__.py", "format_decimal"),
    ("SQL statements (engine execute)", "sqlalchemy/engine/base.py", "_execute_context"),
    ("SQL rows fetched", "sqlalchemy/engine/result.py", "_allrows"),
    ("JSON encoding (json.dumps)", "json/__init__.py", "dumps"),
    ("JSON decoding (json.loads)", "json/__init__.py", "loads"),
    ("offers/barriers GeoJSON for the list", "app/site/map_routes.py", "_other_layers"),
    ("the proposals' list query (listing.find)", "app/proposals/listing.py", "find"),
    ("aggregation (clusters.aggregate)", "app/core/clusters.py", "aggregate"),
    ("page cache hit (serve)", "app/core/page_cache.py", "_serve"),
    ("session cookie (save_session)", "flask/sessions.py", "save_session"),
    ("compression (Flask-Compress)", "flask_compress/flask_compress.py", "after_request"),
]


def _parts(profiler: cProfile.Profile, requests: int) -> list[tuple[str, float]]:
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    found = []
    for label, ending, function in PARTS:
        ms = sum(
            ct
            for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.items()
            if name == function and file.endswith(ending)
        )
        if ms:
            found.append((label, ms * 1000 / requests))
    return found


def profile(url: str, args) -> None:
    bbox = fill(url, args.proposals)
    # The development configuration without debug: templates are not reloaded, as in
    # production; the page cache off (what a request costs when it renders), unless asked.
    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        DEBUG=False,
        PAGE_CACHE_SECONDS=60 if args.cached else 0,
    )
    app.jinja_env.auto_reload = False
    client = app.test_client()
    chosen = [p for p in paths(bbox) if not args.only or any(o in p[1] for o in args.only)]
    summary = []
    for _name, path in chosen:
        for _ in range(3):
            assert client.get(path).status_code == 200
        start = time.perf_counter()
        for _ in range(args.profile_requests):
            client.get(path)
        plain = (time.perf_counter() - start) * 1000 / args.profile_requests
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        for _ in range(args.profile_requests):
            client.get(path, headers={"Accept-Encoding": "br, gzip"})
        profiler.disable()
        per_request = (time.perf_counter() - start) * 1000 / args.profile_requests
        print(
            f"\n  {path}: {plain:.1f} ms per request in process ({per_request:.1f} ms profiled,"
            " compressed)"
        )
        parts = _parts(profiler, args.profile_requests)
        summary.append((path, plain, parts))
        if args.top:
            for sort in ("tottime", "cumulative"):
                stream = io.StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats(sort).print_stats(args.top)
                print(f"  -- by {sort} --")
                body = stream.getvalue()
                print(body[body.index("   ncalls") :])
    print(
        f"\n  where the time goes ({args.proposals:,} proposals, page cache "
        f"{'on' if args.cached else 'off'}; ms per request, profiled):"
    )
    for path, plain, parts in summary:
        print(f"  {path}  ({plain:.1f} ms unprofiled)")
        for label, ms in parts:
            print(f"    {label:<45} {ms:>7.2f}")


def _missing_tools() -> str:
    if not shutil.which("wrk"):
        return "wrk is missing (Debian: apt-get install wrk)"
    parts = urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=1).close()
    except OSError:
        return f"Redis does not answer at {REDIS_URL} (production needs it with 2 workers)"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds per path (30)")
    parser.add_argument("--proposals", type=int, default=5000, help="generated proposals")
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns over all paths, --duration split (3)"
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--app-dir", default=str(ROOT), help="the checkout gunicorn serves")
    parser.add_argument("--profile", action="store_true", help="profile the paths instead")
    parser.add_argument("--profile-requests", type=int, default=200)
    parser.add_argument(
        "--top", type=int, default=25, help="functions listed when profiling (0: only the summary)"
    )
    parser.add_argument(
        "--cached", action="store_true", help="profile with the page cache on (hits)"
    )
    parser.add_argument(
        "--only", action="append", help="profile only the paths containing this (repeatable)"
    )
    args = parser.parse_args()
    if not args.profile:
        missing = _missing_tools()
        if missing:  # like PostgreSQL in the other benchmarks: no figures, not a failure
            print(f"throughput: {missing}; skipped.")
            return
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-throughput-db-"))
    if args.postgres:
        server = database_url(PG_SERVER)
        engine = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
        url, label = f"{server}/{PG_NAME}", "PostgreSQL"
    else:
        url, label = f"sqlite:///{workdir / 'bench.sqlite'}", "SQLite"
    print(f"{label}:")
    try:
        if args.profile:
            profile(url, args)
        else:
            run_wrk(url, label, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.postgres:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
            engine.dispose()


if __name__ == "__main__":
    main()
