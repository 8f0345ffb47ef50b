"""What is right today stays so: security headers on every kind of response, the production
cookies' names and flags, and a new session on login and logout."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_set_header

from app import create_app
from app.accounts import services as accounts
from app.extensions import db
from tests.conftest import PASSWORD

SECRET = "s" * 64
BASE_URL = "https://quartier.erfurt.de"

# --- headers -----------------------------------------------------------------------------

PAGES = {
    "html page": ("/", 200, "text/html"),
    "api response": ("/api/v1/districts", 200, "application/geo+json"),
    "html error page": ("/gibt-es-nicht", 404, "text/html"),
    "api error": ("/api/v1/gibt-es-nicht", 404, "application/json"),
    "method not allowed": ("/abmelden", 405, "text/html"),
    "static file": ("/static/css/quartier.css", 200, "text/css"),
}


def directives(policy: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def assert_security_headers(response) -> None:
    headers = response.headers
    policy = directives(headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    permissions = headers["Permissions-Policy"]
    assert "camera=()" in permissions and "microphone=()" in permissions
    assert "geolocation=(self)" in permissions


@pytest.mark.parametrize("kind", PAGES)
def test_every_kind_of_response_has_the_security_headers(client, districts, kind):
    path, status, mimetype = PAGES[kind]
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == mimetype
    assert_security_headers(response)


def test_every_script_on_a_page_carries_the_nonce(client, districts):
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    for attributes in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html):
        assert f'nonce="{nonce}"' in attributes
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers need 'unsafe-inline'"


# --- production ------------------------------------------------------------------------------


@pytest.fixture
def production(monkeypatch) -> Flask:
    """The production configuration on an in-memory database with one account."""
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("BASE_URL", BASE_URL)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        PASSWORD_HASH_METHOD="scrypt:1024:8:1",
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        db.create_all()
        user = accounts.register("person@example.org", "Person", PASSWORD)
        accounts.confirm_email(user)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def production_login(app: Flask, remember: bool = True):
    client = app.test_client()
    with app.app_context():
        page = client.get("/anmelden", base_url=BASE_URL)
        token = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)
        ).group(1)
        data = {"email": "person@example.org", "password": PASSWORD, "csrf_token": token}
        if remember:
            data["remember"] = "y"
        # Flask-WTF checks the Referer over HTTPS (WTF_CSRF_SSL_STRICT).
        response = client.post(
            "/anmelden", data=data, base_url=BASE_URL, headers={"Referer": f"{BASE_URL}/anmelden"}
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, response


def set_cookies(response) -> dict[str, dict[str, str]]:
    """Set-Cookie headers by cookie name: attribute (lower case) → value."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        name = first.split("=", 1)[0]
        parsed = {}
        for attribute in attributes:
            key, _, value = attribute.partition("=")
            parsed[key.lower()] = value
        cookies[name] = parsed
    return cookies


def test_production_cookie_settings(production):
    config = production.config
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["REMEMBER_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert config.get("SESSION_COOKIE_DOMAIN") in (None, False)
    assert config.get("REMEMBER_COOKIE_DOMAIN") is None


def test_production_login_sets_host_only_secure_cookies(production):
    _, response = production_login(production)
    cookies = set_cookies(response)
    names = {production.config["SESSION_COOKIE_NAME"], production.config["REMEMBER_COOKIE_NAME"]}
    assert names <= set(cookies), cookies
    for name in names:
        attributes = cookies[name]
        # What the browser demands of a __Host- cookie: Secure, Path=/, no Domain.
        assert "secure" in attributes, name
        assert attributes.get("path") == "/", name
        assert "domain" not in attributes, name
        assert "httponly" in attributes, name
        assert attributes.get("samesite") == "Lax", name


def test_production_answers_over_https_with_hsts(production):
    with production.app_context():
        response = production.test_client().get("/anmelden", base_url=BASE_URL)
    assert_security_headers(response)
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    vary = parse_set_header(response.headers.get("Vary", ""))
    assert "cookie" in {v.lower() for v in vary}


def test_an_untrusted_host_is_refused_with_the_headers(production):
    with production.app_context():
        response = production.test_client().get("/anmelden", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


# --- a new session on login and logout ---------------------------------------------------


def session_cookie(app: Flask, client: FlaskClient) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie is not None else None


def session_data(client: FlaskClient) -> dict:
    with client.session_transaction() as session:
        return dict(session)


class TestSessionRotation:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    @staticmethod
    def csrf_token(client: FlaskClient, path: str = "/anmelden") -> str:
        page = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def log_in(self, client: FlaskClient, user) -> None:
        token = self.csrf_token(client)
        response = client.post(
            "/anmelden", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302

    def test_login_starts_a_new_session(self, app, client, create_user):
        user = create_user()
        client.post("/sprache", data={"lang": "en", "csrf_token": self.csrf_token(client)})
        # What someone else may have planted in the browser before (session fixation).
        with client.session_transaction() as session:
            session["planted"] = "by someone else"
        before_cookie = session_cookie(app, client)
        before = session_data(client)
        self.log_in(client, user)
        after = session_data(client)
        assert session_cookie(app, client) != before_cookie
        assert "planted" not in after
        assert after.get("csrf_token") != before["csrf_token"]
        assert after["_user_id"] == user.session_token
        assert after["lang"] == "en"  # the language choice stays

    def test_logout_leaves_nothing_of_the_old_session(self, app, client, create_user):
        user = create_user()
        self.log_in(client, user)
        client.get("/konto")
        with client.session_transaction() as session:
            session["left behind"] = "data of the person"
        before = session_data(client)
        response = client.post("/abmelden", data={"csrf_token": self.csrf_token(client, "/konto")})
        assert response.status_code == 302
        after = session_data(client)
        assert set(after) <= {"lang", "_flashes"}, after
        assert before["csrf_token"] != after.get("csrf_token")
