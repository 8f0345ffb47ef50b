"""``/api/v1/moderation``: JSON queue and actions, session auth, CSRF, JSON errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db

from .actions_fixtures import *  # noqa: F403 - the fixtures
from .actions_fixtures import OWN, add_flag, csrf_token, set_state


def test_queue_json(client, people, make_item, login_as, districts):
    item = make_item("barrier_report", OWN, people["author"])
    add_flag("barrier_report", item, people["reporter"], "personal_data", "Name genannt")
    login_as(people["mayor"])
    response = client.get("/api/v1/moderation/queue")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["count"] == 1
    [entry] = body["items"]
    assert entry["type"] == "barrier_report" and entry["id"] == item.id
    assert entry["title"] == "Bibliothek 23"
    assert entry["url"].endswith(f"/barrieren/{item.id}")
    assert entry["moderation_url"] == f"/moderation/barrier_report/{item.id}"
    assert entry["district"] == {"id": districts[OWN].id, "number": OWN, "name": "Moskauer Platz"}
    assert entry["state"] == "visible" and entry["reason"] is None
    assert entry["flags"]["open"] == 1
    assert entry["flags"]["reasons"] == {"personal_data": 1}
    assert entry["flags"]["texts"] == ["Name genannt"]
    assert entry["flags"]["oldest"]
    # Reporters are not named anywhere in the answer.
    assert "reporter" not in str(body)


def test_actions_as_json(client, people, make_item, login_as):
    item = make_item("proposal", OWN, people["author"])
    add_flag("proposal", item, people["reporter"])
    login_as(people["member"])
    api = f"/api/v1/moderation/proposal/{item.id}"
    response = client.post(api + "/hide", json={"reason": "off_topic", "note": "Bitte beim Thema"})
    assert response.status_code == 200
    assert response.get_json() == {
        "type": "proposal",
        "id": item.id,
        "state": "hidden",
        "reason": "off_topic",
        "note": "Bitte beim Thema",
    }
    assert client.post(api + "/unhide", json={}).get_json()["state"] == "visible"
    set_state(item, "pending_approval")
    assert client.post(api + "/approve").get_json()["state"] == "visible"
    add_flag("proposal", item, people["citizen"])
    assert client.post(api + "/dismiss", json={"note": "unbegründet"}).status_code == 200
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("moderation.%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "moderation.hidden",
        "moderation.restored",
        "moderation.approved",
        "moderation.flags_dismissed",
    ]
    assert (
        db.session.scalar(
            select(AuditEntry.reason).where(AuditEntry.action == "moderation.flags_dismissed")
        )
        == "unbegründet"
    )


def test_json_errors(client, people, make_item, login_as):
    item = make_item("proposal", OWN, people["author"])
    api = f"/api/v1/moderation/proposal/{item.id}"

    def error(response, status):
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.get_json()["error"]["status"] == status

    error(client.post(api + "/hide", json={"reason": "insult"}), 403)  # anonymous
    error(client.get("/api/v1/moderation/queue"), 403)
    login_as(people["citizen"])
    error(client.post(api + "/hide", json={"reason": "insult"}), 403)
    login_as(people["mayor"])
    error(client.post(api + "/hide", json={"reason": "rude"}), 400)
    error(client.post(api + "/hide", json={}), 400)
    error(client.post(api + "/hide", data="not json", content_type="text/plain"), 400)
    error(client.post(api + "/hide", json=["insult"]), 400)
    error(client.post(api + "/hide", json={"reason": "insult", "note": 5}), 400)
    error(client.post(api + "/hide", json={"reason": "insult", "note": "x" * 501}), 400)
    error(client.post(api + "/unhide"), 409)  # not hidden
    error(client.post(api + "/approve"), 409)  # not waiting
    error(client.post(api + "/dismiss"), 409)  # no reports
    error(client.post("/api/v1/moderation/proposal/999999/hide", json={"reason": "insult"}), 404)
    error(client.post(f"/api/v1/moderation/unknown/{item.id}/hide", json={}), 404)
    db.session.expire_all()
    assert item.moderation_state == "visible"
    assert (
        db.session.scalar(select(AuditEntry.id).where(AuditEntry.action.like("moderation.%")))
        is None
    )


class TestCsrf:
    """The API is session-authenticated, so its POSTs need the CSRF token (header)."""

    @pytest.fixture
    def app_overrides(self, tmp_path):
        return {"UPLOAD_FOLDER": str(tmp_path / "uploads"), "WTF_CSRF_ENABLED": True}

    @pytest.fixture
    def login_csrf(self, client):
        def do(user):
            token = csrf_token(client)
            response = client.post(
                "/anmelden",
                data={
                    "email": user.email,
                    "password": "correct horse battery",
                    "csrf_token": token,
                },
            )
            assert response.status_code == 302

        return do

    def test_token_in_header_required(self, client, people, make_item, login_csrf):
        item = make_item("proposal", OWN, people["author"])
        login_csrf(people["mayor"])
        api = f"/api/v1/moderation/proposal/{item.id}/hide"
        refused = client.post(api, json={"reason": "insult"})
        assert refused.status_code == 400
        assert refused.get_json()["error"]["status"] == 400
        db.session.expire_all()
        assert item.moderation_state == "visible"
        token = csrf_token(client)
        response = client.post(api, json={"reason": "insult"}, headers={"X-CSRFToken": token})
        assert response.status_code == 200
        db.session.expire_all()
        assert item.moderation_state == "hidden"
        # The queue is a GET: no token needed.
        assert client.get("/api/v1/moderation/queue").status_code == 200

    def test_page_forms_carry_the_token(self, client, people, make_item, login_csrf):
        item = make_item("proposal", OWN, people["author"])
        add_flag("proposal", item, people["reporter"])
        login_csrf(people["mayor"])
        refused = client.post(f"/moderation/proposal/{item.id}/verbergen", data={"reason": "x"})
        assert refused.status_code == 400
        page = client.get("/moderation/").get_data(as_text=True)
        assert page.count('name="csrf_token"') >= 3  # hide, dismiss (+ the header's forms)
        token = csrf_token(client)
        response = client.post(
            f"/moderation/proposal/{item.id}/meldungen-erledigen", data={"csrf_token": token}
        )
        assert response.status_code == 302
