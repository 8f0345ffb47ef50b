"""The base-map tile proxy: bounded, cached, and never blocking the app.

Browsers fetch tiles from our origin (no visitor's address reaches the tile server). A tile is
served only for the zoom levels the maps offer (``TILE_MIN_ZOOM`` … ``TILE_MAX_ZOOM``) and only
inside the city's bounding box plus a margin; anything else is 404 without any upstream request.

Cached tiles are files ``TILE_CACHE_DIR/z/x/y.png``, written through a temporary file and an
atomic rename (several processes may write the same tile). A hit touches the file (at most
once an hour) so that the sweep, which runs every ``TILE_CACHE_SWEEP_EVERY`` writes of a
process, can drop the least recently used tiles once the cache exceeds
``TILE_CACHE_MAX_BYTES``; files that vanish meanwhile are skipped.

An upstream fetch happens only for a missing tile, counts against the client's
``TILE_RATELIMIT`` and ends after ``TILE_PROXY_TIMEOUT`` seconds in all (connect and read).
After a failure the tile is not asked for again for ``TILE_FAILURE_TTL`` seconds (per process),
and a circuit breaker — the file ``TILE_CACHE_DIR/.upstream-down``, shared by all processes —
makes every request answer the placeholder at once for ``TILE_UPSTREAM_RETRY`` seconds; then
one request tries again (it moves the breaker on first, so the others keep answering at once).
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import io
import logging
import math
import os
import secrets
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many
from PIL import Image

from ..districts import services as district_services
from ..extensions import limiter

log = logging.getLogger(__name__)

TILE_SIZE = 256
MAX_TILE_BYTES = 1024 * 1024  # an upstream answer larger than this is not a tile
TOUCH_AFTER = 3600  # seconds: a hit refreshes the file's time (for the LRU) at most this often
STALE_TEMPORARY = 600  # seconds after which a left-over temporary file is removed
BREAKER_FILE = ".upstream-down"
SWEEP_LOCK = ".sweep.lock"
MAX_REMEMBERED_FAILURES = 10_000


class TileUnavailable(Exception):
    """The tile cannot be fetched now: answer the placeholder."""


class TileRateLimited(Exception):
    """The client asked for too many uncached tiles: answer 429."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class UpstreamError(OSError):
    """The upstream answered, but not with a tile (``missing``: 404, the tile does not exist)."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


# --- which tiles exist for us ---------------------------------------------------------------


def bbox(config: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """(west, south, east, north) the maps may show: ``TILE_BBOX`` or the districts' bounds
    (or the map centre without districts), widened by ``TILE_BBOX_MARGIN`` degrees."""
    box = config.get("TILE_BBOX") or district_services.city_bounds()
    if box is None:
        lat, lon = config["MAP_CENTER"]
        box = (lon, lat, lon, lat)
    west, south, east, north = box
    margin = float(config.get("TILE_BBOX_MARGIN") or 0)
    return (
        max(west - margin, -180.0),
        max(south - margin, -85.05),
        min(east + margin, 180.0),
        min(north + margin, 85.05),
    )


def _tile_x(lon: float, z: int) -> int:
    return min(int((lon + 180.0) / 360.0 * 2**z), 2**z - 1)


def _tile_y(lat: float, z: int) -> int:
    rad = math.radians(lat)
    y = (1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * 2**z
    return min(max(int(y), 0), 2**z - 1)


def tile_range(box: tuple[float, float, float, float], z: int) -> tuple[range, range]:
    """The x and y ranges of the tiles at zoom ``z`` that cover ``box`` (also at low zooms,
    where that is one or a few tiles)."""
    west, south, east, north = box
    return (
        range(_tile_x(west, z), _tile_x(east, z) + 1),
        range(_tile_y(north, z), _tile_y(south, z) + 1),
    )


def is_served(z: int, x: int, y: int, config: Mapping[str, Any]) -> bool:
    if not config["TILE_MIN_ZOOM"] <= z <= config["TILE_MAX_ZOOM"]:
        return False
    xs, ys = tile_range(bbox(config), z)
    return x in xs and y in ys


def layer_settings(config: Mapping[str, Any]) -> dict[str, str]:
    """The data attributes a map needs for its tile layer (the same limits as the proxy)."""
    west, south, east, north = bbox(config)
    return {
        "data-tile-url": config.get("TILE_URL") or "",
        "data-tile-attribution": config.get("TILE_ATTRIBUTION") or "",
        "data-tile-min-zoom": str(config["TILE_MIN_ZOOM"]),
        "data-tile-max-zoom": str(config["TILE_MAX_ZOOM"]),
        "data-tile-bounds": f"{south:.5f},{west:.5f},{north:.5f},{east:.5f}",
    }


# --- the placeholder ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def placeholder_png() -> bytes:
    """A neutral light-grey 256×256 PNG (a few hundred bytes), made once per process."""
    out = io.BytesIO()
    Image.new("L", (TILE_SIZE, TILE_SIZE), 238).save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- negative caching and the circuit breaker ---------------------------------------------

_failures: dict[tuple[str, int, int, int], float] = {}
_failures_lock = threading.Lock()
_writes = 0
_writes_lock = threading.Lock()


def _remember_failure(key: tuple[str, int, int, int], ttl: float) -> None:
    with _failures_lock:
        if len(_failures) >= MAX_REMEMBERED_FAILURES:
            now = time.time()
            for old in [k for k, until in _failures.items() if until <= now]:
                del _failures[old]
            if len(_failures) >= MAX_REMEMBERED_FAILURES:
                _failures.clear()
        _failures[key] = time.time() + ttl


def _recently_failed(key: tuple[str, int, int, int]) -> bool:
    until = _failures.get(key)
    return until is not None and until > time.time()


def forget_failures() -> None:
    """Forget the remembered failures of this process (tests)."""
    with _failures_lock:
        _failures.clear()


def _breaker_until(directory: Path) -> float | None:
    """Until when the upstream counts as down (``None``: it does not)."""
    try:
        return float((directory / BREAKER_FILE).read_text() or 0)
    except (OSError, ValueError):
        return None


def _set_breaker(directory: Path, until: float) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f"{BREAKER_FILE}.{secrets.token_hex(4)}.tmp"
    temporary.write_text(repr(until))
    os.replace(temporary, directory / BREAKER_FILE)


def _clear_breaker(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / BREAKER_FILE).unlink()


# --- fetching -------------------------------------------------------------------------------


def user_agent(config: Mapping[str, Any]) -> str:
    if config.get("TILE_USER_AGENT"):
        return config["TILE_USER_AGENT"]
    try:
        version = metadata.version("quartier")
    except metadata.PackageNotFoundError:
        version = "0.1"
    contact = config.get("BASE_URL") or "https://github.com/quartier"
    return f"Quartier/{version} (+{contact}; civic participation platform, tile cache)"


def fetch_upstream(url: str, headers: Mapping[str, str], timeout: float) -> bytes:
    """GET ``url`` within ``timeout`` seconds in all (connect, each read and the whole
    answer share one deadline; name resolution is the system's). Raises ``OSError``."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UpstreamError(f"not an http(s) URL: {url!r}")
    deadline = time.monotonic() + timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no tile within {timeout} s")
        return left

    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=remaining(), context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=remaining())
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        connection.request("GET", path, headers=dict(headers))
        sock = connection.sock  # getresponse() forgets it when the server closes after this
        sock.settimeout(remaining())
        response = connection.getresponse()
        if response.status != 200:
            raise UpstreamError(
                f"upstream answered {response.status}", missing=response.status == 404
            )
        chunks, size = [], 0
        while True:
            sock.settimeout(remaining())
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_TILE_BYTES:
                raise UpstreamError("upstream answer too large for a tile")
            chunks.append(chunk)
        remaining()
        return b"".join(chunks)
    finally:
        connection.close()


