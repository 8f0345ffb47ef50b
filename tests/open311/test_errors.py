"""Every error under /open311/ is the specification's errors document in the requested
format (XML when the format is unknown), never an HTML page: routing errors, 405, aborts."""

from __future__ import annotations

import pytest

from .conftest import API


def _is_errors(response, status: int, ext: str) -> str:
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert "<html" not in body.lower()
    if ext == "json":
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        [error] = response.get_json()
        assert error["code"] == status
        return error["description"]
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<errors><error>')
    assert f"<code>{status}</code>" in body
    return body


@pytest.mark.parametrize("ext", ["json", "xml"])
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_405(client, ext, method):
    description = _is_errors(getattr(client, method)(f"{API}/requests.{ext}"), 405, ext)
    assert method.upper() in description


@pytest.mark.parametrize("ext", ["json", "xml"])
def test_post_on_a_read_only_resource_is_405(client, ext):
    _is_errors(client.post(f"{API}/services.{ext}"), 405, ext)


@pytest.mark.parametrize(
    "path",
    [
        "/services.csv",
        "/requests.html",
        "/requests",
        "/discovery",
        "/nothing.json",
        "/tokens/.json",
    ],
)
def test_unknown_resources_and_formats(client, path):
    ext = "json" if path.endswith(".json") else "xml"
    _is_errors(client.get(API + path), 404, ext)


@pytest.mark.parametrize("ext", ["json", "xml"])
def test_unknown_jurisdiction_everywhere(client, ext):
    for resource in ("discovery", "services", "services/education", "requests", "tokens/x"):
        response = client.get(f"{API}/{resource}.{ext}?jurisdiction_id=hamburg")
        assert "hamburg" in _is_errors(response, 404, ext)


def test_empty_jurisdiction_is_absent(client):
    assert client.get(f"{API}/services.json?jurisdiction_id=").status_code == 200
    assert client.get(f"{API}/services.json?jurisdiction_id=erfurt.de").status_code == 200


def test_the_rest_of_the_site_keeps_its_html_errors(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)
