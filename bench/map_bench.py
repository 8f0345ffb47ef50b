"""Benchmark for the map aggregation (``GET /api/v1/proposals/clusters``) and ``/karte``.

For 50,000 and 500,000 proposals (the generator of ``bench/proposals_bench.py``: points inside
the districts, all categories and statuses, supports and comments), on SQLite and — when
PostgreSQL answers at ``BENCH_POSTGRES_URL`` — on PostgreSQL: serves the app with gunicorn
(2 workers) and prints median / p95 latency, answer size (raw and gzip-compressed) and the
number of clusters of the aggregated endpoint at city zoom (11 and 12, the whole city's
bbox) and at district zoom (14, the Altstadt's bbox), with and without a filter, beside
``/api/v1/health``. It checks that the counts add up to the number of proposals.

With 50,000 proposals it also opens ``/karte`` cold in Chromium (a new browser context, no
cache; Playwright): the time until the proposals layer is drawn (``data-loaded`` set on the map
after the clusters are on it) and all bytes of the first view as transferred (encoded sizes;
base-map tiles are left out, they come from the tile server).

``bench/map_first_view.py`` shows where that first view's time goes (the critical path from
the Navigation/Resource Timing API, before/after in alternating runs).

Targets (issue 14): clusters ≤ 50 ms median at 50,000 (≤ 100 ms at 500,000), ≤ 60 KB
compressed; /karte drawn ≤ 1 s, ≤ 300 KB.

Usage: ``.venv/bin/python bench/map_bench.py [50000 500000]`` (prints figures; not a test).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import proposals_bench  # noqa: E402
from harness import get, gunicorn, measure, on_sqlite_and_postgres  # noqa: E402

from app import create_app  # noqa: E402
from app.core import clusters, search  # noqa: E402
from app.extensions import db  # noqa: E402

CITY = "10.85,50.86,11.18,51.08"  # the districts' bounds, rounded outwards
STREET = "11.0200,50.9750,11.0330,50.9810"  # a 1280 × 600 px view at zoom 18 in the Altstadt
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SIZES = [int(a) for a in sys.argv[1:] if a.isdigit()] or [50_000, 500_000]


def _clusters(port: int, path: str) -> dict:
    result = measure(port, path, samples=40)
    _ms, _size, body = get(port, path)
    data = json.loads(body)
    result["gzip"] = len(gzip.compress(body, 6))
    result["clusters"] = sum(1 for f in data["features"] if f["properties"].get("cluster"))
    result["singles"] = len(data["features"]) - result["clusters"]
    result["sum"] = sum(f["properties"].get("count", 1) for f in data["features"])
    result["total"] = data["total"]
    return result


def _browser(port: int) -> dict | None:
    if not os.path.exists(CHROMIUM):
        print("  (no Chromium: /karte not measured)")
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
        figures = []
        for _ in range(3):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            sizes: list[int] = []
            parts: list[tuple[int, str]] = []

            def finished(request, sizes=sizes, parts=parts):
                if "/tiles/" in request.url:
                    return
                s = request.sizes()
                sizes.append(s["responseBodySize"] + s["responseHeadersSize"])
                parts.append((sizes[-1], request.url.split(str(port), 1)[-1][:60]))

            page.route("**/tiles/**", lambda route: route.abort())
            page.on("requestfinished", finished)
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/karte", wait_until="commit")
            page.wait_for_selector("#proposal-map[data-loaded]", timeout=60_000)
            drawn = (time.perf_counter() - start) * 1000
            nav = page.evaluate("performance.now()")
            page.wait_for_load_state("networkidle")
            shown = page.evaluate(
                "Array.from(document.querySelectorAll('#proposal-map [data-count]'))"
                ".reduce((s, e) => s + Number(e.getAttribute('data-count')), 0)"
            )
            figures.append(
                {
                    "drawn": drawn,
                    "nav": nav,
                    "bytes": sum(sizes),
                    "requests": len(sizes),
                    "parts": sorted(parts, reverse=True)[:6],
                }
            )
            context.close()
        browser.close()
    best = sorted(figures, key=lambda f: f["drawn"])[len(figures) // 2]
    best["shown"] = shown
    return best


def prepare(url: str, words: bool) -> None:
    """The generator inserts in bulk (past the ORM): count the map's cells and index the
    words once, as ``flask map-cells`` and the search's reindex do after a bulk load."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        t0 = time.perf_counter()
        cells = clusters.rebuild()
        db.session.commit()
        t1 = time.perf_counter()
        if words:
            search.reindex(["proposal"])
            db.session.commit()
        print(
            f"  map cells rebuilt in {t1 - t0:.1f} s ({cells:,} cells over "
            f"{len(clusters.SUMMARY_ZOOMS)} zoom levels); words indexed in "
            f"{time.perf_counter() - t1:.1f} s"
        )
        db.session.remove()
        db.engine.dispose()


