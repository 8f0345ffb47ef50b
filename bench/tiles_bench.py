"""Benchmark: the tile proxy must not block the app when the tile server does not answer.

The upstream is a local socket that accepts connections and never answers (the worst case:
a tile server that hangs). gunicorn serves the app with 4 sync workers; the script measures
``/api/v1/health`` idle, then while 20 clients request uncached tiles, and prints both and the
ratio. The clients pause 0.5 s between tiles (people moving a map), 0.1 s, and not at all (that
saturates the CPU with placeholder answers, which no proxy design avoids). Once with the
defaults (total timeout, negative caching, circuit breaker, placeholder), once configured like
the old proxy (5 s timeout, no negative caching, no breaker, no limit).
Usage: ``.venv/bin/python bench/tiles_bench.py``
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness import get, gunicorn, measure  # noqa: E402

from app import create_app  # noqa: E402
from app.districts.services import load_districts  # noqa: E402
from app.extensions import db  # noqa: E402
from app.site.tiles import BREAKER_FILE, bbox, tile_range  # noqa: E402

WORKERS = 4
CLIENTS = 20
ZOOMS = (16, 17, 18)


@contextmanager
def hanging_upstream():
    """A socket that the kernel accepts connections for and nobody ever answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4096)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/{{z}}/{{x}}/{{y}}.png"


@contextmanager
def settings(**values: str):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def tile_paths(app, zoom: int) -> list[str]:
    with app.app_context():
        xs, ys = tile_range(bbox(app.config), zoom)
    return [f"/tiles/{zoom}/{x}/{y}.png" for x in xs for y in ys]


def hammer(port: int, paths: list[str], stop: threading.Event, counts: dict, pause: float) -> None:
    """One client: uncached tiles, one after the other (``pause`` seconds between the answer
    and the next request), until ``stop``."""
    index = 0
    while not stop.wait(pause if index else 0):
        path = paths[index % len(paths)]
        index += CLIENTS
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            key = str(response.status)
        except OSError:
            key = "error"
        with counts["lock"]:
            counts[key] = counts.get(key, 0) + 1
            counts["ms"].append((time.perf_counter() - start) * 1000)


def sample_health(port: int, seconds: float) -> dict:
    """``/api/v1/health`` every 20 ms for ``seconds`` (at least 3 answers): median, p95, max."""
    latencies: list[float] = []
    until = time.perf_counter() + seconds
    while time.perf_counter() < until or len(latencies) < 3:
        latencies.append(get(port, "/api/v1/health")[0])
        time.sleep(0.02)
    latencies.sort()
    return {
        "median": statistics.median(latencies),
        "p95": latencies[max(int(len(latencies) * 0.95) - 1, 0)],
        "max": latencies[-1],
        "n": len(latencies),
    }


def under_load(port: int, paths: list[str], seconds: float, pause: float) -> tuple[dict, str]:
    """``/api/v1/health`` from the moment ``CLIENTS`` clients start requesting tiles (so the
    first upstream failure is inside the window); and a line on the tiles."""
    stop = threading.Event()
    counts: dict = {"lock": threading.Lock(), "ms": []}
    clients = [
        threading.Thread(target=hammer, args=(port, paths[i:], stop, counts, pause), daemon=True)
        for i in range(CLIENTS)
    ]
    started = time.perf_counter()
    for client in clients:
        client.start()
    loaded = sample_health(port, seconds)
    stop.set()
    for client in clients:
        client.join(timeout=30)
    elapsed = time.perf_counter() - started
    tiles_ms = sorted(counts["ms"])
    answered = {k: v for k, v in counts.items() if k not in {"lock", "ms"}}
    line = (
        f"{len(tiles_ms)} tile requests in {elapsed:.1f} s, answers {answered}, "
        f"median {tiles_ms[len(tiles_ms) // 2]:.1f} ms, max {tiles_ms[-1]:.1f} ms"
        if tiles_ms
        else "no tile request finished"
    )
    return loaded, line


def scenario(app, url: str, label: str, seconds: float, pauses: list[float], **env: str) -> None:
    print(f"  {label}")
    cache = Path(tempfile.mkdtemp(prefix="quartier-bench-tile-cache-"))
    with settings(TILE_CACHE_DIR=str(cache), **env), gunicorn(url, workers=WORKERS) as port:
        measure(port, "/api/v1/health", 10)  # warm up every worker
        idle = sample_health(port, seconds)
        print(
            f"    {'health idle':<36} median {idle['median']:8.1f} ms  p95 {idle['p95']:8.1f} ms"
            f"  max {idle['max']:8.1f} ms  ({idle['n']} requests)"
        )
        for zoom, pause in zip(ZOOMS, pauses, strict=False):
            # Each load starts with the breaker closed (as after a restart) and asks for
            # tiles (another zoom level) that no worker has seen fail yet.
            (cache / BREAKER_FILE).unlink(missing_ok=True)
            loaded, tiles_line = under_load(port, tile_paths(app, zoom), seconds, pause)
            what = f"health, {CLIENTS} clients, pause {pause:.2f} s"
            print(
                f"    {what:<36} median {loaded['median']:8.1f} ms  p95 {loaded['p95']:8.1f} ms"
                f"  max {loaded['max']:8.1f} ms  ({loaded['n']} requests)  ratio to idle: "
                f"median {loaded['median'] / idle['median']:.2f}, "
                f"p95 {loaded['p95'] / idle['p95']:.2f}"
            )
            print(f"      {tiles_line}")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="quartier-bench-tiles-"))
    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        load_districts()
        db.session.commit()
    print(
        f"Tile proxy with a tile server that accepts and never answers: gunicorn, {WORKERS} "
        f"sync workers, {CLIENTS} clients requesting uncached tiles in Erfurt"
    )
    with hanging_upstream() as upstream:
        scenario(
            app,
            url,
            "defaults (1.5 s in all, negative caching, breaker)",
            6,
            [0.5, 0.1, 0.0],
            TILE_UPSTREAM_URL=upstream,
        )
        scenario(
            app,
            url,
            "like the old proxy (5 s timeout, no negative caching, no breaker, no limit)",
            6,
            [0.5],
            TILE_UPSTREAM_URL=upstream,
            TILE_PROXY_TIMEOUT="5",
            TILE_FAILURE_TTL="0",
            TILE_UPSTREAM_RETRY="0",
            TILE_RATELIMIT="",
        )


if __name__ == "__main__":
    main()
