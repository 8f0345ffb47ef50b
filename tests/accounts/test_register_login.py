"""Registration, confirmation, login, logout, password reset."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.core.mail import outbox
from app.extensions import db

GOOD = {
    "email": "Neu@Example.org",
    "display_name": "Nachbarin",
    "password": "lange-genug-1",
    "password_confirm": "lange-genug-1",
    "accept_privacy": "y",
}


def link_in_last_mail(path_fragment: str) -> str:
    body = outbox()[-1].get_content()
    return re.search(rf"http://localhost(/{path_fragment}/\S+)", body).group(1)


def test_register_creates_a_hashed_account_and_sends_confirmation(client, app):
    response = client.post("/registrieren", data=GOOD)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "neu@example.org"))
    assert user.display_name == "Nachbarin"
    assert user.password_hash.startswith("scrypt:")
    assert "lange-genug-1" not in user.password_hash
    assert not user.email_confirmed
    assert outbox()[-1]["To"] == "neu@example.org"

    client.get(link_in_last_mail("bestaetigen"))
    db.session.refresh(user)
    assert user.email_confirmed


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("email", "", "Bitte geben Sie Ihre E-Mail-Adresse ein."),
        ("email", "keine-adresse", "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        ("email", "a" * 250 + "@x.de", "Die E-Mail-Adresse ist zu lang."),
        ("display_name", "", "Bitte wählen Sie einen Anzeigenamen."),
        ("display_name", "x", "Der Anzeigename muss 2 bis 60 Zeichen haben."),
        ("display_name", "y" * 61, "Der Anzeigename muss 2 bis 60 Zeichen haben."),
        ("password", "", "Bitte wählen Sie ein Passwort."),
        ("password", "kurz12345", "Das Passwort muss mindestens 10 Zeichen haben."),
        ("password_confirm", "anders-1234", "Die beiden Passwörter stimmen nicht überein."),
        ("accept_privacy", "", "Bitte bestätigen Sie, dass Sie den Datenschutzhinweis gelesen"),
    ],
)
def test_register_bad_input(client, field, value, message):
    data = {**GOOD, field: value}
    if field == "password":
        data["password_confirm"] = value
    if not value:
        data.pop(field)
    response = client.post("/registrieren", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert db.session.scalar(select(User)) is None
    # What was typed stays (but never the password).
    if field != "email":
        assert 'value="Neu@Example.org"' in html
    if field != "display_name":
        assert 'value="Nachbarin"' in html
    assert "lange-genug-1" not in html


def test_register_bad_input_in_english(client):
    client.post("/sprache", data={"lang": "en"})
    html = client.post("/registrieren", data={**GOOD, "password": "short"}).get_data(as_text=True)
    assert "The password must have at least 10 characters." in html


def test_register_duplicate_name(client, create_user):
    # A known address is not revealed (tests/accounts/test_register_enumeration.py); display
    # names are public anyway.
    create_user(email="neu@example.org", name="Jemand")
    html = client.post(
        "/registrieren", data={**GOOD, "email": "anders@example.org", "display_name": "JEMAND"}
    ).get_data(as_text=True)
    assert "Dieser Anzeigename ist schon vergeben." in html


def test_confirmation_link_invalid(client):
    response = client.get("/bestaetigen/kaputt", follow_redirects=True)
    assert "ungültig oder abgelaufen" in response.get_data(as_text=True)


def test_resend_confirmation(client, create_user, login):
    user = create_user(confirmed=False)
    login(user)
    client.post("/bestaetigen/erneut")
    assert outbox()[-1]["To"] == user.email
    client.get(link_in_last_mail("bestaetigen"))
    db.session.refresh(user)
    assert user.email_confirmed


def test_login_and_logout(client, create_user):
    user = create_user()
    response = client.post(
        "/anmelden", data={"email": user.email.upper(), "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert "Abmelden" in client.get("/").get_data(as_text=True)
    client.post("/abmelden")
    assert "Anmelden" in client.get("/").get_data(as_text=True)
    assert client.get("/konto").status_code == 302


def test_logout_needs_post(client, create_user, login):
    login(create_user())
    assert client.get("/abmelden").status_code == 405


@pytest.mark.parametrize(
    "email,password",
    [("person@example.org", "falsch-falsch"), ("niemand@example.org", "correct horse battery")],
)
def test_login_failure_gives_the_same_message(client, create_user, email, password):
    create_user(email="person@example.org")
    response = client.post("/anmelden", data={"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "E-Mail-Adresse oder Passwort ist falsch." in html
    assert f'value="{email}"' in html


def test_login_empty_fields(client):
    html = client.post("/anmelden", data={}).get_data(as_text=True)
    assert "Bitte geben Sie Ihre E-Mail-Adresse ein." in html
    assert "Bitte geben Sie Ihr Passwort ein." in html


def test_remember_me_sets_a_cookie(client, create_user):
    user = create_user()
    response = client.post(
        "/anmelden",
        data={"email": user.email, "password": "correct horse battery", "remember": "y"},
    )
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_login_follows_only_local_next(client, create_user):
    user = create_user()
    data = {"email": user.email, "password": "correct horse battery"}
    response = client.post("/anmelden", data={**data, "next": "/konto"})
    assert response.headers["Location"] == "/konto"
    client.post("/abmelden")
    response = client.post("/anmelden", data={**data, "next": "https://evil.example/x"})
    assert response.headers["Location"] == "/"


def test_password_reset(client, create_user):
    user = create_user()
    client.post("/passwort-vergessen", data={"email": user.email})
    link = link_in_last_mail("passwort-neu")
    response = client.post(
        link, data={"password": "ganz-neues-pw", "password_confirm": "ganz-neues-pw"}
    )
    assert response.status_code == 302
    assert (
        client.post(
            "/anmelden", data={"email": user.email, "password": "ganz-neues-pw"}
        ).status_code
        == 302
    )
    client.post("/abmelden")
    # The link works only once: the password changed.
    response = client.get(link, follow_redirects=True)
    assert "ungültig oder abgelaufen" in response.get_data(as_text=True)


def test_password_reset_bad_input(client, create_user):
    user = create_user()
    client.post("/passwort-vergessen", data={"email": user.email})
    link = link_in_last_mail("passwort-neu")
    html = client.post(link, data={"password": "kurz", "password_confirm": "kurz"}).get_data(
        as_text=True
    )
    assert "Das Passwort muss mindestens 10 Zeichen haben." in html


def test_password_reset_for_unknown_address_says_the_same(client):
    before = len(outbox())
    response = client.post(
        "/passwort-vergessen", data={"email": "niemand@example.org"}, follow_redirects=True
    )
    assert "Falls es ein Konto mit dieser Adresse gibt" in response.get_data(as_text=True)
    assert len(outbox()) == before


def test_password_reset_request_bad_input(client):
    html = client.post("/passwort-vergessen", data={"email": "quatsch"}).get_data(as_text=True)
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in html