def run_size(url: str, label: str, n: int) -> None:
    proposals_bench.PROPOSALS = n
    bbox = proposals_bench.fill(url)
    # SQLite's word index takes minutes to fill for 500,000 rows: words only at 50,000.
    words = n <= 50_000 or url.startswith("postgresql")
    prepare(url, words)
    paths = [
        p
        for p in [
            ("city, zoom 11", f"/api/v1/proposals/clusters?bbox={CITY}&zoom=11"),
            ("city, zoom 12", f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12"),
            (
                "city, zoom 12, category (summary)",
                f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12&category=mobility",
            ),
            (
                "city, zoom 12, category+status (live)",
                f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12&category=mobility&status=planned",
            ),
            (
                "city, zoom 12, words q=Spielplatz (live)",
                f"/api/v1/proposals/clusters?bbox={CITY}&zoom=12&q=Spielplatz",
            ),
            ("district 01, zoom 14", f"/api/v1/proposals/clusters?bbox={bbox}&zoom=14"),
            ("district 01, zoom 15", f"/api/v1/proposals/clusters?bbox={bbox}&zoom=15"),
            ("district 01, zoom 16", f"/api/v1/proposals/clusters?bbox={bbox}&zoom=16"),
            ("Altstadt street, zoom 18", f"/api/v1/proposals/clusters?bbox={STREET}&zoom=18"),
            ("district 01 list page (/karte/liste)", f"/karte/liste?bbox={bbox}&zoom=14"),
        ]
        if words or "q=" not in p[1] or url.startswith("postgresql")
    ]
    with gunicorn(url) as port:
        health = measure(port, "/api/v1/health")
        print(f"  {label}, {n:,} proposals: gunicorn, 2 workers, one client")
        print(
            f"  {'endpoint':<38} {'median':>8} {'p95':>8} {'raw':>8} {'gzip':>8} "
            f"{'cells':>6} {'single':>6} {'sum=total':>12}"
        )
        print(f"  {'health':<38} {health['median']:>6.1f}ms {health['p95']:>6.1f}ms")
        worst_ms, worst_gzip = 0.0, 0
        for name, path in paths:
            if path.startswith("/karte"):
                r = measure(port, path, samples=40)
                print(
                    f"  {name:<38} {r['median']:>6.1f}ms {r['p95']:>6.1f}ms "
                    f"{r['size'] / 1024:>6.1f}KB"
                )
                continue
            r = _clusters(port, path)
            worst_ms = max(worst_ms, r["median"]) if "(live)" not in name else worst_ms
            worst_gzip = max(worst_gzip, r["gzip"])
            ok = "yes" if r["sum"] == r["total"] else "NO"
            print(
                f"  {name:<38} {r['median']:>6.1f}ms {r['p95']:>6.1f}ms "
                f"{r['size'] / 1024:>6.1f}KB {r['gzip'] / 1024:>6.1f}KB {r['clusters']:>6} "
                f"{r['singles']:>6} {r['sum']:>6}={r['total']} {ok}"
            )
        limit = 50 if n <= 50_000 else 100
        print(
            f"  targets: slowest median at city and district zoom {worst_ms:.1f} ms (≤ {limit} ms: "
            f"{'yes' if worst_ms <= limit else 'NO'}), largest answer {worst_gzip / 1024:.1f} KB "
            f"gzip (≤ 60 KB: {'yes' if worst_gzip <= 60 * 1024 else 'NO'})"
        )
        if n <= 50_000:
            b = _browser(port)
            if b:
                print(
                    f"  /karte cold in Chromium (median of 3): proposals layer drawn after "
                    f"{b['drawn']:.0f} ms (performance.now {b['nav']:.0f} ms; ≤ 1000 ms: "
                    f"{'yes' if b['drawn'] <= 1000 else 'NO'}), "
                    f"first view {b['bytes'] / 1024:.0f} KB "
                    f"in {b['requests']} requests without tiles (≤ 300 KB: "
                    f"{'yes' if b['bytes'] <= 300 * 1024 else 'NO'}); the map shows "
                    f"{b['shown']:,} proposals"
                )
                print(
                    "  largest: "
                    + ", ".join(f"{path} {size / 1024:.0f} KB" for size, path in b["parts"])
                )


def run(url: str, label: str) -> None:
    for n in SIZES:
        run_size(url, label, n)


if __name__ == "__main__":
    on_sqlite_and_postgres("quartier_bench_map", run)
