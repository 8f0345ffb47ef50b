"""Benchmark for the open-data downloads (``/daten/vorschlaege.csv|xlsx|geojson``).

Fills a database with 50,000 proposals, ~100,000 supports and their work items (the data of
``bench/proposals_bench.py``), on SQLite and – when PostgreSQL answers at
``BENCH_POSTGRES_URL`` – on PostgreSQL in a scratch database ``quartier_bench_opendata``
(created and dropped). Then downloads each file once through the app (the WSGI stream read
chunk by chunk, as a server sends it). Printed per format: total time, time to the first
byte, size and SQL statements; then, in a second pass with ``tracemalloc`` (which slows Python
down, so its times are not printed), the peak of Python allocations while the file streams.
The rows are read in keyset pages of ``app.opendata.datasets.PAGE_SIZE``: the statements grow
by one per 1,000 rows and memory stays flat. Figures only, no timed
assertions. (Behind gunicorn, a download that takes longer than ``--timeout`` is cut off:
see the README on large exports.)

Usage: ``.venv/bin/python bench/opendata_bench.py``
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import on_sqlite_and_postgres  # noqa: E402
from proposals_bench import fill  # noqa: E402
from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

PG_NAME = "quartier_bench_opendata"
PATHS = (
    "/daten/vorschlaege.csv",
    "/daten/vorschlaege.xlsx",
    "/daten/vorschlaege.geojson",
    "/daten/",
    "/daten/catalog.jsonld",
)


def download(client, path: str, *, trace: bool = False) -> tuple[float, float, int, int]:
    """``(seconds, seconds to the first byte, bytes, tracemalloc peak or 0)`` of a download."""
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(path, buffered=False)
    assert response.status_code == 200, (path, response.status_code)
    first_byte = None
    size = 0
    for chunk in response.response:
        if first_byte is None:
            first_byte = time.perf_counter() - start
        size += len(chunk)
    response.close()
    total = time.perf_counter() - start
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return total, first_byte or total, size, peak


def run(url: str, label: str) -> None:
    fill(url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        client = app.test_client()
        for path in PATHS:
            statements.clear()
            total, first_byte, size, _peak = download(client, path)
            print(
                f"  {label:10} {path:28} {total:6.2f} s, first byte {first_byte * 1000:6.0f} ms,"
                f" {size / 1024 / 1024:6.2f} MB, {len(statements):3d} statements"
            )
        for path in PATHS[:3]:
            peak = download(client, path, trace=True)[3]
            print(f"  {label:10} {path:28} tracemalloc peak {peak / 1024 / 1024:5.1f} MB")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    on_sqlite_and_postgres(PG_NAME, run)


if __name__ == "__main__":
    main()
