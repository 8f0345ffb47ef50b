"""API keys: the CLI (create prints the key once, stored as its SHA-256 digest; list;
revoke) and the admin page (admins only, CSRF, audited)."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.open311 import keys
from app.open311.models import ApiKey


def test_cli_create_list_revoke(runner):
    result = runner.invoke(args=["open311", "keys", "create", "--name", "Mängelmelder"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    secret = lines[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", secret)
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == "Mängelmelder"))
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in key.key_hash
    assert keys.active_key(secret).id == key.id

    listed = runner.invoke(args=["open311", "keys", "list"])
    assert f"{key.id}\tMängelmelder" in listed.output and "active" in listed.output
    assert secret not in listed.output

    again = runner.invoke(args=["open311", "keys", "create", "--name", "mängelmelder"])
    assert again.exit_code != 0 and "Es gibt schon einen Schlüssel" in again.output

    revoked = runner.invoke(args=["open311", "keys", "revoke", str(key.id)])
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    assert keys.active_key(secret) is None
    assert "revoked" in runner.invoke(args=["open311", "keys", "list"]).output
    assert runner.invoke(args=["open311", "keys", "revoke", str(key.id)]).exit_code != 0
    assert runner.invoke(args=["open311", "keys", "revoke", "99999"]).exit_code != 0
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"open311.key_created", "open311.key_revoked"} <= actions


@pytest.mark.parametrize("who", ["citizen", "mayor", "planner"])
def test_the_admin_page_is_for_admins(client, people, login, who):
    login(people[who])
    assert client.get("/admin/open311/").status_code == 403
    assert client.post("/admin/open311/", data={"name": "X"}).status_code == 403
    assert keys.list_keys() == []


def test_anonymous_is_sent_to_login(client):
    assert client.get("/admin/open311/").status_code == 302


def test_admin_creates_and_revokes_a_key(client, people, login):
    login(people["admin"])
    response = client.post("/admin/open311/", data={"name": "Stadtapp"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    secret = page.split('id="new-key">')[1].split("<")[0]
    assert len(secret) >= 32
    [key] = keys.list_keys()
    assert key.name == "Stadtapp" and key.key_hash == keys.digest(secret)
    # shown once: the list does not show it again
    assert secret not in client.get("/admin/open311/").get_data(as_text=True)
    refused = client.post("/admin/open311/", data={"name": "Stadtapp"})
    assert refused.status_code == 400
    assert "Es gibt schon einen Schlüssel mit diesem Namen." in refused.get_data(as_text=True)
    assert 'value="Stadtapp"' in refused.get_data(as_text=True)  # the form keeps the input
    empty = client.post("/admin/open311/", data={"name": "  "})
    assert empty.status_code == 400
    assert client.post(f"/admin/open311/{key.id}/widerrufen").status_code == 302
    db.session.expire_all()
    assert keys.active_key(secret) is None
    assert "widerrufen am" in client.get("/admin/open311/").get_data(as_text=True)
    assert client.post("/admin/open311/99999/widerrufen").status_code == 404