def _rate_limit(config: Mapping[str, Any]) -> None:
    """Count one upstream fetch for this client; raise :class:`TileRateLimited` when over."""
    if not limiter.enabled or not config.get("TILE_RATELIMIT"):
        return
    prefix = config.get("RATELIMIT_KEY_PREFIX") or ""
    client = get_remote_address()
    try:
        strategy = limiter.limiter
        for item in parse_many(config["TILE_RATELIMIT"]):
            if not strategy.hit(item, prefix, "tiles", client):
                reset, _remaining = strategy.get_window_stats(item, prefix, "tiles", client)
                raise TileRateLimited(max(int(reset - time.time()) + 1, 1))
    except TileRateLimited:
        raise
    except Exception:  # noqa: BLE001 - a broken limiter storage must not take the maps down
        log.warning("tile rate limit not checked (storage unavailable)", exc_info=True)


# --- the cache ------------------------------------------------------------------------------


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.stem}.{secrets.token_hex(4)}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _touch(path: Path, stat: os.stat_result) -> None:
    if time.time() - stat.st_mtime > TOUCH_AFTER:
        # evicted meanwhile, or a read-only cache: serving it is what matters
        with contextlib.suppress(OSError):
            os.utime(path)


def _cache_files(directory: Path) -> list[tuple[float, int, str]]:
    """(mtime, size, path) of the cached tiles; stale temporary files are removed."""
    found: list[tuple[float, int, str]] = []
    now = time.time()
    stack = [str(directory)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.name.endswith(".png"):
                found.append((stat.st_mtime, stat.st_size, entry.path))
            elif entry.name.endswith(".tmp") and now - stat.st_mtime > STALE_TEMPORARY:
                _unlink(entry.path)
    return found


def _unlink(path: str) -> None:
    """Remove a file; one that another process removed first is fine."""
    with contextlib.suppress(OSError):
        os.unlink(path)


def sweep(directory: Path, max_bytes: int) -> int:
    """Keep the cache under ``max_bytes``: when it is larger, delete the least recently used
    tiles until it holds 90 % of it. One process sweeps at a time (others skip); returns the
    bytes removed."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / SWEEP_LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another process is sweeping
        try:
            files = _cache_files(directory)
            total = sum(size for _mtime, size, _path in files)
            if total <= max_bytes:
                return 0
            target, removed = int(max_bytes * 0.9), 0
            for _mtime, size, path in sorted(files):
                if total - removed <= target:
                    break
                _unlink(path)
                removed += size
            log.info("tile cache: removed %d bytes (limit %d)", removed, max_bytes)
            return removed
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _after_write(directory: Path, config: Mapping[str, Any]) -> None:
    global _writes
    with _writes_lock:
        _writes += 1
        due = _writes % max(int(config.get("TILE_CACHE_SWEEP_EVERY") or 1), 1) == 0
    if due and config.get("TILE_CACHE_MAX_BYTES"):
        sweep(directory, int(config["TILE_CACHE_MAX_BYTES"]))


# --- the one entry point --------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    path: Path


def get_tile(z: int, x: int, y: int) -> Tile | None:
    """The cached tile's file, fetched first if need be. ``None``: we do not serve this tile
    (404). Raises :class:`TileUnavailable` (answer the placeholder) or
    :class:`TileRateLimited` (429)."""
    config = current_app.config
    if not is_served(z, x, y, config):
        return None
    directory = Path(config["TILE_CACHE_DIR"])
    path = directory / str(z) / str(x) / f"{y}.png"
    try:
        stat = path.stat()
    except FileNotFoundError:
        pass
    else:
        _touch(path, stat)
        return Tile(path)

    upstream = config["TILE_UPSTREAM_URL"]
    key = (upstream, z, x, y)
    if _recently_failed(key):
        raise TileUnavailable("failed recently")
    until = _breaker_until(directory)
    now = time.time()
    if until is not None and until > now:
        raise TileUnavailable("upstream down")
    _rate_limit(config)
    timeout = float(config["TILE_PROXY_TIMEOUT"])
    retry = float(config.get("TILE_UPSTREAM_RETRY") or 0)
    if until is not None and retry:
        # This request tries again: the others keep answering at once meanwhile.
        _set_breaker(directory, now + timeout + 1)
    headers = {"User-Agent": user_agent(config), "Accept": "image/png,image/*"}
    if config.get("BASE_URL"):
        headers["Referer"] = config["BASE_URL"] + "/"
    try:
        data = fetch_upstream(upstream.format(z=z, x=x, y=y), headers, timeout)
    except OSError as exc:
        ttl = float(config.get("TILE_FAILURE_TTL") or 0)
        if ttl:
            _remember_failure(key, ttl)
        if retry and not (isinstance(exc, UpstreamError) and exc.missing):
            _set_breaker(directory, time.time() + retry)
        log.warning("tile %s/%s/%s not fetched: %s", z, x, y, exc)
        raise TileUnavailable(str(exc)) from exc
    if until is not None:
        _clear_breaker(directory)
    _write(path, data)
    _after_write(directory, config)
    return Tile(path)
