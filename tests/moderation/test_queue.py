"""The moderation queue: scoped to the districts one moderates, most reported first, filters,
reasons and texts per item, and a fixed number of queries however long it is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.time import utcnow
from app.extensions import db

from .actions_fixtures import *  # noqa: F403 - the fixtures
from .actions_fixtures import NO_COUNCIL, OTHER, OWN, add_flag, all_types, set_state


def _queue(client, query: str = "") -> list[tuple[str, int]]:
    body = client.get(f"/api/v1/moderation/queue{query}").get_json()
    return [(i["type"], i["id"]) for i in body["items"]]


def test_sorted_by_open_reports_then_oldest_report(
    client, people, make_item, login_as, create_user
):
    one = make_item("proposal", OWN, people["author"])
    three = make_item("comment", OWN, people["author"])
    two_old = make_item("barrier_report", OWN, people["author"])
    two_new = make_item("proposal", OWN, people["author"])
    waiting = make_item("proposal", OWN, people["author"])
    set_state(waiting, "pending_approval")
    reporters = [create_user() for _ in range(3)]
    add_flag("proposal", one, reporters[0])
    for r in reporters:
        add_flag("comment", three, r)
    for r in reporters[:2]:
        add_flag("proposal", two_new, r)
        flag = add_flag("barrier_report", two_old, r)
        flag.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    login_as(people["mayor"])
    assert _queue(client) == [
        ("comment", three.id),
        ("barrier_report", two_old.id),
        ("proposal", two_new.id),
        ("proposal", one.id),
        ("proposal", waiting.id),
    ]
    page = client.get("/moderation/").get_data(as_text=True)
    assert ">Öffnen<span" in page and ">Offen<" not in page  # the verb, on every item
    order = [
        page.index(f'id="item-{t}-{i}"')
        for t, i in [("comment", three.id), ("proposal", one.id), ("proposal", waiting.id)]
    ]
    assert order == sorted(order)


def test_scoped_to_the_districts_one_moderates(client, people, make_item, login_as):
    own = make_item("proposal", OWN, people["author"])
    other = make_item("proposal", OTHER, people["author"])
    nobody = make_item("proposal", NO_COUNCIL, people["author"])
    mine = make_item("proposal", OWN, people["member"])
    for item in (own, other, nobody, mine):
        add_flag("proposal", item, people["reporter"])
    expect = {
        "member": {own.id},  # never their own content
        "mayor": {own.id, mine.id},
        "other_mayor": {other.id},
        "planner": {own.id, other.id, nobody.id, mine.id},
        "admin": {own.id, other.id, nobody.id, mine.id},
    }
    for who, ids in expect.items():
        login_as(people[who])
        assert {i for _, i in _queue(client)} == ids, who
        page = client.get("/moderation/").get_data(as_text=True)
        shown = {i for i in (own.id, other.id, nobody.id, mine.id) if f"item-proposal-{i}" in page}
        assert shown == ids, who


def test_reasons_texts_and_resolved_flags(client, people, make_item, login_as, create_user):
    item = make_item("proposal", OWN, people["author"])
    add_flag("proposal", item, create_user(), "insult", "Nennt Nachbarn Idioten")
    add_flag("proposal", item, create_user(), "insult")
    add_flag("proposal", item, create_user(), "duplicate", "Gibt es schon")
    login_as(people["member"])
    [entry] = client.get("/api/v1/moderation/queue").get_json()["items"]
    assert entry["flags"]["open"] == 3
    assert entry["flags"]["reasons"] == {"insult": 2, "duplicate": 1}
    assert sorted(entry["flags"]["texts"]) == ["Gibt es schon", "Nennt Nachbarn Idioten"]
    assert entry["district"]["number"] == OWN and entry["state"] == "visible"
    client.post("/sprache", data={"lang": "en"})
    page = client.get("/moderation/").get_data(as_text=True)
    assert "Insult: 2" in page and "Duplicate: 1" in page and "Nennt Nachbarn Idioten" in page
    # Dismissed reports leave the queue.
    client.post(f"/moderation/proposal/{item.id}/meldungen-erledigen")
    assert _queue(client) == []


def test_filters(client, people, make_item, login_as, districts):
    own = make_item("proposal", OWN, people["author"])
    comment = make_item("comment", OTHER, people["author"])
    add_flag("proposal", own, people["reporter"])
    add_flag("comment", comment, people["reporter"])
    login_as(people["planner"])
    assert _queue(client, "?type=comment") == [("comment", comment.id)]
    assert _queue(client, f"?district={districts[OWN].id}") == [("proposal", own.id)]
    page = client.get(f"/moderation/?type=proposal&district={districts[OWN].id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"item-proposal-{own.id}" in text and f"item-comment-{comment.id}" not in text
    assert client.get("/moderation/?type=nonsense").status_code == 400
    assert client.get("/moderation/?district=abc").status_code == 400
    for bad in ("?type=nonsense", "?district=abc", "?page=2"):
        response = client.get(f"/api/v1/moderation/queue{bad}")
        assert response.status_code == 400 and "error" in response.get_json()
    # A council member's district filter offers only the council's districts.
    login_as(people["member"])
    assert client.get(f"/moderation/?district={districts[OTHER].id}").status_code == 400
    assert client.get(f"/moderation/?district={districts[OWN].id}").status_code == 200


def test_empty_queue(client, people, login_as):
    login_as(people["mayor"])
    client.post("/sprache", data={"lang": "en"})
    assert "Nothing to review at the moment." in client.get("/moderation/").get_data(as_text=True)
    assert client.get("/api/v1/moderation/queue").get_json() == {"count": 0, "items": []}


@pytest.mark.parametrize("url", ["/moderation/", "/api/v1/moderation/queue"])
def test_queue_queries_do_not_grow_with_items(
    client, people, make_item, login_as, create_user, count_queries, url
):
    def add_batch():
        for target_type in all_types():
            for number in (OWN, OTHER, NO_COUNCIL):
                if target_type == "need" and number == NO_COUNCIL:
                    continue  # needs belong to a council
                item = make_item(target_type, number, people["author"])
                add_flag(target_type, item, people["reporter"], "insult", "Text")
                add_flag(target_type, item, create_user(), "other")
            waiting = make_item(target_type, OWN, people["author"])
            set_state(waiting, "pending_approval")

    login_as(people["planner"])
    add_batch()
    client.get(url)
    with count_queries() as few:
        first = client.get(url)
    for _ in range(4):
        add_batch()
    with count_queries() as many:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert many.count == few.count, many.statements
