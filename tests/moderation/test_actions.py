"""Hide, show again, approve, dismiss reports: state, audit rows, notifications, forms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.extensions import db
from app.moderation import services
from app.moderation.models import Flag
from app.notifications.models import Notification
from app.notifications.services import follow

from .actions_fixtures import *  # noqa: F403 - the fixtures
from .actions_fixtures import NO_COUNCIL, OTHER, OWN, add_flag, set_state


def _audit(action: str) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def _notes(user, kind=None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def test_audit_rows_of_every_action(client, people, make_item, login_as, districts):
    """Each action writes one row: actor, action, reason, before/after state, district."""
    proposal = make_item("proposal", OWN, people["author"])
    mayor = people["mayor"]
    district_id = districts[OWN].id
    login_as(mayor)
    base = f"/moderation/proposal/{proposal.id}"

    client.post(base + "/verbergen", data={"reason": "advertising", "note": "Werbung für X"})
    [hidden] = _audit("moderation.hidden")
    assert (hidden.actor_id, hidden.target_type, hidden.target_id) == (
        mayor.id,
        "proposal",
        proposal.id,
    )
    assert hidden.reason == "advertising: Werbung für X"
    assert hidden.before == {"state": "visible", "reason": None}
    assert hidden.after["state"] == "hidden" and hidden.after["reason"] == "advertising"
    assert hidden.after["note"] == "Werbung für X"
    assert hidden.district_id == district_id

    client.post(base + "/einblenden")
    [restored] = _audit("moderation.restored")
    assert restored.actor_id == mayor.id and restored.district_id == district_id
    assert restored.before == {"state": "hidden", "reason": "advertising"}
    assert restored.after["state"] == "visible" and restored.after["reason"] is None

    add_flag("proposal", proposal, people["reporter"], "off_topic")
    client.post(base + "/meldungen-erledigen")
    [dismissed] = _audit("moderation.flags_dismissed")
    assert dismissed.before == {"state": "visible", "reason": None, "open_flags": 1}
    assert dismissed.after == {"state": "visible", "reason": None, "open_flags": 0}
    assert dismissed.district_id == district_id

    set_state(proposal, "pending_approval")
    client.post(base + "/freigeben")
    [approved] = _audit("moderation.approved")
    assert approved.before == {"state": "pending_approval", "reason": None}
    assert approved.after["state"] == "visible"
    assert approved.actor_id == mayor.id and approved.district_id == district_id

    # The mayor reads these rows in the audit log (their districts), with labels.
    client.post("/sprache", data={"lang": "en"})
    page = client.get("/verwaltung/protokoll/?action=moderation.hidden").get_data(as_text=True)
    assert "Content hidden" in page and "advertising: Werbung für X" in page
    login_as(people["other_mayor"])
    page = client.get("/verwaltung/protokoll/").get_data(as_text=True)
    assert "advertising: Werbung für X" not in page


def test_hide_notifies_the_author_and_shows_the_reason(client, people, make_item, login_as):
    proposal = make_item("proposal", OWN, people["author"])
    login_as(people["member"])
    response = client.post(
        f"/moderation/proposal/{proposal.id}/verbergen",
        data={"reason": "personal_data", "note": "Bitte keine Telefonnummern."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert proposal.moderation_state == "hidden"
    assert proposal.moderation_reason == "personal_data"
    assert proposal.moderation_note == "Bitte keine Telefonnummern."
    assert proposal.moderated_at is not None
    [note] = _notes(people["author"], "content_hidden")
    assert (note.target_type, note.target_id, note.actor_id) == (
        "proposal",
        proposal.id,
        people["member"].id,
    )
    client.post(f"/moderation/proposal/{proposal.id}/einblenden")
    [note] = _notes(people["author"], "content_restored")
    assert note.target_id == proposal.id
    db.session.expire_all()
    assert proposal.moderation_reason is None and proposal.moderation_note is None


def test_a_hidden_comment_notifies_about_the_commented_item(client, people, make_item, login_as):
    comment = make_item("comment", OWN, people["author"])
    login_as(people["mayor"])
    client.post(f"/moderation/comment/{comment.id}/verbergen", data={"reason": "insult"})
    [note] = _notes(people["author"], "content_hidden")
    assert (note.target_type, note.target_id) == ("proposal", comment.target_id)
    # The audit row is about the comment, in the commented proposal's district.
    [entry] = _audit("moderation.hidden")
    assert (entry.target_type, entry.target_id) == ("comment", comment.id)
    assert entry.district_id is not None


def test_approve_publishes_and_notifies_author_and_district_followers(
    client, people, make_item, login_as, districts, create_user
):
    follower = create_user()
    follow(follower, "district", districts[OWN].id)
    db.session.commit()
    proposal = make_item("proposal", OWN, people["author"])
    set_state(proposal, "pending_approval")
    login_as(people["mayor"])
    response = client.post(f"/moderation/proposal/{proposal.id}/freigeben")
    assert response.status_code == 302
    db.session.expire_all()
    assert proposal.moderation_state == "visible"
    [note] = _notes(people["author"], "content_approved")
    assert note.target_id == proposal.id
    [news] = _notes(follower, "new_proposal")
    assert (news.target_type, news.target_id) == ("proposal", proposal.id)
    assert news.actor_id == people["author"].id
    # Approving again is refused with a message (the state has changed), nothing is written.
    client.post("/sprache", data={"lang": "en"})
    response = client.post(f"/moderation/proposal/{proposal.id}/freigeben", follow_redirects=True)
    assert "does not wait for approval" in response.get_data(as_text=True)
    assert len(_audit("moderation.approved")) == 1


def test_hiding_a_pending_proposal_rejects_it_without_publishing(
    client, people, make_item, login_as, districts, create_user
):
    follower = create_user()
    follow(follower, "district", districts[OWN].id)
    db.session.commit()
    proposal = make_item("proposal", OWN, people["author"])
    set_state(proposal, "pending_approval")
    login_as(people["mayor"])
    client.post(f"/moderation/proposal/{proposal.id}/verbergen", data={"reason": "duplicate"})
    db.session.expire_all()
    assert proposal.moderation_state == "hidden"
    assert _notes(follower) == []
    assert [n.kind for n in _notes(people["author"])] == ["content_hidden"]


def test_hiding_settles_open_reports(client, people, make_item, login_as):
    item = make_item("barrier_report", OWN, people["author"])
    add_flag("barrier_report", item, people["reporter"])
    login_as(people["planner"])
    client.post(f"/moderation/barrier_report/{item.id}/verbergen", data={"reason": "other"})
    flag = db.session.scalar(select(Flag))
    assert flag.resolved_at is not None and flag.resolved_by_id == people["planner"].id


def test_dismissing_shows_an_item_hidden_pending_review(client, people, make_item, login_as):
    item = make_item("proposal", OWN, people["author"])
    add_flag("proposal", item, people["reporter"])
    set_state(item, "pending_review", "insult")
    login_as(people["member"])
    assert client.post(f"/moderation/proposal/{item.id}/meldungen-erledigen").status_code == 302
    db.session.expire_all()
    assert item.moderation_state == "visible" and item.moderation_reason is None
    [entry] = _audit("moderation.flags_dismissed")
    assert entry.before["state"] == "pending_review" and entry.after["state"] == "visible"


def test_failed_hide_form_keeps_what_was_typed(client, people, make_item, login_as):
    item = make_item("proposal", OWN, people["author"])
    login_as(people["mayor"])
    client.post("/sprache", data={"lang": "en"})
    response = client.post(
        f"/moderation/proposal/{item.id}/verbergen",
        data={"reason": "", "note": "Mein getippter Hinweis"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please choose a reason." in page and "Mein getippter Hinweis" in page
    assert 'aria-invalid="true"' in page
    assert f'href="#reason-proposal-{item.id}"' in page  # the error links to its field
    assert f'id="reason-proposal-{item.id}"' in page
    db.session.expire_all()
    assert item.moderation_state == "visible"


@pytest.mark.parametrize(
    "next_url,expected",
    [
        ("/vorschlaege/", "/vorschlaege/"),
        ("//evil.example/x", "/moderation/"),
        ("", "/moderation/"),
    ],
)
def test_actions_redirect_to_the_queue_or_a_local_next(
    client, people, make_item, login_as, next_url, expected
):
    item = make_item("proposal", OWN, people["author"])
    login_as(people["mayor"])
    response = client.post(
        f"/moderation/proposal/{item.id}/verbergen", data={"reason": "insult", "next": next_url}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(expected)


def test_unhiding_a_visible_item_is_refused(client, people, make_item, login_as):
    item = make_item("proposal", OWN, people["author"])
    login_as(people["mayor"])
    response = client.post(f"/moderation/proposal/{item.id}/einblenden")
    assert response.status_code == 302
    assert _audit("moderation.restored") == []


def test_services_check_permissions_themselves(app, people, make_item):
    """Defence in depth: the service refuses even when a route forgot to check."""
    item = make_item("proposal", OWN, people["author"])
    for who in ("other_mayor", "citizen", "author"):
        with pytest.raises(services.NotAllowed):
            services.hide(people[who], "proposal", item, "insult")
    own = make_item("proposal", OWN, people["mayor"])
    with pytest.raises(services.NotAllowed):
        services.hide(people["mayor"], "proposal", own, "insult")
    with pytest.raises(services.ModerationError):
        services.hide(people["mayor"], "proposal", item, "rude")
    with pytest.raises(services.ModerationError):
        services.hide(people["mayor"], "proposal", item, "insult", "x" * 501)
    with pytest.raises(services.ModerationError):
        services.hide(people["mayor"], "unknown", item, "insult")
    db.session.rollback()


def test_planners_moderate_where_no_council_is(client, people, make_item, login_as):
    item = make_item("proposal", NO_COUNCIL, people["author"])
    login_as(people["mayor"])
    assert client.get(f"/moderation/proposal/{item.id}").status_code == 403
    login_as(people["planner"])
    assert client.get(f"/moderation/proposal/{item.id}").status_code == 200


def test_private_barrier_reports_only_for_planners_and_admins(
    client, people, make_item, login_as, offers, districts
):
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
    for who, status in (("mayor", 403), ("member", 403), ("planner", 200), ("admin", 200)):
        login_as(people[who])
        assert client.get(f"/moderation/barrier_report/{report.id}").status_code == status, who
    response = client.post(
        f"/moderation/barrier_report/{report.id}/verbergen", data={"reason": "other"}
    )
    assert response.status_code == 302
    [entry] = _audit("moderation.hidden")
    assert entry.district_id is None  # councils do not learn of the report via their log


def test_item_page_shows_reports_and_history(client, people, make_item, login_as):
    item = make_item("proposal", OTHER, people["author"])
    add_flag("proposal", item, people["reporter"], "advertising", "Verkauft Fahrräder")
    login_as(people["other_mayor"])
    client.post("/sprache", data={"lang": "en"})
    page = client.get(f"/moderation/proposal/{item.id}").get_data(as_text=True)
    assert "Verkauft Fahrräder" in page and "Advertising" in page
    assert people["reporter"].display_name not in page  # reporters stay anonymous
    client.post(f"/moderation/proposal/{item.id}/verbergen", data={"reason": "advertising"})
    page = client.get(f"/moderation/proposal/{item.id}").get_data(as_text=True)
    assert "Content hidden" in page and "settled" in page
    assert "Show again" in page
