"""Benchmark for locating a point in a district.

Prints: lookups per second of ``locate()`` (points spread over the city, and points outside),
then requests per second of ``/api/v1/locate`` beside the trivial ``/api/v1/health`` endpoint,
both served by the same gunicorn in the same run. Usage: ``.venv/bin/python bench/locate_bench.py``
"""

from __future__ import annotations

import contextlib
import http.client
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

from app import create_app  # noqa: E402
from app.districts.services import OutsideCity, get_locator, load_districts, locate  # noqa: E402
from app.extensions import db  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_locate(points) -> float:
    start = time.perf_counter()
    for lat, lon in points:
        with contextlib.suppress(OutsideCity):
            locate(lat, lon)
    return len(points) / (time.perf_counter() - start)


def requests_per_second(port: int, path: str, seconds: float = 3.0) -> tuple[float, float]:
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(latencies) < 20_000:
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status in (200, 404), (path, response.status)
        latencies.append(time.perf_counter() - start)
    return len(latencies) / sum(latencies), statistics.median(latencies) * 1000


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-"))
    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        load_districts()
        db.session.commit()
        t0 = time.perf_counter()
        locator = get_locator()
        build_ms = (time.perf_counter() - t0) * 1000
        minx, miny, maxx, maxy = locator.boundary.bounds
        rng = random.Random(42)
        inside = [(rng.uniform(miny, maxy), rng.uniform(minx, maxx)) for _ in range(20_000)]
        outside = [(rng.uniform(47, 55), rng.uniform(6, 15)) for _ in range(5_000)]
        rate_mixed = time_locate(inside)
        rate_outside = time_locate(outside)
    print(f"locator build (53 prepared shapes + STR-tree): {build_ms:.1f} ms")
    print(f"locate(), random points in the city's bounding box: {rate_mixed:,.0f} lookups/s")
    print(f"locate(), points far outside:                      {rate_outside:,.0f} lookups/s")

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUARTIER_CONFIG": "development",
        "QUARTIER_INSTANCE_DIR": str(workdir),
    }
    server = subprocess.Popen(
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
        requests_per_second(port, "/api/v1/locate?lat=50.99&lon=11.03", 0.5)  # warm up
        health, health_ms = requests_per_second(port, "/api/v1/health")
        loc, loc_ms = requests_per_second(port, "/api/v1/locate?lat=50.99&lon=11.03")
        print("gunicorn, 2 workers, one client, a new connection per request:")
        print(f"  /api/v1/health: {health:,.0f} req/s (median {health_ms:.2f} ms)")
        print(f"  /api/v1/locate: {loc:,.0f} req/s (median {loc_ms:.2f} ms)")
        print(f"  ratio locate/health: {loc / health:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
