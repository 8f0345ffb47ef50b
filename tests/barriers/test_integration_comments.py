"""Barrier reports with part A's domains: comments, follows, notifications, contributions."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import Notification

from .conftest import details


def test_comment_and_follow_a_public_report(
    client, create_user, login, login_as, offers, make_report
):
    author, neighbour = create_user(), create_user()
    report = make_report(author, offers[0])
    login(neighbour)
    page = client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert f"/kommentare/barrier_report/{report.id}" in page
    assert f"/folgen/barrier_report/{report.id}" in page
    response = client.post(
        f"/kommentare/barrier_report/{report.id}", data={"body": "Bei mir auch."}
    )
    assert response.status_code == 302
    assert "Bei mir auch." in client.get(f"/barrieren/{report.id}").get_data(as_text=True)
    assert client.post(f"/folgen/barrier_report/{report.id}").status_code == 302
    # A planner hides the report (moderation): its author hears of it, with the reason on the
    # report's page; followers are not told about hidden content.
    login_as(create_user("planner"))
    response = client.post(
        f"/moderation/barrier_report/{report.id}/verbergen", data={"reason": "off_topic"}
    )
    assert response.status_code == 302
    kinds = set(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == author.id))
    )
    assert "content_hidden" in kinds


def test_private_reports_cannot_be_commented_or_followed(
    client, create_user, login, offers, make_report
):
    report = make_report(create_user(), offers[0], visibility="administration")
    login(create_user())
    assert (
        client.post(f"/kommentare/barrier_report/{report.id}", data={"body": "x"}).status_code
        == 404
    )
    assert client.post(f"/folgen/barrier_report/{report.id}").status_code == 404


def test_reporter_follows_and_hears_of_affected_without_a_name(
    client, create_user, login, login_as, offers, districts
):
    from .conftest import report_data

    author = create_user()
    login(author)
    assert client.post("/barrieren/melden", data=report_data(offers[0].id)).status_code == 302
    from app.barriers.models import BarrierReport

    report = db.session.scalar(select(BarrierReport))
    data = details(("escort",))

    def notes():
        return db.session.scalars(
            select(Notification).where(Notification.user_id == author.id)
        ).all()

    # Below the threshold nobody is told: counting notifications would reveal the number.
    for _ in range(3):
        login_as(create_user())
        assert client.post(f"/barrieren/{report.id}/betrifft-mich", data=data).status_code == 302
    assert notes() == []
    login_as(create_user())  # the fifth person
    assert client.post(f"/barrieren/{report.id}/betrifft-mich", data=data).status_code == 302
    [note] = notes()
    assert note.kind == "affected_too" and note.actor_id is None


def test_my_contributions_lists_barrier_reports(client, create_user, login, offers, make_report):
    me = create_user()
    report = make_report(me, offers[0], visibility="administration")
    login(me)
    page = client.get("/meine-beitraege").get_data(as_text=True)
    assert f"/barrieren/{report.id}" in page
