"""Shared pieces of the benchmarks: a gunicorn server on a scratch database, HTTP timing,
a result table, and running the same benchmark on SQLite and on a scratch PostgreSQL
database. Benchmarks print figures; they are never timed tests."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from config import database_url  # noqa: E402

PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
SAMPLES = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int) -> None:
    """Wait (up to 10 s) until a server answers on ``port``."""
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
            return
        except OSError:
            time.sleep(0.1)


@contextmanager
def gunicorn(url: str, workers: int = 2, app_dir: Path = ROOT) -> Iterator[int]:
    """Serve the checkout ``app_dir`` (this one by default) on ``url``'s database with
    gunicorn; yields the port."""
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-serve-"))
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
        wait_until_serving(port)
        yield port
    finally:
        server.terminate()  # graceful; on a loaded machine that can take a while
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def get(port: int, path: str) -> tuple[float, int, bytes]:
    """One request on a new connection: (milliseconds, size, body)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200, (path, response.status, body[:200])
    return (time.perf_counter() - start) * 1000, len(body), body


def measure(port: int, path: str, samples: int = SAMPLES) -> dict:
    """Median and p95 latency, size, requests per second (one client), and for GeoJSON the
    number of features and the stated total."""
    _ms, _size, body = get(port, path)  # warm up
    latencies, size = [], 0
    for _ in range(samples):
        ms, size, body = get(port, path)
        latencies.append(ms)
    latencies.sort()
    features = None
    if body.startswith(b"{"):
        data = json.loads(body)
        if isinstance(data, dict) and "features" in data:
            features = (len(data["features"]), data.get("total"))
    return {
        "median": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95) - 1],
        "size": size,
        "rps": 1000 / statistics.mean(latencies),
        "features": features,
    }


def measure_paths(port: int, paths: list[tuple[str, str]], label: str) -> dict[str, dict]:
    """Measure ``/api/v1/health`` and the given (name, path) pairs; print one table."""
    results = {"health": measure(port, "/api/v1/health")}
    results.update({name: measure(port, path) for name, path in paths})
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
    return results


def on_sqlite_and_postgres(scratch_name: str, run: Callable[[str, str], None]) -> None:
    """``run(url, label)`` on a temporary SQLite file, then on a scratch PostgreSQL
    database (created and dropped) when PostgreSQL answers at ``BENCH_POSTGRES_URL``.
    ``BENCH_DATABASES=postgresql`` (or ``sqlite``) runs on that one only."""
    only = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    if "sqlite" in only:
        workdir = Path(tempfile.mkdtemp(prefix=f"{scratch_name}-"))
        print("SQLite:")
        run(f"sqlite:///{workdir / 'bench.sqlite'}", "SQLite")
    if "postgresql" not in only:
        return
    server_url = database_url(PG_SERVER)
    try:
        engine = create_engine(server_url + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{scratch_name}"'))
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL: SQLite figures only
        print(f"PostgreSQL not available ({exc.__class__.__name__}); skipped.")
        return
    try:
        print("PostgreSQL:")
        run(f"{server_url}/{scratch_name}", "PostgreSQL")
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
        engine.dispose()
