"""Bytes on the wire: brotli/gzip compression, content-hashed static URLs with long cache
lifetimes, conditional GET (ETag, 304) for rarely changing API answers."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import brotli
import pytest
from flask import Flask, url_for

from app.core import http_cache

STATIC = Path(__file__).resolve().parents[2] / "static"


def _decode(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    assert encoding is None
    return data


# --- compression -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize(
    ("path", "mimetype"),
    [
        ("/", "text/html"),
        ("/api/v1/districts", "application/geo+json"),
        ("/api/v1/barriers/summary", "application/json"),
        ("/static/css/quartier.css", "text/css"),
        ("/static/js/district-map.js", "text/javascript"),
    ],
)
def test_text_answers_are_compressed_and_decode_to_the_same_bytes(
    client, districts, encoding, path, mimetype
):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    packed = client.get(path, headers={"Accept-Encoding": f"{encoding}, deflate"})
    assert plain.status_code == packed.status_code == 200
    assert plain.mimetype == packed.mimetype == mimetype
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert "accept-encoding" in packed.headers["Vary"].lower()
    assert "accept-encoding" in plain.headers["Vary"].lower()
    body = _decode(packed)
    if mimetype == "text/html":  # the CSP nonce and CSRF token differ per request
        strip = re.compile(rb'(nonce|value)="[^"]*"')
        body, expected = strip.sub(b"", body), strip.sub(b"", plain.get_data())
    else:
        expected = plain.get_data()
    assert body == expected
    assert len(packed.get_data()) < len(plain.get_data())


def test_brotli_is_preferred_and_small_answers_stay_plain(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    small = client.get("/api/v1/health", headers={"Accept-Encoding": "br, gzip"})
    assert len(small.get_data()) < 500
    assert "Content-Encoding" not in small.headers
    assert small.json == {"status": "ok"}


# --- static files: hashed URLs and cache headers ------------------------------------------------


def _static_refs(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/(?:static|leaflet/static)/[^"]+)"', html)


@pytest.mark.parametrize("path", ["/", "/ortsteile/23", "/vorschlaege/neu", "/barrieren"])
def test_every_static_reference_on_the_pages_carries_the_content_hash(
    client, login, create_user, districts, path
):
    login(create_user())
    html = client.get(path).get_data(as_text=True)
    refs = _static_refs(html)
    assert any("leaflet.js" in ref for ref in refs) and any("quartier.css" in ref for ref in refs)
    for ref in refs:
        file, _, query = ref.partition("?")
        assert query.startswith("v="), ref
        on_disk = STATIC / file.removeprefix("/static/")
        assert query == f"v={http_cache.file_hash(str(on_disk))}", ref


def test_a_hashed_url_is_cached_for_a_year_an_unhashed_one_briefly(app, client):
    with app.test_request_context():
        url = url_for("static", filename="js/district-map.js")
    hashed = client.get(url)
    assert hashed.status_code == 200
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    bare = client.get("/static/js/district-map.js")
    assert bare.headers["Cache-Control"] == "public, max-age=300"
    stale = client.get("/static/js/district-map.js?v=000000000000")
    assert stale.headers["Cache-Control"] == "public, max-age=300"
    # A conditional request of the hashed URL: 304, still immutable.
    again = client.get(url, headers={"If-None-Match": hashed.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def _mini_app(folder: Path, debug: bool) -> Flask:
    mini = Flask("mini", static_folder=str(folder), static_url_path="/static")
    mini.config.update(DEBUG=debug, STATIC_LONG_MAX_AGE=31536000, STATIC_SHORT_MAX_AGE=300)
    http_cache.init_app(mini)
    return mini


@pytest.mark.parametrize("debug", [False, True])
def test_the_hash_follows_the_content(tmp_path, debug):
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "a.js").write_text("one();")
    (tmp_path / "beside.js").write_text("not static")  # a file outside the static folder
    mini = _mini_app(folder, debug)
    with mini.test_request_context():
        first = url_for("static", filename="a.js")
        assert url_for("static", filename="missing.js") == "/static/missing.js"
        outside = f"{os.pardir}/beside.js"  # resolves beside the folder: no hash
        assert "v=" not in url_for("static", filename=outside)
    assert first == f"/static/a.js?v={http_cache.file_hash(str(folder / 'a.js'))}"
    (folder / "a.js").write_text("two(); // longer")
    with mini.test_request_context():
        second = url_for("static", filename="a.js")
    if debug:  # development: an edited file gets its new hash at once
        assert second != first
        assert second == f"/static/a.js?v={http_cache.file_hash(str(folder / 'a.js'))}"
    else:  # production: computed once per process (a deployment restarts the workers)
        assert second == first
        fresh = _mini_app(folder, debug)
        with fresh.test_request_context():
            assert url_for("static", filename="a.js") != first


# --- conditional GET -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/districts",
        "/api/v1/indicators",
        "/api/v1/barriers/summary",
    ],
)
def test_rarely_changing_answers_have_an_etag_and_answer_304(client, districts, path):
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')  # one validator for every content coding
    identity = client.get(path)
    assert identity.headers["ETag"] == etag
    for encoding in ("br", "gzip", "identity"):
        again = client.get(path, headers={"If-None-Match": etag, "Accept-Encoding": encoding})
        assert again.status_code == 304, encoding
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
    other = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200
