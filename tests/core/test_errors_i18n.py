"""Error pages in both languages, JSON errors under /api/, the language switch."""

from __future__ import annotations

import pytest
from flask import abort

from app.core.permissions import public
from app.extensions import db
from tests.conftest import make_app


def switch_to_english(client) -> None:
    response = client.post("/sprache", data={"lang": "en", "next": "/"})
    assert response.status_code == 302


def test_pages_are_german_by_default(client, districts):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Ortsteile" in html


def test_language_switch_is_remembered(client, districts):
    switch_to_english(client)
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "All 53 districts" in html
    html = client.get("/anmelden").get_data(as_text=True)
    assert "Log in" in html and '<html lang="en">' in html


def test_language_switch_is_stored_for_the_user(client, create_user, login):
    user = create_user()
    login(user)
    switch_to_english(client)
    from app.extensions import db

    db.session.refresh(user)
    assert user.locale == "en"


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    assert client.post("/sprache", data={"lang": "fr"}).status_code == 400
    response = client.post("/sprache", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("lang,text", [("de", "Seite nicht gefunden"), ("en", "Page not found")])
def test_404_page_in_both_languages(client, lang, text):
    if lang == "en":
        switch_to_english(client)
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def _failing_app(database_url, tmp_path_factory):
    """An app of its own: routes cannot be added to the session's app once it has served."""
    app = make_app(database_url, tmp_path_factory.mktemp("failing"))

    @app.get("/_test/<int:code>")
    @public
    def failing(code: int):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    @app.get("/api/v1/_test/<int:code>")
    @public
    def failing_api(code: int):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app_with_failing_routes(app, _failing_app):
    """The failing routes, with the test's database isolation (``app``)."""
    return _failing_app


@pytest.mark.parametrize(
    "code,de,en",
    [
        (400, "Ungültige Anfrage", "Bad request"),
        (403, "Zugriff verweigert", "Access denied"),
        (404, "Seite nicht gefunden", "Page not found"),
        (500, "Etwas ist schiefgelaufen", "Something went wrong"),
    ],
)
def test_error_pages(app_with_failing_routes, code, de, en):
    client = app_with_failing_routes.test_client()
    response = client.get(f"/_test/{code}")
    assert response.status_code == code
    assert de in response.get_data(as_text=True)
    switch_to_english(client)
    assert en in client.get(f"/_test/{code}").get_data(as_text=True)


@pytest.mark.parametrize("code", [400, 403, 404, 500])
def test_api_errors_are_json(app_with_failing_routes, code):
    response = app_with_failing_routes.test_client().get(f"/api/v1/_test/{code}")
    assert response.status_code == code
    assert response.is_json
    assert response.json["error"]["status"] == code
    assert response.json["error"]["message"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json


def test_wrong_method_on_api_is_json_405(client):
    response = client.post("/api/v1/districts")
    assert response.status_code == 405 and response.is_json
