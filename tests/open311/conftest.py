"""Open311 fixtures: API keys, a point in district 23 (Moskauer Platz), a POST helper and a
live server for the real client (georeport over HTTP)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.open311 import keys
from tests.conftest import make_app

API = "/open311/v2"


@pytest.fixture
def point_23(districts) -> tuple[float, float]:
    district = districts["23"]
    return district.label_lat, district.label_lon


@pytest.fixture
def api_key(app) -> tuple:
    """An active key: (ApiKey, secret)."""
    key, secret = keys.create_key(None, "Stadtapp Erfurt")
    db.session.commit()
    return key, secret


@pytest.fixture
def post_request(client, api_key, point_23):
    """POST requests.<ext> with a valid key, service and place unless overridden; ``None``
    drops a parameter."""

    def post(ext: str = "json", **params):
        lat, lon = point_23
        data = {
            "api_key": api_key[1],
            "service_code": "green-play",
            "lat": str(lat),
            "long": str(lon),
            "description": "Der Spielplatz braucht eine Schaukel.",
        }
        data.update(params)
        data = {k: v for k, v in data.items() if v is not None}
        return client.post(f"{API}/requests.{ext}", data=data)

    return post


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app, database_url, tmp_path) -> Iterator[LiveServer]:
    """The real app (CSRF on) on a free port, sharing the test's database (tests using it
    are ``committing``)."""
    server_app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with LiveServer(server_app) as server:
        yield server
    with server_app.app_context():
        db.engine.dispose()
