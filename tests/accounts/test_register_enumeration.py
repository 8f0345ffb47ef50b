"""Registration does not reveal whether an address has an account: the same answer for a
known address, and its owner hears of the attempt by mail."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.mail import outbox
from app.extensions import db

FORM = {
    "display_name": "Nachbarin",
    "password": "lange-genug-1",
    "password_confirm": "lange-genug-1",
    "accept_privacy": "y",
}


def register(client: FlaskClient, email: str, **extra):
    response = client.post("/registrieren", data={**FORM, "email": email, **extra})
    with client.session_transaction() as session:
        flashes = list(session.get("_flashes", []))
        user_id = session.get("_user_id")
    return response, flashes, user_id


def answer(result) -> tuple:
    response, flashes, user_id = result
    return (
        response.status_code,
        response.headers.get("Location"),
        response.get_data(as_text=True),
        flashes,
        user_id,
    )


def users_with(email: str) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.email == email))


@pytest.fixture
def owner(create_user) -> User:
    return create_user(email="bekannt@example.org", name="Inhaberin")


def test_known_and_new_address_get_the_same_answer(app, owner):
    known = answer(register(app.test_client(), "Bekannt@Example.org"))
    new = answer(register(app.test_client(), "neu@example.org"))
    assert known == new
    status, location, _, flashes, user_id = known
    assert (status, location, user_id) == (302, "/anmelden", None)
    assert flashes == [
        (
            "success",
            "Willkommen! Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie Ihre "
            "Adresse mit dem Link darin. Melden Sie sich dann an.",
        )
    ]


def test_the_page_after_it_is_the_same(app, owner):
    pages = []
    for email in ("bekannt@example.org", "neu@example.org"):
        client = app.test_client()
        client.post("/registrieren", data={**FORM, "email": email})
        page = client.get("/anmelden").get_data(as_text=True)
        pages.append(re.sub(r'(nonce|value)="[^"]*"', "", page))
    assert pages[0] == pages[1]


def test_the_owner_gets_a_notice_and_nothing_changes(app, client, owner):
    password_hash, token = owner.password_hash, owner.session_token
    before = len(outbox())
    response, _, _ = register(
        client,
        "bekannt@example.org",
        password="anderes-passwort",
        password_confirm="anderes-passwort",
    )
    assert response.status_code == 302
    assert len(outbox()) == before + 1
    mail = outbox()[-1]
    assert mail["To"] == "bekannt@example.org"
    assert "registrieren" in mail["Subject"]
    body = mail.get_content()
    assert "Hallo Inhaberin," in body
    base = app.config["BASE_URL"]
    assert f"{base}/anmelden" in body
    assert f"{base}/passwort-vergessen" in body
    assert "/bestaetigen/" not in body
    assert users_with("bekannt@example.org") == 1
    db.session.refresh(owner)
    assert owner.password_hash == password_hash  # not the password typed at registration
    assert owner.session_token == token  # the owner's sessions go on
    assert owner.display_name == "Inhaberin"


def test_the_notice_links_come_from_base_url(app, client, owner):
    app.config["BASE_URL"] = "https://quartier.example.org/beteiligung"
    register(client, "bekannt@example.org")
    body = outbox()[-1].get_content()
    assert "https://quartier.example.org/beteiligung/anmelden" in body
    assert "https://quartier.example.org/beteiligung/passwort-vergessen" in body


def test_an_unconfirmed_account_gets_the_confirmation_again(app, client, create_user):
    person = create_user(email="offen@example.org", name="Offen", confirmed=False)
    known = answer(register(client, "offen@example.org"))
    new = answer(register(app.test_client(), "neu@example.org"))
    assert known == new
    mail = next(m for m in outbox() if m["To"] == "offen@example.org")
    link = re.search(r"http://localhost(/bestaetigen/\S+)", mail.get_content()).group(1)
    client.get(link)
    db.session.refresh(person)
    assert person.email_confirmed
    assert users_with("offen@example.org") == 1


def test_a_taken_display_name_is_refused_whatever_the_address(app, owner):
    for email in ("bekannt@example.org", "neu@example.org"):
        response, _, _ = register(app.test_client(), email, display_name="INHABERIN")
        assert response.status_code == 400
        assert "Dieser Anzeigename ist schon vergeben." in response.get_data(as_text=True)
    assert users_with("neu@example.org") == 0


def test_a_new_address_gets_an_account_to_log_in_with(client):
    register(client, "neu@example.org")
    assert users_with("neu@example.org") == 1
    response = client.post(
        "/anmelden", data={"email": "neu@example.org", "password": FORM["password"]}
    )
    assert response.status_code == 302
    assert client.get("/konto").status_code == 200
