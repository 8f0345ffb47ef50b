"""Export one's data; delete one's account."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db


def test_export_contains_the_account(client, districts, create_user, login):
    user = create_user("mayor", council="23", email="ich@example.org", name="Ich")
    login(user)
    response = client.get("/konto/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "ich@example.org"
    assert data["account"]["display_name"] == "Ich"
    assert data["roles"] == [
        {
            "role": "mayor",
            "council": "Moskauer Platz",
            "office": None,
            "granted_at": data["roles"][0]["granted_at"],
        }
    ]
    assert "password" not in response.get_data(as_text=True)


def test_delete_account_needs_the_password(client, create_user, login):
    user = create_user()
    login(user)
    response = client.post("/konto/loeschen", data={"password": "falsch"})
    assert response.status_code == 400
    assert "Das Passwort ist falsch." in response.get_data(as_text=True)
    response = client.post("/konto/loeschen", data={})
    assert "Bitte geben Sie zur Bestätigung Ihr Passwort ein." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert not user.is_deleted


def test_delete_account_erases_personal_data(client, create_user, login):
    user = create_user(email="weg@example.org", name="Weg")
    login(user)
    response = client.post("/konto/loeschen", data={"password": "correct horse battery"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_deleted
    assert user.email is None and user.display_name is None and user.password_hash is None
    assert user.public_name == "Gelöschte Person"
    assert client.get("/konto").status_code == 302  # logged out
    response = client.post(
        "/anmelden", data={"email": "weg@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 400
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.deleted"))
    assert entry.target_id == user.id
    # The address can be used again.
    client.post(
        "/registrieren",
        data={
            "email": "weg@example.org",
            "display_name": "Wieder da",
            "password": "lange-genug-1",
            "password_confirm": "lange-genug-1",
            "accept_privacy": "y",
        },
    )
    login_response = client.post(
        "/anmelden", data={"email": "weg@example.org", "password": "lange-genug-1"}
    )
    assert login_response.status_code == 302
    assert client.get("/konto").status_code == 200
