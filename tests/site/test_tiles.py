"""The tile proxy is bounded (zoom, bounding box, per-client limit, cache size) and never
blocks the app (total timeout, negative caching, shared circuit breaker, placeholder).

No test touches the network: the upstream is a local server on 127.0.0.1 (or a closed port,
or a socket that accepts and never answers)."""

from __future__ import annotations

import io
import math
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from app.site import tiles

# Erfurt's cathedral square and a point in Berlin, outside the city's box and margin.
ERFURT = (50.9755, 11.0230)
BERLIN = (52.5163, 13.3777)


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int, int]:
    """The slippy-map tile containing the point (the OSM wiki's formula)."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return z, x, y


def url(z: int, x: int, y: int) -> str:
    return f"/tiles/{z}/{x}/{y}.png"


def png(shade: int = 10) -> bytes:
    out = io.BytesIO()
    Image.new("L", (256, 256), shade).save(out, format="PNG")
    return out.getvalue()


class Upstream:
    """A tile server on 127.0.0.1 that records every request. ``mode``: "ok", "missing"
    (404), "error" (500), "slow" (answers after ``delay`` seconds), "drip" (sends the
    headers, then one byte every 0.2 s)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.mode = "ok"
        self.delay = 3.0
        self.body = png()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                upstream.requests.append((self.path, dict(self.headers)))
                if upstream.mode == "slow":
                    time.sleep(upstream.delay)
                if upstream.mode in {"missing", "error"}:
                    self.send_response(404 if upstream.mode == "missing" else 500)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(upstream.body)))
                self.end_headers()
                if upstream.mode == "drip":
                    for byte in upstream.body[:50]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(0.2)
                    return
                self.wfile.write(upstream.body)

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                """The proxy hangs up on slow answers on purpose: no traceback for that."""

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"

    @property
    def paths(self) -> list[str]:
        return [path for path, _headers in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def upstream():
    server = Upstream()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def fresh_upstream(upstream):
    upstream.requests.clear()
    upstream.mode = "ok"
    upstream.body = png()
    tiles.forget_failures()
    yield
    tiles.forget_failures()


@pytest.fixture
def app_overrides(upstream):
    return {"TILE_UPSTREAM_URL": upstream.url}


@pytest.fixture
def fetches(monkeypatch):
    """Every upstream fetch the proxy starts (whatever its outcome)."""
    calls: list[str] = []
    real = tiles.fetch_upstream

    def counting(address, headers, timeout):
        calls.append(address)
        return real(address, headers, timeout)

    monkeypatch.setattr(tiles, "fetch_upstream", counting)
    return calls


def cache_dir(app) -> Path:
    return Path(app.config["TILE_CACHE_DIR"])


def cached(app, z: int, x: int, y: int) -> Path:
    return cache_dir(app) / str(z) / str(x) / f"{y}.png"


def is_placeholder(response) -> bool:
    return response.data == tiles.placeholder_png()


# --- bounded ---------------------------------------------------------------------------------


@pytest.mark.parametrize("z", [0, 5, 9, 19, 22])
def test_zoom_outside_the_maps_range_is_404_without_fetch(client, districts, fetches, z):
    assert client.get(url(*tile_of(*ERFURT, z))).status_code == 404
    assert fetches == []


def test_tile_outside_the_bounding_box_is_404_without_fetch(client, districts, fetches):
    z, x, y = tile_of(*ERFURT, 14)
    for tile in [tile_of(*BERLIN, 14), (z, x + 200, y), (z, x, y - 200), tile_of(*BERLIN, 10)]:
        assert client.get(url(*tile)).status_code == 404, tile
    assert fetches == []


def test_margin_and_low_zoom_cover_exactly_the_box(app, districts):
    west, south, east, north = tiles.bbox(app.config)
    assert (round(west, 1), round(east, 1)) == (10.8, 11.3)  # Erfurt ≈ 10.86–11.18 + 0.1
    assert (round(south, 1), round(north, 1)) == (50.8, 51.2)  # Erfurt ≈ 50.89–51.08 + 0.1
    xs, ys = tiles.tile_range((west, south, east, north), 10)
    assert len(xs) * len(ys) <= 9  # zoom 10: the few tiles around the city, not 2**20
    assert tiles.is_served(*tile_of(*ERFURT, 10), app.config)
    assert not tiles.is_served(*tile_of(south - 0.05, 11.0, 16), app.config)
    assert tiles.is_served(*tile_of(south + 0.05, 11.0, 16), app.config)  # in the margin


def test_inside_is_fetched_once_then_served_from_the_cache(app, client, districts, upstream):
    tile = tile_of(*ERFURT, 15)
    first = client.get(url(*tile))
    second = client.get(url(*tile))
    assert first.status_code == second.status_code == 200
    assert first.data == second.data == upstream.body
    assert first.headers["Cache-Control"] == "public, max-age=604800"
    assert upstream.paths == ["/{}/{}/{}.png".format(*tile)]
    assert cached(app, *tile).read_bytes() == upstream.body


def test_upstream_gets_a_user_agent_and_referer(client, districts, upstream):
    assert client.get(url(*tile_of(*ERFURT, 13))).status_code == 200
    [(_path, headers)] = upstream.requests
    assert headers["User-Agent"].startswith("Quartier/")
    assert "http://localhost" in headers["User-Agent"]  # the contact: BASE_URL
    assert headers["Referer"] == "http://localhost/"


class TestUserAgentSetting:
    @pytest.fixture
    def app_overrides(self, upstream):
        return {"TILE_UPSTREAM_URL": upstream.url, "TILE_USER_AGENT": "Stadt Erfurt (it@x.de)"}

    def test_configured_user_agent_is_sent(self, client, districts, upstream):
        client.get(url(*tile_of(*ERFURT, 13)))
        assert upstream.requests[0][1]["User-Agent"] == "Stadt Erfurt (it@x.de)"


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self, upstream):
        return {
            "TILE_UPSTREAM_URL": upstream.url,
            "RATELIMIT_ENABLED": True,
            "TILE_RATELIMIT": "3 per minute",
        }

    def test_uncached_fetches_are_limited_cached_tiles_are_not(self, client, districts, upstream):
        z, x, y = tile_of(*ERFURT, 16)
        for dx in range(3):
            assert client.get(url(z, x + dx, y)).status_code == 200
        limited = client.get(url(z, x + 3, y))
        assert limited.status_code == 429
        assert limited.mimetype == "image/png" and int(limited.headers["Retry-After"]) >= 1
        assert limited.headers["Cache-Control"] == "no-store"
        assert len(upstream.requests) == 3  # the fourth never left
        for _ in range(5):
            assert client.get(url(z, x, y)).status_code == 200  # cached: cheap, unlimited

    def test_the_limit_is_per_client(self, client, districts):
        z, x, y = tile_of(*ERFURT, 16)
        for dx in range(4):
            client.get(url(z, x + dx, y), environ_base={"REMOTE_ADDR": "10.0.0.1"})
        other = client.get(url(z, x + 4, y), environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert other.status_code == 200


class TestCacheSize:
    @pytest.fixture
    def app_overrides(self, upstream):
        return {
            "TILE_UPSTREAM_URL": upstream.url,
            "TILE_CACHE_SWEEP_EVERY": 1,
            "TILE_CACHE_MAX_BYTES": 3 * len(png()),
        }

    def test_over_the_limit_the_least_recently_used_tiles_go(self, app, client, districts):
        z, x, y = tile_of(*ERFURT, 17)
        a, b, c, d = [(z, x + i, y) for i in range(4)]
        for tile in (a, b, c):
            assert client.get(url(*tile)).status_code == 200
        now = time.time()
        for tile, hours in ((a, 3), (b, 2), (c, 1)):
            os.utime(cached(app, *tile), (now - hours * 3600, now - hours * 3600))
        assert client.get(url(*a)).status_code == 200  # a hit: a is the most recent now
        assert client.get(url(*d)).status_code == 200  # 4 tiles > 3: sweep to 90 %
        assert cached(app, *a).exists() and cached(app, *d).exists()
        assert not cached(app, *b).exists() and not cached(app, *c).exists()

    def test_sweep_tolerates_vanishing_files_and_removes_stale_temporaries(self, tmp_path):
        folder = tmp_path / "cache" / "14" / "1"
        folder.mkdir(parents=True)
        old = time.time() - 7200
        for name in ("1.png", "2.png", "3.png"):
            (folder / name).write_bytes(b"x" * 100)
            os.utime(folder / name, (old, old))
        stale = folder / "4.abcd.tmp"
        stale.write_bytes(b"x")
        os.utime(stale, (old, old))
        real_unlink = os.unlink

        def racing_unlink(path):  # another process removed the file first
            real_unlink(path)
            real_unlink(path)

        tiles.os.unlink = racing_unlink
        try:
            removed = tiles.sweep(tmp_path / "cache", 250)
        finally:
            tiles.os.unlink = real_unlink
        assert removed == 100  # 300 > 250: one file, down to ≤ 225
        assert len(list(folder.glob("*.png"))) == 2
        assert not stale.exists()


# --- never block the app ---------------------------------------------------------------------


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"  # nobody listens: refused


class TestUpstreamDown:
    @pytest.fixture
    def app_overrides(self):
        return {"TILE_UPSTREAM_URL": closed_port_url()}

    def test_placeholder_at_once_and_no_attempt_meanwhile(self, app, client, districts, fetches):
        z, x, y = tile_of(*ERFURT, 14)
        first = client.get(url(z, x, y))
        assert first.status_code == 200 and is_placeholder(first)
        assert first.headers["Cache-Control"] == "public, max-age=60"
        assert not cached(app, z, x, y).exists()  # never cached as the real tile
        start = time.perf_counter()
        for tile in [(z, x, y), (z, x + 1, y), (z, x, y + 1), (z + 1, 2 * x, 2 * y)]:
            response = client.get(url(*tile))
            assert is_placeholder(response)
        assert time.perf_counter() - start < 0.5
        assert len(fetches) == 1  # the breaker answered for every process meanwhile
        assert (cache_dir(app) / tiles.BREAKER_FILE).exists()

    def test_the_breaker_is_shared_through_the_cache_folder(self, app, client, districts, fetches):
        # Another process found the upstream down: this one does not try either.
        cache_dir(app).mkdir(parents=True)
        (cache_dir(app) / tiles.BREAKER_FILE).write_text(repr(time.time() + 30))
        assert is_placeholder(client.get(url(*tile_of(*ERFURT, 14))))
        assert fetches == []


class TestNegativeCachePerTile:
    @pytest.fixture
    def app_overrides(self, upstream):
        return {"TILE_UPSTREAM_URL": upstream.url, "TILE_UPSTREAM_RETRY": 0}

    def test_a_missing_tile_is_not_asked_for_again(self, client, districts, upstream):
        upstream.mode = "missing"
        z, x, y = tile_of(*ERFURT, 14)
        assert is_placeholder(client.get(url(z, x, y)))
        assert is_placeholder(client.get(url(z, x, y)))
        assert len(upstream.requests) == 1
        upstream.mode = "ok"
        assert client.get(url(z, x + 1, y)).data == upstream.body  # other tiles still come


class TestBreakerRecovers:
    @pytest.fixture
    def app_overrides(self, upstream):
        return {"TILE_UPSTREAM_URL": upstream.url}

    def test_after_the_retry_time_one_request_tries_and_closes_the_breaker(
        self, app, client, districts, upstream
    ):
        upstream.mode = "error"
        z, x, y = tile_of(*ERFURT, 14)
        assert is_placeholder(client.get(url(z, x, y)))  # 500: the breaker opens
        breaker = cache_dir(app) / tiles.BREAKER_FILE
        assert float(breaker.read_text()) > time.time() + 20
        upstream.mode = "ok"
        assert is_placeholder(client.get(url(z, x + 1, y)))  # still open: no request
        assert len(upstream.requests) == 1
        breaker.write_text(repr(time.time() - 1))  # the retry time has passed
        assert client.get(url(z, x + 1, y)).data == upstream.body
        assert not breaker.exists()
        assert len(upstream.requests) == 2


class TestSlowUpstream:
    @pytest.fixture
    def app_overrides(self, upstream):
        return {"TILE_UPSTREAM_URL": upstream.url, "TILE_PROXY_TIMEOUT": 0.5}

    @pytest.mark.parametrize("mode", ["slow", "drip"])
    def test_request_returns_within_the_timeout(self, client, districts, upstream, mode):
        upstream.mode = mode
        start = time.perf_counter()
        response = client.get(url(*tile_of(*ERFURT, 14)))
        elapsed = time.perf_counter() - start
        assert is_placeholder(response)
        assert elapsed < 1.0, elapsed  # 0.5 s in all, whether silent or trickling

    def test_a_server_that_accepts_and_never_answers(self, app, client, districts):
        with socket.socket() as blackhole:
            blackhole.bind(("127.0.0.1", 0))
            blackhole.listen(50)  # the kernel accepts; nobody reads or answers
            port = blackhole.getsockname()[1]
            app.config["TILE_UPSTREAM_URL"] = f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"
            start = time.perf_counter()
            response = client.get(url(*tile_of(*ERFURT, 14)))
            assert time.perf_counter() - start < 1.0
        assert is_placeholder(response)


def test_placeholder_is_a_neutral_256_pixel_png():
    image = Image.open(io.BytesIO(tiles.placeholder_png()))
    assert image.size == (256, 256) and image.format == "PNG"
    assert image.getextrema()[0] > 200  # light grey
    assert len(tiles.placeholder_png()) < 2000


# --- the maps offer the same range -----------------------------------------------------------


class TestMapsShareTheLimits:
    @pytest.fixture
    def app_overrides(self):
        return {"TILE_URL": "/tiles/{z}/{x}/{y}.png", "TILE_MIN_ZOOM": 11, "TILE_MAX_ZOOM": 17}

    @pytest.mark.parametrize("path", ["/", "/karte", "/barrieren"])
    def test_maps_carry_the_proxys_zoom_range_and_bounds(self, app, client, districts, path):
        html = client.get(path).get_data(as_text=True)
        assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in html
        assert 'data-tile-min-zoom="11"' in html and 'data-tile-max-zoom="17"' in html
        west, south, east, north = tiles.bbox(app.config)
        assert f'data-tile-bounds="{south:.5f},{west:.5f},{north:.5f},{east:.5f}"' in html
