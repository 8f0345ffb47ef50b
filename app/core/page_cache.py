"""A per-process cache of whole answers of the busiest public GET endpoints (start page,
``/karte`` and its list, district pages, the map's GeoJSON APIs), invalidated by every write.

Why: under load these pages spent their time in template rendering, the list's queries and
JSON encoding for answers that change only when someone writes (see "Where the time goes" in
``docs/architecture.md``). A cached answer costs a dictionary look-up and a ``stat`` — the
same whatever the number of proposals.

**What is cached.** A view decorated with :func:`cached` keeps its ``200`` answers per
(endpoint, host, path with query string, language) — for pages only for visitors who are
not signed in and have no flashed message waiting (their pages are the same for everyone);
API answers (``anyone=True``) for everybody. At most ``PAGE_CACHE_ENTRIES`` answers per
process (least recently used go first), none larger than ``MAX_BODY`` bytes, each for at
most ``PAGE_CACHE_SECONDS`` (``0`` switches the cache off; it is off in the test
configuration unless a test switches it on).

**Per-request secrets stay per request.** The CSP nonce and the CSRF token a page was
rendered with are replaced by markers in the stored body and by the current request's own
values when it is served again (a nonce must never be used twice; the CSRF token belongs to
the visitor's session). The response headers (CSP, cookies, compression) are made by the
``after_request`` hooks of every request, cached or not.

**Invalidation: any write, any process, any host.** A SQLAlchemy session that flushes
changes or runs an ``INSERT``/``UPDATE``/``DELETE`` marks itself; when it commits (and already
at the flush), the *version* changes: a process-local counter and a shared counter. With
``PAGE_CACHE_REDIS_URL`` (default: ``REDIS_URL``) the shared counter is a Redis key
(``INCR`` on a write, one ``GET`` per cached read) — the one every app server behind the
proxy shares, as it shares the rate limits. Without Redis (development, one host) it is one
byte appended to ``PAGE_CACHE_VERSION_FILE`` (``instance/page-cache-version``; truncated at
1 MB) and a cached read costs one ``os.stat``. When the shared counter cannot be read,
nothing is served from the cache. Writes that bypass the ORM session (another program on the
database, ``psql``) are seen after ``PAGE_CACHE_SECONDS`` at the latest — as are
time-dependent texts.
"""

from __future__ import annotations

import gzip
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

import brotli
from flask import Flask, Response, current_app, g, has_app_context, make_response, request
from flask import session as http_session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

MAX_BODY = 512 * 1024  # larger answers are not kept
VERSION_FILE_MAX = 1024 * 1024  # the version file is truncated beyond this (a change too)
NONCE_MARK = "\x00quartier-csp-nonce\x00"
CSRF_MARK = "\x00quartier-csrf-token\x00"
_KEY = "quartier_page_cache"
# Tables written while serving GET requests that no cached answer shows (a council member's
# dashboard visit): their writes do not invalidate.
IGNORED_TABLES = frozenset({"dashboard_visits"})
_WROTE = "quartier_page_cache_wrote"


@dataclass
class Entry:
    version: tuple
    stored: float
    status: int
    headers: list[tuple[str, str]]
    body: str
    nonce: bool
    csrf: bool
    # the body compressed per coding ("br", "gzip"), made at the first request asking for it;
    # only for answers without per-request secrets
    compressed: dict[str, bytes] = field(default_factory=dict)


