"""Where the first view of ``/karte`` spends its time: the critical path in Chromium.

Fills a scratch database with N proposals (``bench/proposals_bench.py``'s generator; the map
cells rebuilt), serves the app with gunicorn (2 workers, as ``bench/map_bench.py``) and opens
``/karte`` cold (a new browser context, no cache; base-map tiles aborted) ``--runs`` times.
For each run it prints, in milliseconds from the navigation's start (Navigation and Resource
Timing API), the document's response start/end, every CSS/JS/API request (start → response
end, transferred KB), ``domInteractive`` (deferred scripts start), ``DOMContentLoaded``, when
map-page.js started and set up the map (``performance.mark``; absent in checkouts before the
marks) and when ``data-loaded`` was set on the map (a MutationObserver added before the page's
own scripts); then the median of each over the runs.

``--app-dir DIR`` also serves another checkout (e.g. a second clone at the commit before a change)
on the same database and alternates the runs between the two, so that before and after are
compared under the same load of a shared machine. ``--db FILE`` keeps the SQLite file
between invocations (filled only when it does not exist yet); ``--postgres`` uses a scratch
PostgreSQL database at ``BENCH_POSTGRES_URL`` instead.

Usage: ``.venv/bin/python bench/map_first_view.py [N] [--runs 5] [--app-dir DIR]
[--db /tmp/map.sqlite] [--postgres]`` (prints figures; not a test).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import map_bench  # noqa: E402
import proposals_bench  # noqa: E402
from harness import PG_SERVER, gunicorn  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from config import database_url  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Runs before the page's scripts (Playwright injects it past the page's CSP): the moment
# data-loaded appears on the map.
OBSERVER = """
(() => {
  const seen = () => {
    const el = document.getElementById("proposal-map");
    if (el && el.hasAttribute("data-loaded") && !window.__drawnAt) {
      window.__drawnAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {
    subtree: true, attributes: true, attributeFilter: ["data-loaded"], childList: true
  });
})();
"""

TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const marks = {};
  performance.getEntriesByType("mark").forEach((m) => { marks[m.name] = m.startTime; });
  const resources = performance.getEntriesByType("resource")
    .filter((r) => !r.name.includes("/tiles/"))
    .map((r) => ({
      name: r.name.replace(location.origin, ""), start: r.startTime,
      requestStart: r.requestStart, end: r.responseEnd, kb: r.transferSize / 1024,
      type: r.initiatorType
    }));
  return {
    responseStart: nav.responseStart, responseEnd: nav.responseEnd,
    domInteractive: nav.domInteractive, dcl: nav.domContentLoadedEventStart,
    dclEnd: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
    docKb: nav.transferSize / 1024, marks: marks, resources: resources,
    drawn: window.__drawnAt || null
  };
}"""


@contextmanager
def serve(url: str, app_dir: Path):
    """gunicorn (2 workers) serving the checkout ``app_dir`` on ``url``; yields the port."""
    with gunicorn(url, 2, app_dir) as port:
        # Warm both workers (first renders, the districts' shapes) as a long-running server is.
        for path in ("/karte", "/karte", "/api/v1/districts", "/api/v1/districts"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
        yield port


def one_view(browser, port: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(OBSERVER)
    page = context.new_page()
    page.route("**/tiles/**", lambda route: route.abort())
    start = time.perf_counter()
    page.goto(f"http://127.0.0.1:{port}/karte", wait_until="commit")
    page.wait_for_selector("#proposal-map[data-loaded]", timeout=60_000)
    wall = (time.perf_counter() - start) * 1000
    page.wait_for_load_state("networkidle")
    timings = page.evaluate(TIMINGS)
    timings["wall"] = wall
    context.close()
    return timings


def show(label: str, t: dict) -> None:
    print(f"  {label}: data-loaded at {t['drawn'] or 0:.0f} ms (wall clock {t['wall']:.0f} ms)")
    print(
        f"    document     response {t['responseStart']:6.0f} → {t['responseEnd']:6.0f}"
        f"  {t['docKb']:6.1f} KB"
    )
    for r in sorted(t["resources"], key=lambda r: r["start"]):
        name = r["name"] if len(r["name"]) <= 70 else r["name"][:67] + "…"
        print(f"    {r['type']:<12} {r['start']:6.0f} → {r['end']:6.0f}  {r['kb']:6.1f} KB  {name}")
    print(
        f"    domInteractive {t['domInteractive']:.0f}, DOMContentLoaded {t['dcl']:.0f}–"
        f"{t['dclEnd']:.0f}, load {t['load']:.0f}"
    )
    if t["marks"]:
        print(
            "    marks: "
            + ", ".join(f"{k} {v:.0f}" for k, v in sorted(t["marks"].items(), key=lambda kv: kv[1]))
        )


def summary(label: str, runs: list[dict]) -> None:
    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else float("nan")

    def res(part: str, key: str):
        return med(
            [next((r[key] for r in t["resources"] if part in r["name"]), None) for t in runs]
        )

    print(f"  {label} — medians of {len(runs)} runs (ms from navigation start):")
    print(
        f"    document end {med([t['responseEnd'] for t in runs]):.0f}, leaflet.js end "
        f"{res('leaflet.js', 'end'):.0f}, map-page.js end {res('map-page.js', 'end'):.0f}, "
        f"domInteractive {med([t['domInteractive'] for t in runs]):.0f}, DOMContentLoaded "
        f"{med([t['dcl'] for t in runs]):.0f}"
    )
    marks = sorted({k for t in runs for k in t["marks"]})
    if marks:
        print(
            "    marks: "
            + ", ".join(f"{k} {med([t['marks'].get(k) for t in runs]):.0f}" for k in marks)
        )
    print(
        f"    proposal clusters request {res('/proposals/clusters', 'start'):.0f} → "
        f"{res('/proposals/clusters', 'end'):.0f} (nan: none, the first view's clusters are "
        f"in the page), districts {res('/api/v1/districts', 'start'):.0f} → "
        f"{res('/api/v1/districts', 'end'):.0f}"
    )
    print(
        f"    data-loaded {med([t['drawn'] for t in runs]):.0f} ms (wall clock from goto "
        f"{med([t['wall'] for t in runs]):.0f} ms); requests before networkidle "
        f"{med([len(t['resources']) + 1 for t in runs]):.0f}, KB "
        f"{med([t['docKb'] + sum(r['kb'] for r in t['resources']) for t in runs]):.0f}"
    )


def prepare_database(args) -> tuple[str, callable]:
    """The database URL (filled) and a clean-up."""
    if args.postgres:
        name = "quartier_bench_first_view"
        server_url = database_url(PG_SERVER)
        engine = create_engine(server_url + "/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{server_url}/{name}"

        def drop():
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()

        fill = True
    else:
        path = Path(args.db or Path(tempfile.mkdtemp(prefix="quartier-first-view-")) / "b.sqlite")
        fill = not path.exists()
        url = f"sqlite:///{path}"

        def drop():
            return None

    if fill:
        proposals_bench.PROPOSALS = args.n
        proposals_bench.fill(url)
        map_bench.prepare(url, words=False)
    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--app-dir", type=Path, help="another checkout to compare (before)")
    parser.add_argument("--db", help="a SQLite file kept between invocations")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="medians only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only when measuring

    print(f"load average before: {os.getloadavg()}")
    url, drop = prepare_database(args)
    checkouts = [("this checkout", ROOT)] + ([("other", args.app_dir)] if args.app_dir else [])
    try:
        with ExitStack() as stack, sync_playwright() as playwright:
            ports = {label: stack.enter_context(serve(url, path)) for label, path in checkouts}
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
            results: dict[str, list[dict]] = {label: [] for label in ports}
            for i in range(args.runs):
                order = list(ports.items())
                for label, port in order if i % 2 == 0 else reversed(order):  # no first's bias
                    t = one_view(browser, port)
                    results[label].append(t)
                    if not args.quiet:
                        show(f"run {i + 1}, {label}", t)
            browser.close()
        for label, runs in results.items():
            summary(f"{label} ({dict(checkouts)[label]})", runs)
    finally:
        drop()
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
