"""HTTP caching: content-hashed static URLs with long cache lifetimes, and conditional GET
(``ETag`` / ``304 Not Modified``) for rarely changing API answers.

Static files
    ``url_for('static', filename=…)`` – everywhere, flask-leaflet's ``load()`` included –
    appends ``?v=<hash>``: the first 12 hex digits of the SHA-256 of the file's bytes,
    computed once per process and file (in debug mode again whenever the file changes). A
    request that carries the file's current hash is cached for a year as ``immutable``; one
    without it (or with an old hash) gets ``STATIC_SHORT_MAX_AGE`` seconds, so a changed file
    reaches browsers by its new URL at once and by its bare URL within minutes.

Conditional GET
    :func:`conditional` gives an answer a weak ``ETag`` – the hash of its body unless the
    caller passes a cheaper validator – and answers ``304`` when ``If-None-Match`` matches.
    Weak, because compression (Flask-Compress runs later) changes the bytes but not the
    content: one tag for the gzip, brotli and identity forms, and ``Vary: Accept-Encoding``.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, Response, current_app, request

STATIC_ENDPOINTS = ("static", "leaflet.static")
HASH_LENGTH = 12
_HASHES_KEY = "quartier_static_hashes"


def _static_folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rpartition(".")[0])
    return blueprint.static_folder if blueprint is not None else None


def _safe_path(folder: str, filename: str) -> str | None:
    path = os.path.realpath(os.path.join(folder, filename))
    root = os.path.realpath(folder)
    if not path.startswith(root + os.sep) or not os.path.isfile(path):
        return None
    return path


def file_hash(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:HASH_LENGTH]


def static_hash(endpoint: str, filename: str, app: Flask | None = None) -> str | None:
    """The content hash of a static file (``None`` if there is no such file).

    Cached per process; in debug mode keyed by the file's modification time and size, so
    an edited file gets a new hash without a restart."""
    app = app or current_app
    cache: dict = app.extensions.setdefault(_HASHES_KEY, {})
    key = (endpoint, filename)
    if not app.debug and key in cache:
        return cache[key][1]
    folder = _static_folder(app, endpoint)
    path = _safe_path(folder, filename) if folder else None
    if path is None:
        return None
    stamp = None
    if app.debug:
        info = os.stat(path)
        stamp = (info.st_mtime_ns, info.st_size)
        if key in cache and cache[key][0] == stamp:
            return cache[key][1]
    value = file_hash(path)
    cache[key] = (stamp, value)
    return value


def conditional(response: Response, etag: str | None = None) -> Response:
    """Give ``response`` a weak ETag (``etag``, or a hash of its body) and answer 304 to a
    request whose ``If-None-Match`` holds it. Only for bodies in memory, not streams."""
    if etag is None:
        etag = hashlib.blake2b(response.get_data(), digest_size=12).hexdigest()
    response.set_etag(etag, weak=True)
    return response.make_conditional(request)


def etag_matches(etag: str) -> bool:
    """Whether the request's ``If-None-Match`` holds ``etag`` (weakly compared): the caller
    may answer 304 before building the body."""
    return request.method in ("GET", "HEAD") and request.if_none_match.contains_weak(etag)


def not_modified(etag: str, cache_control: str) -> Response:
    response = Response(status=304)
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = cache_control
    return response


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_static_hash(endpoint: str, values: dict) -> None:
        if endpoint in STATIC_ENDPOINTS and "filename" in values and "v" not in values:
            value = static_hash(endpoint, values["filename"])
            if value is not None:
                values["v"] = value

    @app.after_request
    def static_cache_headers(response: Response) -> Response:
        if request.endpoint not in STATIC_ENDPOINTS or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = request.args.get("v")
        if version and version == static_hash(request.endpoint, filename):
            max_age = app.config["STATIC_LONG_MAX_AGE"]
            response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
        else:
            response.headers["Cache-Control"] = (
                f"public, max-age={app.config['STATIC_SHORT_MAX_AGE']}"
            )
        return response
