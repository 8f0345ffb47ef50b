"""Benchmark for the open-data downloads (``/daten/vorschlaege.csv|xlsx|geojson``).

Fills a database with 50,000 proposals, ~100,000 supports and their work items (the data of
``bench/proposals_bench.py``), on SQLite and – when PostgreSQL answers at
``BENCH_POSTGRES_URL`` – on PostgreSQL in a scratch database ``quartier_bench_opendata``
(created and dropped). Then serves the app with gunicorn (2 workers) and downloads each file
once, reading the stream as a client does. Printed per format: total time, time to the first
byte and size. The rows are read in keyset pages of ``app.opendata.datasets.PAGE_SIZE``, so
the server's memory stays flat (``bench/exports_bench.py`` measures the writers' memory;
tests/opendata checks that the queries do not grow with the rows). Figures only, no timed
assertions.

Usage: ``.venv/bin/python bench/opendata_bench.py``
"""

from __future__ import annotations

import http.client
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import gunicorn, on_sqlite_and_postgres  # noqa: E402
from proposals_bench import fill  # noqa: E402

PG_NAME = "quartier_bench_opendata"
FORMATS = ("csv", "xlsx", "geojson", "csv")  # the last CSV again: warm caches


def download(port: int, path: str) -> tuple[float, float, int]:
    """``(total seconds, seconds to the first byte, bytes)`` of one streamed download."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200, (path, response.status)
    first = response.read(1)
    first_byte = time.perf_counter() - start
    size = len(first)
    while chunk := response.read(64 * 1024):
        size += len(chunk)
    total = time.perf_counter() - start
    connection.close()
    return total, first_byte, size


def run(url: str, label: str) -> None:
    fill(url)
    with gunicorn(url) as port:
        download(port, "/daten/")  # warm up the worker
        for fmt in FORMATS:
            total, first_byte, size = download(port, f"/daten/vorschlaege.{fmt}")
            print(
                f"  {label:10} vorschlaege.{fmt:8} {total:6.2f} s total, "
                f"first byte after {first_byte * 1000:6.0f} ms, {size / 1024 / 1024:6.1f} MB"
            )
        total, first_byte, size = download(port, "/daten/catalog.jsonld")
        print(f"  {label:10} catalog.jsonld      {total * 1000:6.0f} ms, {size / 1024:.0f} KB")


def main() -> None:
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
