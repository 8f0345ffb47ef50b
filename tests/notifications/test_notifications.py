"""Notifications page, unread badge, district follows and "my contributions"."""

from __future__ import annotations

import pytest

from app.comments import services as comments
from app.comments import targets
from app.districts.models import District
from app.extensions import db
from app.notifications import contributions
from app.notifications import services as notifications
from app.notifications.models import Follow, Notification


@pytest.fixture
def note(app, districts):
    """A fake commentable target type ('note' = a district under another name)."""
    targets.register_target(
        "note",
        load=lambda i: db.session.get(District, i),
        load_many=lambda ids: {
            d.id: d for d in db.session.scalars(db.select(District).where(District.id.in_(ids)))
        },
        district_id=lambda d: d.id,
        url=lambda d: f"/ortsteile/{d.number}",
        title=lambda d: f"Notiz {d.name}",
        can_comment=lambda user, d: True,
    )
    yield districts["01"]
    targets._TARGETS.pop("note", None)


def test_status_change_and_district_follow(note, create_user, districts):
    follower, planner = create_user(), create_user("planner")
    notifications.follow(follower, "district", districts["05"].id)
    notifications.follow(follower, "note", note.id)
    db.session.commit()
    # a new item in a followed district: the notification points at the item, not the district
    sent = notifications.notify_followers(
        "district", districts["05"].id, kind="new_proposal", about=("note", note.id)
    )
    # a status change: every follower but the actor hears of it
    sent += notifications.notify_followers("note", note.id, kind="status_changed", actor=planner)
    sent += notifications.notify_followers(
        "note", note.id, kind="status_changed", actor=follower
    )  # the actor is never notified of their own action
    db.session.commit()
    assert sent == 2
    rows = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.kind, n.target_type, n.target_id) for n in rows] == [
        (follower.id, "new_proposal", "note", note.id),
        (follower.id, "status_changed", "note", note.id),
    ]
    assert rows[1].actor_id == planner.id
    assert all(n.read_at is None and n.emailed_at is None for n in rows)


def test_exclude_and_reply_notifications(note, create_user):
    a, b, c = create_user(), create_user(), create_user()
    notifications.follow(c, "note", note.id)
    top = comments.add_comment(a, "note", note.id, "Frage")
    comments.add_comment(b, "note", note.id, "Antwort", parent_id=top.id)
    db.session.commit()
    kinds = sorted((n.user_id, n.kind) for n in db.session.scalars(db.select(Notification)).all())
    # c: two new comments; a: a reply (only once, not also "new comment"); b: nothing
    assert kinds == sorted([(c.id, "new_comment"), (c.id, "new_comment"), (a.id, "reply")])


def test_follow_twice_creates_one_row(note, create_user):
    user = create_user()
    for _ in range(3):
        notifications.follow(user, "note", note.id)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1


def test_notifications_page_lists_and_marks_read(note, create_user, login, client):
    user, other = create_user(), create_user()
    notifications.follow(user, "note", note.id)
    comments.add_comment(other, "note", note.id, "Hallo")
    db.session.commit()
    login(user)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "Notiz" in page and 'href="/ortsteile/01"' in page
    assert other.public_name in page
    # the header shows the unread count on every page
    start = client.get("/").get_data(as_text=True)
    assert '<span class="badge">1' in start
    assert client.post("/benachrichtigungen/gelesen").status_code == 302
    start = client.get("/").get_data(as_text=True)
    assert '<span class="badge">' not in start


def test_notifications_page_query_count_is_constant(
    note, create_user, login, client, districts, count_queries
):
    user = create_user()
    login(user)
    for d in list(districts.values())[:3]:
        notifications.follow(user, "note", d.id)
    db.session.commit()

    def make(n):
        others = [create_user() for _ in range(n)]
        for i, other in enumerate(others):
            comments.add_comment(other, "note", list(districts.values())[i % 3].id, "x")
        db.session.commit()

    make(2)
    with count_queries() as few:
        assert client.get("/benachrichtigungen").status_code == 200
    make(8)
    with count_queries() as many:
        assert client.get("/benachrichtigungen").status_code == 200
    assert many.count == few.count


def test_notifications_paging(note, create_user, login, client):
    user, other = create_user(), create_user()
    notifications.notify_users(
        [user.id] * 1, kind="new_comment", target_type="note", target_id=note.id, actor=other
    )
    for _ in range(notifications.PAGE_SIZE):
        notifications.notify_users(
            [user.id], kind="new_comment", target_type="note", target_id=note.id, actor=other
        )
    db.session.commit()
    login(user)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "?page=2" in page
    assert client.get("/benachrichtigungen?page=2").status_code == 200
    assert client.get("/benachrichtigungen?page=abc").status_code == 200


def test_vanished_target_is_shown_without_link(create_user, login, client, districts):
    user = create_user()
    notifications.notify_users(
        [user.id], kind="new_comment", target_type="gone", target_id=1, actor=None
    )
    db.session.commit()
    login(user)
    response = client.get("/benachrichtigungen")
    assert response.status_code == 200


def test_pages_need_login(client):
    for url in ("/benachrichtigungen", "/meine-beitraege"):
        response = client.get(url)
        assert response.status_code in (302, 401)
    assert client.post("/folgen/district/1").status_code in (302, 401)


def test_follow_needs_csrf_and_existing_target(
    app_overrides, create_user, login, client, districts
):
    login(create_user())
    assert client.post(f"/folgen/district/{districts['01'].id}").status_code == 302
    assert client.post("/folgen/district/999999").status_code == 404
    assert client.post("/nicht-mehr-folgen/unknown/1").status_code == 404


def test_my_contributions_lists_own_comments_and_registered_sections(
    note, create_user, login, client
):
    me, other = create_user(), create_user()
    comments.add_comment(me, "note", note.id, "Mein eigener Kommentar")
    comments.add_comment(other, "note", note.id, "Fremder Kommentar")
    db.session.commit()
    contributions.register(
        "test-section",
        "Testabschnitt",
        lambda user: [
            contributions.Item(title=f"Eintrag von {user.public_name}", url=None, date=None)
        ],
    )
    try:
        login(me)
        page = client.get("/meine-beitraege").get_data(as_text=True)
    finally:
        contributions._SECTIONS.pop("test-section", None)
    assert "Mein eigener Kommentar" in page
    assert "Fremder Kommentar" not in page
    assert "Testabschnitt" in page and f"Eintrag von {me.public_name}" in page
