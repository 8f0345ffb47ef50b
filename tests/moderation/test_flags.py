"""Citizens' reports (flags): the generic form, the comment form, once per person, the
district's moderators are told, the threshold hides pending review."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.moderation import services
from app.moderation.models import Flag
from app.notifications.models import Notification

from .actions_fixtures import *  # noqa: F403 - the fixtures
from .actions_fixtures import NO_COUNCIL, OTHER, OWN, all_types, set_state


def _flags() -> list[Flag]:
    return list(db.session.scalars(select(Flag).order_by(Flag.id)))


def _recipients(kind: str = "content_flagged") -> set[int]:
    return set(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


@pytest.mark.parametrize("target_type", all_types())
def test_report_form_for_every_type(client, people, make_item, login_as, districts, target_type):
    item = make_item(target_type, OWN, people["author"])
    login_as(people["citizen"])
    url = f"/melden/{target_type}/{item.id}"
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"reason": "rude", "text": "x"})
    assert bad.status_code == 400 and _flags() == []
    response = client.post(url, data={"reason": "insult", "text": "  Beleidigt andere.  "})
    assert response.status_code == 302
    [flag] = _flags()
    assert (flag.target_type, flag.target_id, flag.reporter_id) == (
        target_type,
        item.id,
        people["citizen"].id,
    )
    assert flag.reason == "insult" and flag.text == "Beleidigt andere."
    assert flag.district_id == districts[OWN].id and flag.resolved_at is None
    # A second report by the same person is not stored twice.
    assert client.post(url, data={"reason": "other"}).status_code == 302
    assert len(_flags()) == 1
    # The council's mayor and member hear of it; not the other council, not the planners.
    assert _recipients() == {people["mayor"].id, people["member"].id}


def test_flag_refusals(client, people, make_item, login_as, create_user):
    item = make_item("proposal", OWN, people["author"])
    assert client.get(f"/melden/proposal/{item.id}").status_code == 302  # to the login page
    login_as(people["author"])
    assert client.get(f"/melden/proposal/{item.id}").status_code == 403  # own content
    login_as(create_user(confirmed=False))
    assert client.get(f"/melden/proposal/{item.id}").status_code == 403
    login_as(people["citizen"])
    assert client.get("/melden/proposal/999999").status_code == 404
    assert client.get(f"/melden/unknown/{item.id}").status_code == 404
    set_state(item, "hidden", "insult")
    assert client.get(f"/melden/proposal/{item.id}").status_code == 404
    assert client.post(f"/melden/proposal/{item.id}", data={"reason": "insult"}).status_code == 404
    assert _flags() == []


def test_private_barrier_reports_cannot_be_flagged(client, people, login_as, offers, districts):
    from app.barriers import services as barriers

    report = barriers.create_report(
        people["author"],
        offer=offers[OWN],
        offer_text="",
        district_from=districts[OWN],
        text="Nur für die Verwaltung.",
        visibility="administration",
        details={
            "barrier_types": ["escort"],
            "affected": "self",
            "age_group": "30_49",
            "participation_benefits": "not_stated",
        },
    )
    db.session.commit()
    login_as(people["citizen"])
    assert client.get(f"/melden/barrier_report/{report.id}").status_code == 404


def test_comment_report_route_goes_through_the_moderation(
    client, people, make_item, login_as, districts
):
    comment = make_item("comment", OTHER, people["author"])
    login_as(people["citizen"])
    url = f"/kommentare/{comment.id}/melden"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"reason": "off_topic", "text": "Gehört nicht hierher."})
    assert response.status_code == 302
    [flag] = _flags()
    assert flag.target_type == "comment" and flag.district_id == districts[OTHER].id
    assert client.post(url, data={"reason": "off_topic"}).status_code == 302
    assert len(_flags()) == 1
    # Council 06's mayor is told, pointing at the commented proposal.
    [note] = db.session.scalars(select(Notification).where(Notification.kind == "content_flagged"))
    assert note.user_id == people["other_mayor"].id
    assert (note.target_type, note.target_id) == ("proposal", comment.target_id)
    assert note.actor_id is None  # the reporter is not named
    # A hidden comment cannot be reported (any more).
    set_state(comment, "hidden", "insult")
    assert client.get(url).status_code == 404


def test_where_no_council_is_the_planners_are_told(people, make_item, create_user):
    second_planner = create_user("planner")
    item = make_item("proposal", NO_COUNCIL, people["author"])
    assert services.flag(people["citizen"], "proposal", item, "advertising")
    db.session.commit()
    assert _recipients() == {people["planner"].id, second_planner.id}


def test_moderators_hear_of_the_first_report_only(people, make_item, create_user):
    item = make_item("proposal", OWN, people["author"])
    assert services.flag(people["citizen"], "proposal", item, "insult")
    assert services.flag(create_user(), "proposal", item, "insult")
    db.session.commit()
    count = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "content_flagged")
    )
    assert count == 2  # mayor + member, once each


def test_flagging_twice_returns_false(people, make_item):
    item = make_item("proposal", OWN, people["author"])
    assert services.flag(people["citizen"], "proposal", item, "insult") is True
    assert services.flag(people["citizen"], "proposal", item, "other") is False
    db.session.commit()
    assert len(_flags()) == 1


def test_the_author_is_not_told_when_the_author_is_a_moderator(people, make_item):
    item = make_item("proposal", OWN, people["member"])
    services.flag(people["citizen"], "proposal", item, "insult")
    db.session.commit()
    assert _recipients() == {people["mayor"].id}


class TestThreshold:
    @pytest.fixture
    def app_overrides(self, tmp_path):
        return {"UPLOAD_FOLDER": str(tmp_path / "uploads"), "MODERATION_FLAG_THRESHOLD": 2}

    def test_hidden_pending_review_at_the_threshold(
        self, client, people, make_item, login_as, create_user, districts
    ):
        item = make_item("proposal", OWN, people["author"])
        login_as(people["citizen"])
        client.post(f"/melden/proposal/{item.id}", data={"reason": "advertising"})
        db.session.expire_all()
        assert item.moderation_state == "visible"
        login_as(create_user())
        client.post(f"/melden/proposal/{item.id}", data={"reason": "advertising"})
        db.session.expire_all()
        assert item.moderation_state == "pending_review"
        assert item.moderation_reason == "advertising"
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "moderation.auto_hidden")
        )
        assert entry.actor_id is None
        assert entry.before == {"state": "visible", "reason": None}
        assert entry.after == {"state": "pending_review", "reason": "advertising", "open_flags": 2}
        assert entry.district_id == districts[OWN].id
        # The moderators are told again (now it is hidden), the queue shows it first.
        notes = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "content_flagged")
        ).all()
        assert sorted(notes) == sorted([people["mayor"].id, people["member"].id] * 2)
        login_as(people["mayor"])
        [first] = client.get("/api/v1/moderation/queue").get_json()["items"]
        assert (first["id"], first["state"], first["flags"]["open"]) == (
            item.id,
            "pending_review",
            2,
        )

    def test_default_threshold_is_three(self, app):
        app.config.pop("MODERATION_FLAG_THRESHOLD")
        assert services.threshold() == 3
        from config import Config

        assert Config.MODERATION_FLAG_THRESHOLD == 3