class PageCache:
    """The answers of one app in this process, with the local part of the version."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.lock = threading.Lock()
        self.local = 0  # writes committed by this process
        self._redis = None  # the shared counter's client: None = not made yet, False = none
        self.hits = 0
        self.misses = 0

    @property
    def path(self) -> str:
        return self.app.config.get("PAGE_CACHE_VERSION_FILE") or os.path.join(
            self.app.instance_path, "page-cache-version"
        )

    @property
    def redis(self):
        """The Redis client of the shared counter, or ``None`` (then the version file)."""
        if self._redis is None:
            url = (self.app.config.get("PAGE_CACHE_REDIS_URL") or "").strip()
            if not url:
                self._redis = False
            else:
                import redis  # deferred: only deployments with Redis load it

                self._redis = redis.Redis.from_url(
                    url, socket_timeout=0.25, socket_connect_timeout=0.25
                )
        return self._redis or None

    @property
    def redis_key(self) -> str:
        return self.app.config.get("PAGE_CACHE_REDIS_KEY") or "quartier:page-cache-version"

    def version(self) -> tuple | None:
        """This process's writes and the shared counter (Redis, else the version file's
        inode, size and mtime); ``None`` when it cannot be read (then nothing is cached)."""
        client = self.redis
        if client is not None:
            try:
                return (self.local, client.get(self.redis_key) or b"0")
            except Exception as exc:  # noqa: BLE001 - any Redis failure: render afresh
                log.warning("page cache: cannot read the version from Redis: %s", exc)
                return None
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return (self.local, 0, 0, 0)
        except OSError:
            return None
        return (self.local, info.st_ino, info.st_size, info.st_mtime_ns)

    def bump(self) -> None:
        """A write happened: every stored answer is stale, in every process."""
        with self.lock:
            self.local += 1
            self.entries.clear()
        if not self.app.config.get("PAGE_CACHE_SECONDS"):
            return  # off (as in every process of this configuration): nobody to tell
        client = self.redis
        if client is not None:
            try:
                client.incr(self.redis_key)
            except Exception as exc:  # noqa: BLE001 - readers then fail to read it as well
                log.warning("page cache: cannot count a write in Redis: %s", exc)
            return
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, b".")
                if os.fstat(fd).st_size >= VERSION_FILE_MAX:
                    os.ftruncate(fd, 0)
            finally:
                os.close(fd)
        except OSError as exc:  # other processes then see the write after the TTL
            log.warning("page cache: cannot write %s: %s", self.path, exc)

    def get(self, key: tuple, version: tuple, ttl: float) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.version != version or time.monotonic() - entry.stored > ttl:
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry, limit: int) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > limit:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


def cache_of(app: Flask | None = None) -> PageCache | None:
    app = app or (current_app._get_current_object() if has_app_context() else None)
    return app.extensions.get(_KEY) if app is not None else None


def invalidate(app: Flask | None = None) -> None:
    """Make every cached answer stale (writes do this themselves; for tests and tools)."""
    cache = cache_of(app)
    if cache is not None:
        cache.bump()


def _store(response: Response) -> Entry | None:
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return None
    data = response.get_data()
    if len(data) > MAX_BODY:
        return None
    try:
        body = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    nonce, token = g.get("csp_nonce"), g.get("csrf_token")
    if nonce:
        body = body.replace(nonce, NONCE_MARK)
    if token:
        body = body.replace(token, CSRF_MARK)
    headers = [
        (k, v)
        for k, v in response.headers.items()
        if k.lower() not in ("set-cookie", "content-length", "vary")
    ]
    return Entry((), 0.0, response.status_code, headers, body, bool(nonce), bool(token))


def _coding(entry: Entry) -> str | None:
    """The coding this request gets a compressible secret-free answer in, as Flask-Compress
    would choose it (the first of ``COMPRESS_ALGORITHM`` the client accepts)."""
    config = current_app.config
    if entry.nonce or entry.csrf or len(entry.body) < config.get("COMPRESS_MIN_SIZE", 500):
        return None
    mimetype = {k.lower(): v for k, v in entry.headers}.get("content-type", "")
    if mimetype.split(";")[0].strip() not in config.get("COMPRESS_MIMETYPES", ()):
        return None
    algorithms = config.get("COMPRESS_ALGORITHM", ())
    if isinstance(algorithms, str):
        algorithms = [a.strip() for a in algorithms.split(",")]
    accepted = request.accept_encodings
    return next((a for a in algorithms if a in ("br", "gzip") and accepted[a] > 0), None)


def _compressed(entry: Entry, coding: str) -> bytes:
    found = entry.compressed.get(coding)
    if found is None:
        data = entry.body.encode("utf-8")
        config = current_app.config
        if coding == "br":
            found = brotli.compress(data, quality=config.get("COMPRESS_BR_LEVEL", 4))
        else:
            found = gzip.compress(data, compresslevel=config.get("COMPRESS_LEVEL", 6), mtime=0)
        entry.compressed[coding] = found  # a race only computes it twice
    return found


def _serve(entry: Entry) -> Response:
    coding = _coding(entry)
    if coding is not None:  # compressed once per entry; Flask-Compress leaves it alone
        response = Response(_compressed(entry, coding), status=entry.status, headers=entry.headers)
        response.headers["Content-Encoding"] = coding
        return response
    body = entry.body
    if entry.nonce:
        from .security import csp_nonce  # deferred: security imports nothing of this

        body = body.replace(NONCE_MARK, csp_nonce())
    if entry.csrf:
        body = body.replace(CSRF_MARK, generate_csrf())
    return Response(body, status=entry.status, headers=entry.headers)


def _cacheable(anyone: bool) -> bool:
    if request.method != "GET":
        return False
    if anyone:
        return True
    return not current_user.is_authenticated and not http_session.get("_flashes")


def cached(view: Callable | None = None, *, anyone: bool = False) -> Callable:
    """Decorate a GET view (below its permission decorator): its ``200`` answers are served
    from the cache (see the module docstring). ``anyone``: the answer does not depend on who
    asks (APIs), so signed-in people get cached answers too."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            cache = cache_of()
            ttl = current_app.config.get("PAGE_CACHE_SECONDS", 0)
            if cache is None or not ttl or not _cacheable(anyone):
                return view(*args, **kwargs)
            version = cache.version()
            if version is None:
                return view(*args, **kwargs)
            key = (request.endpoint, request.host, request.full_path, str(get_locale()))
            entry = cache.get(key, version, ttl)
            if entry is not None:
                cache.hits += 1
                return _serve(entry)
            cache.misses += 1
            response = make_response(view(*args, **kwargs))
            entry = _store(response)
            if entry is not None:
                entry.version, entry.stored = version, time.monotonic()
                cache.put(key, entry, current_app.config.get("PAGE_CACHE_ENTRIES", 256))
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


