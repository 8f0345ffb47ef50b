"""Configuration, security headers and CSRF."""

from __future__ import annotations

import os
import re

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from app import create_app
from app.core.security import proxy_fix
from config import DEV_SECRET_KEY, DevelopmentConfig, ProductionConfig, TestingConfig

SECRET = "x" * 64
BASE_URL = "https://quartier.erfurt.de"
EVIL = "evil.example"


@pytest.mark.parametrize("key", [None, "", DEV_SECRET_KEY, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_sets_secure_cookie_flags(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("BASE_URL", BASE_URL)
    app = create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.config["DEMO_CONTENT_ALLOWED"]
    assert ProductionConfig.MAIL_BACKEND in {"smtp", "console"}


def test_default_database_is_sqlite_under_instance(monkeypatch):
    import config

    assert config.Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") or (
        "DATABASE_URL" in __import__("os").environ
    )


def test_content_security_policy_has_no_unsafe_inline_scripts(client, districts):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert "'unsafe-inline'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    html = response.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "the page has the Leaflet icon script"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in policy


def test_nonce_changes_per_request(client, districts):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_no_third_party_urls_in_pages(client, districts):
    html = client.get("/").get_data(as_text=True)
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
        assert url.startswith("https://www.govdata.de/")  # a link in the attribution text
    assert "unpkg.com" not in html


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused(self, client):
        response = client.post("/anmelden", data={"email": "a@example.org", "password": "x" * 12})
        assert response.status_code == 400

    def test_post_with_token_passes(self, client, create_user):
        user = create_user()
        page = client.get("/anmelden").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/anmelden",
            data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert response.status_code == 302


def test_nul_characters_are_refused(client):
    assert client.get("/?q=a%00b").status_code == 400
    assert client.post("/anmelden", data={"email": "a\x00b@example.org"}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/ortsteile/2%003/",  # in a path value (PostgreSQL answered 500 for it)
        "/ortsteile/23/zahlen/verknuepfen%00",
        "/?q=a&q=b%00",  # in the second value of a repeated parameter
        "/?q%00=a",  # in a parameter name
    ],
)
def test_nul_characters_are_refused_everywhere(client, url):
    assert client.get(url).status_code == 400


def test_nul_in_a_repeated_form_value_is_refused(client):
    data = MultiDict([("email", "a@example.org"), ("email", "b\x00@example.org")])
    assert client.post("/anmelden", data=data).status_code == 400


# --- BASE_URL, TRUSTED_HOSTS, ProxyFix ----------------------------------------------------------


def production_app(monkeypatch, base_url=BASE_URL, trusted_hosts=None, **overrides):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("BASE_URL", base_url)
    if trusted_hosts is None:
        monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_HOSTS", trusted_hosts)
    return create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "quartier.erfurt.de",
        "/quartier",
        "ftp://quartier.erfurt.de",
        "https://",
        "https://:443",
        "https://quartier.erfurt.de:port",
        "https://admin:secret@quartier.erfurt.de",
        "https://quartier.erfurt.de/?x=1",
        "https://quartier.erfurt.de/#top",
    ],
)
def test_production_refuses_to_start_without_a_valid_base_url(monkeypatch, value):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    if value is None:
        monkeypatch.delenv("BASE_URL", raising=False)
    else:
        monkeypatch.setenv("BASE_URL", value)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://quartier.erfurt.de", "https://quartier.erfurt.de"),
        ("https://quartier.erfurt.de/", "https://quartier.erfurt.de"),
        (
            "http://Quartier.Erfurt.de:8080/beteiligung/",
            "http://Quartier.Erfurt.de:8080/beteiligung",
        ),
    ],
)
def test_production_base_url_without_trailing_slash(monkeypatch, value, expected):
    app = production_app(monkeypatch, base_url=value)
    assert app.config["BASE_URL"] == expected


def test_base_url_defaults_outside_production():
    assert TestingConfig.BASE_URL == "http://localhost"  # the test client's host
    expected = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    assert expected == DevelopmentConfig.BASE_URL
    assert DevelopmentConfig.TRUSTED_HOSTS is None and TestingConfig.TRUSTED_HOSTS is None


def test_trusted_hosts_default_to_the_base_url_host(monkeypatch):
    app = production_app(monkeypatch, base_url="https://quartier.erfurt.de:8443/beteiligung")
    assert app.config["TRUSTED_HOSTS"] == ["quartier.erfurt.de"]


def test_trusted_hosts_from_the_environment(monkeypatch):
    app = production_app(monkeypatch, trusted_hosts=" quartier.erfurt.de, www.quartier.erfurt.de,")
    assert app.config["TRUSTED_HOSTS"] == ["quartier.erfurt.de", "www.quartier.erfurt.de"]
    client = app.test_client()
    assert client.get("/anmelden", base_url="https://www.quartier.erfurt.de").status_code == 200
    assert client.get("/anmelden", headers={"Host": EVIL}).status_code == 400


def test_production_refuses_an_untrusted_host(monkeypatch):
    client = production_app(monkeypatch).test_client()
    assert client.get("/anmelden", base_url=BASE_URL).status_code == 200
    assert client.get("/anmelden", base_url="https://quartier.erfurt.de:443").status_code == 200
    page = client.get("/anmelden", headers={"Host": EVIL})
    assert page.status_code == 400
    assert EVIL not in page.get_data(as_text=True)
    assert client.get("/api/v1/districts", headers={"Host": EVIL}).status_code == 400
    assert (
        client.get("/anmelden", headers={"Host": "quartier.erfurt.de.evil.example"}).status_code
        == 400
    )


def _echo(environ, start_response):
    request = Request(environ)
    body = f"{request.scheme} {request.host} {request.remote_addr}"
    return Response(body)(environ, start_response)


@pytest.mark.parametrize(("trust_host", "expected_host"), [(False, "app:8000"), (True, EVIL)])
def test_proxy_fix_trusts_proto_and_for_but_host_only_when_configured(trust_host, expected_host):
    client = Client(proxy_fix(_echo, {"PROXY_FIX_HOST": trust_host}))
    response = client.get(
        "/",
        base_url="http://app:8000",
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Host": EVIL,
        },
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert response.get_data(as_text=True) == f"https {expected_host} 203.0.113.7"


def test_production_behind_a_proxy(monkeypatch):
    """PROXY_FIX honours X-Forwarded-Proto (HSTS on https) and ignores X-Forwarded-Host,
    which TRUSTED_HOSTS checks only when PROXY_FIX_HOST trusts it."""
    client = production_app(monkeypatch, PROXY_FIX=True).test_client()
    secure = client.get("/anmelden", base_url=BASE_URL, headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert "Strict-Transport-Security" in secure.headers
    plain = client.get("/anmelden", base_url=BASE_URL, headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers
    ignored = client.get("/anmelden", base_url=BASE_URL, headers={"X-Forwarded-Host": EVIL})
    assert ignored.status_code == 200

    client = production_app(monkeypatch, PROXY_FIX=True, PROXY_FIX_HOST=True).test_client()
    honoured = client.get("/anmelden", base_url=BASE_URL, headers={"X-Forwarded-Host": EVIL})
    assert honoured.status_code == 400
    forwarded = client.get(
        "/anmelden", headers={"Host": "app:8000", "X-Forwarded-Host": "quartier.erfurt.de"}
    )
    assert forwarded.status_code == 200


def test_without_proxy_fix_forwarded_headers_are_ignored(monkeypatch):
    client = production_app(monkeypatch).test_client()
    response = client.get(
        "/anmelden",
        base_url="http://quartier.erfurt.de",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": EVIL},
    )
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
