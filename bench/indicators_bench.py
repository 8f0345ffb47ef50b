"""Timing of the indicator endpoints on the SYNTHETIC demo data (53 districts x 13 years).

Prints median and p95 latency of the choropleth endpoint (``/api/v1/indicators/<code>`` as
GeoJSON joined to the district shapes, and as JSON), the social-index endpoint and the district
profile page, (1) through Flask's test client and (2) over HTTP against a real werkzeug server in
a thread, and the ratio of each median to the 100 ms target. Then the CLI computation of 10,000
areas x 6 indicators (target 2 s). Usage: ``.venv/bin/python bench/indicators_bench.py``
"""

from __future__ import annotations

import http.client
import logging
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.indicators.demo import load_demo_data  # noqa: E402

TARGET_MS = 100.0
CLI_TARGET_S = 2.0
REPEATS = 60
ENDPOINTS = [
    ("choropleth GeoJSON", "/api/v1/indicators/sgb2_rate?year=2024&format=geojson"),
    ("choropleth JSON", "/api/v1/indicators/children_sgb2?year=2020"),
    ("social index", "/api/v1/social-index?year=2024"),
    ("social index, per year*", None),
    ("district profile page", "/ortsteile/23/zahlen"),
]


def summary(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def time_client(client, path: str | None) -> list[float]:
    latencies = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        if path is None:
            for year in range(2012, 2025):
                assert client.get(f"/api/v1/social-index?year={year}").status_code == 200
        else:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        latencies.append(time.perf_counter() - start)
    return latencies


def time_http(port: int, path: str | None) -> list[float]:
    years = range(2012, 2025)
    paths = [f"/api/v1/social-index?year={y}" for y in years] if path is None else [path]
    latencies = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(REPEATS):
        start = time.perf_counter()
        for item in paths:
            conn.request("GET", item)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (item, response.status)
        latencies.append(time.perf_counter() - start)
    conn.close()
    return latencies


def cli_areas(tmp: Path, n: int = 10_000) -> float:
    rng = random.Random(7)
    source = tmp / "areas.csv"
    with open(source, "w", encoding="utf-8") as handle:
        handle.write("id,inhabitants,s1,s2,s3,d1,d2,d3\n")
        for k in range(n):
            values = ",".join(f"{rng.gauss(10, 4):.3f}" for _ in range(6))
            handle.write(f"A{k:05d},{rng.randint(100, 20000)},{values}\n")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'cli.sqlite'}")
    runner = app.test_cli_runner()
    args = [
        "indicators",
        "social-index",
        "--input",
        str(source),
        "--output",
        str(tmp / "out.csv"),
        "--status",
        "s1,s2,s3",
        "--dynamic",
        "d1,d2,d3",
        "--population-column",
        "inhabitants",
    ]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        result = runner.invoke(args=args)
        best = min(best, time.perf_counter() - start)
        assert result.exit_code == 0, result.output
    return best


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="quartier-indicators-bench-"))
    url = f"sqlite:///{tmp / 'bench.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        load_districts()
        load_demo_data()
        db.session.commit()
    client = app.test_client()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_port
    print("Indicator endpoints on the SYNTHETIC demo data (53 districts x 13 years), SQLite")
    print(f"{'endpoint':<28} {'via':<12} {'median ms':>10} {'p95 ms':>8} {'median/100 ms':>14}")
    try:
        for name, path in ENDPOINTS:
            time_client(client, path)  # warm caches (district shapes)
            for via, latencies in (
                ("test client", time_client(client, path)),
                ("HTTP", time_http(port, path)),
            ):
                if path is None:  # 13 requests per sample: report the time per request
                    latencies = [item / 13 for item in latencies]
                median, p95 = summary(latencies)
                ratio = median / TARGET_MS
                print(f"{name:<28} {via:<12} {median:>10.1f} {p95:>8.1f} {ratio:>14.2f}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
    print("* every year 2012-2024 requested in turn (13 requests per sample), time per request")
    seconds = cli_areas(tmp)
    print(
        f"flask indicators social-index, 10,000 areas x 6 indicators: {seconds:.2f} s "
        f"(ratio to the 2 s target: {seconds / CLI_TARGET_S:.2f})"
    )


if __name__ == "__main__":
    main()