# --- invalidation on write ----------------------------------------------------------------


def _tables(objects) -> set[str]:
    names = set()
    for obj in objects:
        table = getattr(type(obj), "__tablename__", None)
        names.add(table or "?")
    return names


def _wrote(session: Session) -> None:
    session.info[_WROTE] = True
    cache = cache_of()
    if cache is not None:  # already at the flush: the session's own later reads see it
        cache.bump()


def _after_flush(session: Session, _context) -> None:
    changed = _tables(session.new) | _tables(session.dirty) | _tables(session.deleted)
    if changed - IGNORED_TABLES:
        _wrote(session)


def _do_orm_execute(state) -> None:
    if state.is_select:
        return
    statement = state.statement
    table = getattr(getattr(statement, "table", None), "name", None)
    if table in IGNORED_TABLES:
        return
    if state.is_insert or state.is_update or state.is_delete:
        _wrote(state.session)
        return
    text = str(statement).lstrip()[:8].upper()
    if text.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")):
        _wrote(state.session)


def _after_commit(session: Session) -> None:
    if session.info.pop(_WROTE, False):
        cache = cache_of()
        if cache is not None:
            cache.bump()


def _after_rollback(session: Session) -> None:
    if session.info.pop(_WROTE, False):  # the flush's bump already made the entries stale
        cache = cache_of()
        if cache is not None:
            cache.bump()


_listening = False


def init_app(app: Flask) -> None:
    global _listening
    app.config.setdefault("PAGE_CACHE_SECONDS", 60)
    app.config.setdefault("PAGE_CACHE_ENTRIES", 256)
    app.extensions[_KEY] = PageCache(app)
    if not _listening:  # the events are the Session class's: once per process
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _listening = True
