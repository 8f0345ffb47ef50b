"""Benchmark for the pages with cards: the start page ``/`` (newest proposals and needs, the
latest answers, "find your district"), the list under the map ``/karte/liste`` (100 cards),
``/bedarfe/``, a district page and the district search.

With the 50,000 proposals, ~100,000 supports and ~20,000 comments of
``bench/proposals_bench.py`` on SQLite (and PostgreSQL with ``--postgres`` when it answers at
``BENCH_POSTGRES_URL``): serves the app with gunicorn (2 workers) and prints median / p95
latency and size beside ``/api/v1/health``. The start page asks a fixed number of queries
(tests/site/test_start_page.py), so it should stay near the health check's order of
magnitude however many proposals there are.

Usage: ``.venv/bin/python bench/start_page_bench.py [--postgres]`` (prints figures; not a test).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import gunicorn, measure_paths, on_sqlite_and_postgres  # noqa: E402
from proposals_bench import fill  # noqa: E402

PATHS = [
    ("start page /", "/"),
    ("list under the map (100 cards)", "/karte/liste"),
    ("needs list /bedarfe/", "/bedarfe/"),
    ("district page 01", "/ortsteile/01"),
    ("district search q=platz", "/ortsteile/suche?q=platz"),
]


def run(url: str, label: str) -> None:
    fill(url)
    with gunicorn(url) as port:
        results = measure_paths(port, PATHS, label)
    start = results["start page /"]["median"]
    print(f"  start page median {start:.1f} ms")


def main() -> None:
    if "--postgres" in sys.argv:
        on_sqlite_and_postgres("quartier_bench_start_page", run)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-start-"))
        print("SQLite:")
        run(f"sqlite:///{workdir / 'bench.sqlite'}", "SQLite")


if __name__ == "__main__":
    main()
