"""The generic comment and follow interfaces, with a fake target type registered in a test."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.comments import services, targets
from app.comments.models import Comment
from app.districts.models import District
from app.extensions import db
from app.moderation.models import Flag
from app.notifications import services as notifications
from app.notifications.models import Notification


@pytest.fixture
def fake_target(app, districts):
    """'note' targets are districts under another name; only confirmed people comment."""
    targets.register_target(
        "note",
        load=lambda i: db.session.get(District, i),
        district_id=lambda d: d.id,
        url=lambda d: f"/ortsteile/{d.number}",
        title=lambda d: d.name,
        can_comment=lambda user, d: True,
    )
    yield districts["01"]
    targets._TARGETS.pop("note", None)


def test_comment_reply_and_thread(fake_target, create_user, count_queries):
    a, b = create_user(), create_user()
    top = services.add_comment(a, "note", fake_target.id, "Hallo")
    reply = services.add_comment(b, "note", fake_target.id, "Antwort", parent_id=top.id)
    # A reply to a reply is attached to the top comment (one level deep).
    deeper = services.add_comment(a, "note", fake_target.id, "Noch eine", parent_id=reply.id)
    db.session.commit()
    target_id = fake_target.id
    db.session.expire_all()
    with count_queries() as counter:
        thread = services.comments_for("note", target_id)
        names = [c.author.public_name for c, _replies in thread] + [
            r.author.public_name for r in thread[0][1]
        ]
    assert counter.count <= 2  # comments with authors, and the authors' roles
    assert [c.id for c, _replies in thread] == [top.id]
    assert [r.id for r in thread[0][1]] == [reply.id, deeper.id]
    assert len(names) == 3


def test_unknown_target_and_bad_parent(fake_target, create_user):
    user = create_user()
    with pytest.raises(services.CommentError):
        services.add_comment(user, "nothing", 1, "x")
    with pytest.raises(services.CommentError):
        services.add_comment(user, "note", fake_target.id, "   ")
    with pytest.raises(services.CommentError):
        services.add_comment(user, "note", fake_target.id, "x", parent_id=999999)


def test_routes_add_edit_delete_report(fake_target, create_user, login, client):
    author, other = create_user(), create_user()
    login(author)
    response = client.post(f"/kommentare/note/{fake_target.id}", data={"body": "Erster Kommentar"})
    assert response.status_code == 302
    comment = db.session.scalar(db.select(Comment))
    assert response.headers["Location"].endswith(f"/ortsteile/01#comment-{comment.id}")
    # empty body: 400 with a message
    response = client.post(f"/kommentare/note/{fake_target.id}", data={"body": ""})
    assert response.status_code == 400
    assert "Please write a comment." in response.get_data(as_text=True) or "Bitte" in (
        response.get_data(as_text=True)
    )
    response = client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": "Geändert"})
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.body == "Geändert" and comment.edited_at is not None
    # after 15 minutes: no more edits
    comment.created_at = comment.created_at - timedelta(minutes=16)
    db.session.commit()
    assert (
        client.post(f"/kommentare/{comment.id}/bearbeiten", data={"body": "x"}).status_code == 403
    )
    # the other person cannot delete but can report
    client.post("/abmelden")
    login(other)
    assert client.post(f"/kommentare/{comment.id}/loeschen").status_code == 403
    response = client.post(f"/kommentare/{comment.id}/melden", data={"reason": "nonsense"})
    assert response.status_code == 400
    response = client.post(
        f"/kommentare/{comment.id}/melden", data={"reason": "advertising", "text": "Werbung"}
    )
    assert response.status_code == 302
    flag = db.session.scalar(db.select(Flag))
    assert (flag.reason, flag.text, flag.reporter_id) == ("advertising", "Werbung", other.id)
    client.post("/abmelden")
    login(author)
    assert client.post(f"/kommentare/{comment.id}/loeschen").status_code == 302
    db.session.refresh(comment)
    assert comment.is_deleted and comment.body == ""


def test_unknown_target_routes_404(fake_target, create_user, login, client):
    login(create_user())
    assert client.post("/kommentare/nothing/1", data={"body": "x"}).status_code == 404
    assert client.post("/kommentare/note/999999", data={"body": "x"}).status_code == 404


def test_anonymous_is_sent_to_login(fake_target, client):
    response = client.post(f"/kommentare/note/{fake_target.id}", data={"body": "x"})
    assert response.status_code in (302, 401)


def test_follow_and_notify(fake_target, create_user):
    follower, author, third = create_user(), create_user(), create_user()
    notifications.follow(follower, "note", fake_target.id)
    notifications.follow(follower, "note", fake_target.id)  # idempotent
    assert notifications.is_following(follower, "note", fake_target.id)
    services.add_comment(author, "note", fake_target.id, "Neu")
    # the author now follows too, and hears about replies
    assert notifications.is_following(author, "note", fake_target.id)
    db.session.commit()
    rows = db.session.scalars(db.select(Notification)).all()
    assert [(n.user_id, n.kind, n.channel, n.emailed_at) for n in rows] == [
        (follower.id, "new_comment", "app", None)
    ]
    with pytest.raises(notifications.FollowError):
        notifications.follow(third, "nothing", 1)
    assert notifications.unread_count(follower) == 1
    assert notifications.unread_count(third) == 0
    notifications.mark_all_read(follower)
    assert notifications.unread_count(follower) == 0
    notifications.unfollow(follower, "note", fake_target.id)
    assert not notifications.is_following(follower, "note", fake_target.id)


def test_follow_routes_and_pages(fake_target, create_user, login, client, districts):
    user, other = create_user(), create_user()
    login(user)
    assert client.post(f"/folgen/note/{fake_target.id}").status_code == 302
    assert client.post(f"/folgen/district/{districts['02'].id}").status_code == 302
    assert client.post("/folgen/nothing/1").status_code == 404
    services.add_comment(other, "note", fake_target.id, "Etwas Neues")
    db.session.commit()
    page = client.get("/ortsteile/01").get_data(as_text=True)
    assert 'href="/benachrichtigungen"' in page
    assert notifications.unread_count(user) == 1
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert fake_target.name in page
    assert client.post("/benachrichtigungen/gelesen").status_code == 302
    assert notifications.unread_count(user) == 0
    assert client.post(f"/nicht-mehr-folgen/note/{fake_target.id}").status_code == 302
    assert not notifications.is_following(user, "note", fake_target.id)
    assert notifications.is_following(user, "district", districts["02"].id)
    assert client.get("/meine-beitraege").status_code == 200


def test_thread_include_renders(fake_target, create_user, login, client, app):
    from flask import render_template_string

    user = create_user()
    services.add_comment(user, "note", fake_target.id, "Siehe https://example.org <b>fett</b>")
    db.session.commit()
    with app.test_request_context():
        html = render_template_string(
            '{% with target_type="note", target_id=tid %}'
            '{% include "comments/_thread.html" %}'
            '{% include "notifications/_follow_button.html" %}{% endwith %}',
            tid=fake_target.id,
        )
    assert '<a href="https://example.org" rel="nofollow noopener">' in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
