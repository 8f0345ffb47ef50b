"""A hidden item is gone for everyone but its author and its moderators, whatever the route:
following, commenting, reporting and official responses load every registered type through
the one visibility rule of the content-type registry, so nothing (not even a title in a flash
message) tells a signed-in stranger that it exists."""

from __future__ import annotations

import pytest

from app.core import content_types

from .actions_fixtures import *  # noqa: F403 - the fixtures
from .actions_fixtures import OWN, all_types, set_state


def _actions(target_type: str, item_id: int) -> list[tuple[str, dict]]:
    return [
        (f"/folgen/{target_type}/{item_id}", {}),
        (f"/nicht-mehr-folgen/{target_type}/{item_id}", {}),
        (f"/kommentare/{target_type}/{item_id}", {"body": "Hallo"}),
        (f"/melden/{target_type}/{item_id}", {"reason": "spam", "text": ""}),
        (f"/antworten/{target_type}/{item_id}", {"body": "Wir prüfen das."}),
    ]


def test_every_moderated_type_is_covered(app):
    moderated = {t.name for t in content_types.all_types() if t.moderated}
    assert moderated == set(all_types())
    followable = {name for name in moderated if content_types.get(name).can_comment is not None}
    assert followable == set(FOLLOWABLE)


@pytest.mark.parametrize("state", ["hidden", "pending_review"])
@pytest.mark.parametrize("target_type", all_types())
def test_hidden_item_is_404_on_every_action(
    client, login_as, make_item, people, target_type, state
):
    item = make_item(target_type, OWN, people["author"])
    title = content_types.get(target_type).title(item)
    set_state(item, state, reason="insult")
    # Citizens, and a mayor of another council (who may give official responses, but not
    # here, and moderates other districts only).
    for who in ("citizen", "reporter", "other_mayor"):
        login_as(people[who])
        for url, data in _actions(target_type, item.id):
            response = client.post(url, data=data)
            body = response.get_data(as_text=True)
            if url.startswith("/antworten/") and who != "other_mayor":
                # Citizens may never respond: refused before anything is loaded.
                assert response.status_code == 403, (who, url, response.status_code)
            else:
                assert response.status_code == 404, (who, url, response.status_code)
            assert not title or title not in body, (who, url)
            follow_up = client.get("/benachrichtigungen").get_data(as_text=True)
            assert not title or title not in follow_up, (who, url)


FOLLOWABLE = ["proposal", "need", "barrier_report"]  # comments are answered, not followed


@pytest.mark.parametrize("target_type", FOLLOWABLE)
def test_visible_item_can_be_followed(client, login_as, make_item, people, target_type):
    """The same request succeeds when the item is visible (the 404 above is the rule, not a
    broken route)."""
    item = make_item(target_type, OWN, people["author"])
    login_as(people["citizen"])
    response = client.post(f"/folgen/{target_type}/{item.id}")
    assert response.status_code in (302, 303), response.status_code
