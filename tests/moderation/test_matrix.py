"""Every moderation action × role × situation × content type, by page and by API.

Situations: content in a district of council 23 (the council of "member" and "mayor"), in a
district of council 06 (the council of "other_mayor"), and the person's own content (in 23).
Planners and admins moderate everywhere, councils only in their districts, nobody their own
content; citizens never. Each allowed action changes the state and writes its audit row; a
refused one changes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.moderation.models import Flag

from .actions_fixtures import *  # noqa: F403 - the fixtures
from .actions_fixtures import OTHER, OWN, ROLES, add_flag, all_types, set_state

SITUATIONS = ["own_district", "other_district", "own_content"]
EXPECTED = {
    "own_district": {"member", "mayor", "planner", "admin"},
    "other_district": {"other_mayor", "planner", "admin"},
    "own_content": set(),  # nobody moderates their own content
}
ACTIONS = ["hide", "unhide", "approve", "dismiss", "view", "api_hide"]
AUDITED = {
    "hide": "moderation.hidden",
    "unhide": "moderation.restored",
    "approve": "moderation.approved",
    "dismiss": "moderation.flags_dismissed",
    "api_hide": "moderation.hidden",
}


def _prepare(action, target_type, item, people):
    if action == "unhide":
        set_state(item, "hidden", "insult")
    elif action == "approve":
        set_state(item, "pending_approval")
    elif action == "dismiss":
        add_flag(target_type, item, people["reporter"])


def _do(client, action, target_type, item_id):
    base = f"/moderation/{target_type}/{item_id}"
    if action == "hide":
        return client.post(base + "/verbergen", data={"reason": "insult", "note": "Bitte nicht."})
    if action == "unhide":
        return client.post(base + "/einblenden")
    if action == "approve":
        return client.post(base + "/freigeben")
    if action == "dismiss":
        return client.post(base + "/meldungen-erledigen")
    if action == "view":
        return client.get(base)
    return client.post(
        f"/api/v1/moderation/{target_type}/{item_id}/hide",
        json={"reason": "insult", "note": "Bitte nicht."},
    )


def _effect(action, target_type, item) -> bool:
    """Did the action take effect?"""
    db.session.expire_all()
    state = item.moderation_state
    if action in ("hide", "api_hide"):
        return state == "hidden"
    if action in ("unhide", "approve"):
        return state == "visible"
    if action == "dismiss":
        open_flags = db.session.scalar(
            select(func.count(Flag.id)).where(
                Flag.target_type == target_type,
                Flag.target_id == item.id,
                Flag.resolved_at.is_(None),
            )
        )
        return open_flags == 0
    return False


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("target_type", all_types())
@pytest.mark.parametrize("action", ACTIONS)
def test_matrix(client, people, make_item, login_as, action, target_type, situation):
    allowed = set()
    for role in ROLES:
        actor = people[role]
        author = actor if situation == "own_content" else people["author"]
        number = OTHER if situation == "other_district" else OWN
        item = make_item(target_type, number, author)
        _prepare(action, target_type, item, people)
        before = item.moderation_state
        login_as(actor)
        response = _do(client, action, target_type, item.id)
        if action == "view":
            ok = response.status_code == 200
            assert response.status_code in (200, 403), (role, response.status_code)
        else:
            ok = response.status_code in (200, 302)
            assert ok == _effect(action, target_type, item), (role, response.status_code)
            if not ok:
                assert response.status_code == 403, (role, response.status_code)
                db.session.expire_all()
                assert item.moderation_state == before
        if ok and action in AUDITED:
            entry = db.session.scalar(
                select(AuditEntry).where(
                    AuditEntry.target_type == target_type, AuditEntry.target_id == item.id
                )
            )
            assert entry is not None and entry.action == AUDITED[action]
            assert entry.actor_id == actor.id
        if response.is_json:
            assert response.status_code == 200 or "error" in response.get_json()
        if ok:
            allowed.add(role)
    assert allowed == EXPECTED[situation]


@pytest.mark.parametrize("target_type", all_types())
def test_mayor_of_another_council_can_do_nothing(client, people, make_item, login_as, target_type):
    """The mayor of council 06 on content in council 23's district: every page and API
    action is refused, the item stays as it was, no audit row is written, and the item is
    not in that mayor's queue (page or API)."""
    item = make_item(target_type, OWN, people["author"])
    add_flag(target_type, item, people["reporter"])
    login_as(people["other_mayor"])
    base = f"/moderation/{target_type}/{item.id}"
    api = f"/api/v1/moderation/{target_type}/{item.id}"
    assert client.get(base).status_code == 403
    for suffix in ("/verbergen", "/einblenden", "/freigeben", "/meldungen-erledigen"):
        assert client.post(base + suffix, data={"reason": "insult"}).status_code == 403
    for action in ("hide", "unhide", "approve", "dismiss"):
        response = client.post(f"{api}/{action}", json={"reason": "insult"})
        assert response.status_code == 403
        assert response.get_json()["error"]["status"] == 403
    queue = client.get("/api/v1/moderation/queue").get_json()
    assert queue["items"] == []
    page = client.get("/moderation/").get_data(as_text=True)
    assert base not in page
    # Filtering for council 23's district is refused (not one of theirs), page and API.
    district_id = item_district_id(target_type, item)
    assert client.get(f"/moderation/?district={district_id}").status_code == 400
    api_queue = client.get(f"/api/v1/moderation/queue?district={district_id}").get_json()
    assert api_queue["items"] == []
    db.session.expire_all()
    assert item.moderation_state == "visible"
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action.like("moderation.%"))
        )
        == 0
    )
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.resolved_at.is_(None))) == 1


def item_district_id(target_type, item) -> int | None:
    from app.moderation.registry import get_moderated

    return get_moderated(target_type).district_id(item)


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/proposal/1"])
def test_citizens_and_strangers_are_refused(client, people, login_as, path):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    login_as(people["citizen"])
    assert client.get(path).status_code == 403
    assert client.get("/api/v1/moderation/queue").status_code == 403
