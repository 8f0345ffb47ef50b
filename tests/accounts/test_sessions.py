"""Sessions can be ended: logout, "log out on all other devices", a password change or reset.

Sessions and remember-me cookies carry the account's session token (Flask-Login's
alternative id); a new token makes every cookie issued before useless, copies included.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.accounts.models import User
from app.core.mail import outbox
from app.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "ganz-neues-passwort"


def session_cookie_name(app: Flask) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def remember_cookie_name(app: Flask) -> str:
    return app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def log_in(client: FlaskClient, user: User, password: str = PASSWORD, remember: bool = False):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/anmelden", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def logged_in(client: FlaskClient) -> bool:
    response = client.get("/konto")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def cookie_value(client: FlaskClient, name: str) -> str:
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def client_with_cookie(app: Flask, name: str, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie(name, value)
    return other


@pytest.fixture
def user(create_user) -> User:
    return create_user()


@pytest.fixture
def second_client(app) -> FlaskClient:
    """Another device of the same person."""
    return app.test_client()


def test_a_session_cookie_copied_before_logout_is_useless_after_it(app, client, user):
    log_in(client, user)
    copied = cookie_value(client, session_cookie_name(app))
    client.post("/abmelden")
    assert not logged_in(client)
    thief = client_with_cookie(app, session_cookie_name(app), copied)
    response = thief.get("/konto")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/anmelden")


def test_a_remember_cookie_copied_before_logout_does_not_log_in_after_it(app, client, user):
    log_in(client, user, remember=True)
    copied = cookie_value(client, remember_cookie_name(app))
    # The copy works while the person is logged in (the cookie is what it should be) ...
    assert logged_in(client_with_cookie(app, remember_cookie_name(app), copied))
    client.post("/abmelden")
    # ... and no longer after the logout, though it is not expired.
    thief = client_with_cookie(app, remember_cookie_name(app), copied)
    response = thief.get("/konto")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/anmelden")


def test_logout_ends_the_sessions_on_other_devices(client, second_client, user):
    log_in(client, user)
    log_in(second_client, user)
    client.post("/abmelden")
    assert not logged_in(second_client)


def test_a_new_login_does_not_end_other_sessions(client, second_client, user):
    log_in(client, user)
    log_in(second_client, user)
    assert logged_in(client) and logged_in(second_client)


def test_sessions_opened_before_a_password_reset_stop_working(app, client, second_client, user):
    log_in(second_client, user, remember=True)
    remembered = cookie_value(second_client, remember_cookie_name(app))
    client.post("/passwort-vergessen", data={"email": user.email})
    link = re.search(r"http://localhost(/passwort-neu/\S+)", outbox()[-1].get_content()).group(1)
    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not logged_in(second_client)
    assert not logged_in(client_with_cookie(app, remember_cookie_name(app), remembered))
    log_in(client, user, password=NEW_PASSWORD)
    assert logged_in(client)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    app, client, second_client, user
):
    log_in(client, user)
    log_in(second_client, user, remember=True)
    remembered = cookie_value(second_client, remember_cookie_name(app))
    response = client.post(
        "/konto/passwort",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Ihr Passwort wurde geändert." in response.get_data(as_text=True)
    assert logged_in(client)
    assert not logged_in(second_client)
    assert not logged_in(client_with_cookie(app, remember_cookie_name(app), remembered))
    client.post("/abmelden")
    log_in(client, user, password=NEW_PASSWORD)


def test_a_password_change_renews_this_devices_remember_cookie(app, client, user):
    log_in(client, user, remember=True)
    old = cookie_value(client, remember_cookie_name(app))
    client.post(
        "/konto/passwort",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    renewed = cookie_value(client, remember_cookie_name(app))
    assert renewed != old
    assert logged_in(client_with_cookie(app, remember_cookie_name(app), renewed))
    assert not logged_in(client_with_cookie(app, remember_cookie_name(app), old))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current_password": "falsch-falsch", "new_password": NEW_PASSWORD},
            "Das Passwort ist falsch.",
        ),
        (
            {"current_password": PASSWORD, "new_password": "kurz"},
            "Das Passwort muss mindestens 10 Zeichen haben.",
        ),
        (
            {"new_password": NEW_PASSWORD},
            "Bitte geben Sie Ihr bisheriges Passwort ein.",
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(client, second_client, user, data, message):
    log_in(client, user)
    log_in(second_client, user)
    before = user.password_hash
    response = client.post(
        "/konto/passwort", data={"new_password_confirm": data["new_password"], **data}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before
    assert logged_in(client) and logged_in(second_client)


def test_log_out_on_all_other_devices(app, client, second_client, user):
    log_in(client, user)
    log_in(second_client, user, remember=True)
    remembered = cookie_value(second_client, remember_cookie_name(app))
    page = client.get("/konto").get_data(as_text=True)
    assert "Auf allen anderen Geräten abmelden" in page
    response = client.post("/konto/ueberall-abmelden", follow_redirects=True)
    assert "Sie sind jetzt auf allen anderen Geräten abgemeldet." in response.get_data(as_text=True)
    # The clicking client continues with the new token; every other one is out.
    assert logged_in(client)
    assert not logged_in(second_client)
    assert not logged_in(client_with_cookie(app, remember_cookie_name(app), remembered))


def test_deleting_the_account_ends_its_sessions(client, second_client, user):
    log_in(client, user)
    log_in(second_client, user)
    client.post("/konto/loeschen", data={"password": PASSWORD})
    assert not logged_in(second_client)


def test_tokens_are_random_distinct_and_change(create_user):
    first, second = create_user(), create_user()
    assert len(first.session_token) == 32 and first.session_token != second.session_token
    assert first.get_id() == first.session_token != str(first.id)
    # An id is no longer a way in.
    assert db.session.scalar(select(User).where(User.session_token == str(first.id))) is None


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self):
        return {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "2 per minute"}

    def test_guessing_the_current_password_is_limited(self, client, user):
        log_in(client, user)
        data = {"current_password": "geraten-123", "new_password": NEW_PASSWORD}
        codes = [
            client.post(
                "/konto/passwort", data={**data, "new_password_confirm": NEW_PASSWORD}
            ).status_code
            for _ in range(3)
        ]
        assert codes == [400, 400, 429]


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def _log_in_with_token(self, client: FlaskClient, user: User) -> None:
        page = client.get("/anmelden").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/anmelden", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302

    def test_log_out_on_all_other_devices_needs_the_csrf_token(self, client, second_client, user):
        self._log_in_with_token(client, user)
        self._log_in_with_token(second_client, user)
        assert client.post("/konto/ueberall-abmelden").status_code == 400
        assert logged_in(second_client) and logged_in(client)
        # With the token from the account page it works.
        page = client.get("/konto").get_data(as_text=True)
        form = page[page.index('action="/konto/ueberall-abmelden"') :]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        assert (
            client.post("/konto/ueberall-abmelden", data={"csrf_token": token}).status_code == 302
        )
        assert not logged_in(second_client) and logged_in(client)

    def test_a_password_change_needs_the_csrf_token(self, client, user):
        self._log_in_with_token(client, user)
        response = client.post(
            "/konto/passwort",
            data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
            },
        )
        assert response.status_code == 400
        before = user.password_hash
        db.session.refresh(user)
        assert user.password_hash == before
