"""Benchmark for the streamed exports (app/core/exports.py): CSV, XLSX and GeoJSON.

Synthetic rows (12 columns like the council export: text, an id, a district number, numbers, a
date, a time, a point) come from a generator, so the writer is the only thing that could hold
them. Each writer runs in a fresh process for 20,000 and for 200,000 rows, consuming the
streamed response chunk by chunk as a WSGI server would. Printed per run: total time, time to
the first byte, file size, peak RSS of the process (``ru_maxrss``, includes the interpreter
and the app) and, in a second run, the ``tracemalloc`` peak (Python allocations only). Memory is
flat when the 200k peak is about the 20k peak. Figures only, no timed assertions.
Usage: ``.venv/bin/python bench/exports_bench.py``
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (20_000, 200_000)
WRITERS = ("csv", "xlsx", "geojson")


def columns():
    from app.core.exports import Column

    return (
        Column("type", "Typ"),
        Column("id", "ID"),
        Column("district_number", "Ortsteil-Nr."),
        Column("title", "Titel"),
        Column("category", "Kategorie"),
        Column("status", "Status"),
        Column("supports", "Unterstützungen", "int"),
        Column("share", "Anteil", "float"),
        Column("created", "Erstellt", "date"),
        Column("answered_at", "Beantwortet", "datetime"),
        Column("open", "Offen", "bool"),
        Column("link", "Link"),
    )


def rows(n: int):
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    for i in range(n):
        yield {
            "type": "Vorschlag",
            "id": i,
            "district_number": f"{i % 53 + 1:02d}",
            "title": f"Vorschlag Nummer {i}: mehr Bänke und Bäume am Platz",
            "category": "Grün und Spiel",
            "status": "in Prüfung",
            "supports": i % 97,
            "share": (i % 1000) / 1000,
            "created": date(2024, 1, 1) + timedelta(days=i % 700),
            "answered_at": start + timedelta(minutes=i) if i % 3 else None,
            "open": i % 2 == 0,
            "link": f"https://quartier.example/vorschlaege/{i}",
            "lat": 50.95 + (i % 1000) / 10000,
            "lon": 10.95 + (i % 997) / 5000,
        }


def one(writer: str, n: int, trace: bool) -> dict:
    """One run in this process; the figures as a dict."""
    from app import create_app
    from app.core import exports

    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-exports-"))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'x.sqlite'}")
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    first = None
    size = 0
    with app.test_request_context():
        if writer == "csv":
            response = exports.csv_download("x.csv", columns(), rows(n))
        elif writer == "xlsx":
            response = exports.xlsx_download("x.xlsx", columns(), rows(n))
        else:
            response = exports.geojson_download(
                "x.geojson", columns(), rows(n), point=lambda r: (r["lat"], r["lon"])
            )
        for chunk in response.response:
            if first is None and chunk:
                first = time.perf_counter() - start
            size += len(chunk)
        response.close()
    seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "first": first,
        "size": size,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if trace:
        result["traced_mb"] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return result


def run(writer: str, n: int, trace: bool) -> dict:
    out = subprocess.run(  # noqa: S603 - this script, in a fresh process
        [sys.executable, __file__, "--one", writer, str(n), "trace" if trace else "plain"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    print("Streamed exports, synthetic rows from a generator, 12 columns, each run a new process")
    header = ("writer", "rows", "total", "1st byte", "rows/s", "size", "peak RSS", "traced peak")
    print("{:<8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>11}".format(*header))
    peaks: dict[str, dict[int, tuple[float, float]]] = {}
    for writer in WRITERS:
        for n in SIZES:
            plain = run(writer, n, trace=False)
            traced = run(writer, n, trace=True)
            peaks.setdefault(writer, {})[n] = (plain["rss_mb"], traced["traced_mb"])
            print(
                f"{writer:<8} {n:>8,} {plain['seconds']:>7.2f}s {plain['first']:>8.3f}s "
                f"{n / plain['seconds']:>9,.0f} {plain['size'] / 1024 / 1024:>7.1f}MB "
                f"{plain['rss_mb']:>7.1f}MB {traced['traced_mb']:>9.2f}MB"
            )
    print("Memory, 200k rows ÷ 20k rows (1.0 = flat; rows ×10):")
    for writer, by_n in peaks.items():
        (rss_small, traced_small), (rss_big, traced_big) = by_n[SIZES[0]], by_n[SIZES[1]]
        print(
            f"  {writer:<8} peak RSS ×{rss_big / rss_small:.2f}, "
            f"traced peak ×{traced_big / traced_small:.2f}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "trace")))
    else:
        main()
