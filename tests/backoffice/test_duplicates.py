"""Duplicates: the followers of the duplicate are invited to follow the original (a
notification, not a follow), no supports move, "not a duplicate" goes back to the open
status before (audited), and the duplicate's public page links to the original."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.workflow import services as workflow
from app.workflow import triage
from tests.workflow.helpers import put_status

from .conftest import INBOX


def _url(obj, suffix: str = "") -> str:
    return f"{INBOX}proposal/{obj.id}{suffix}"


def _mark(client, copy, original):
    return client.post(
        _url(copy, "/status"),
        data={"status": "duplicate", "duplicate_type": "proposal", "duplicate_id": original.id},
    )


def _invitations(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == triage.FOLLOW_ORIGINAL
            )
        )
    )


def test_followers_of_the_duplicate_are_invited_to_the_original(
    client, login_as, people, make_proposal, create_user
):
    original, _ = make_proposal(title="Das Original")
    copy, _ = make_proposal(title="Die Kopie")
    fan, both = create_user(), create_user()
    notifications.follow(fan, "proposal", copy.id)
    notifications.follow(both, "proposal", copy.id)
    notifications.follow(both, "proposal", original.id)
    db.session.commit()
    login_as(people["planner"])
    assert _mark(client, copy, original).status_code == 302
    db.session.expire_all()
    invited = _invitations(fan)
    assert [(n.target_type, n.target_id) for n in invited] == [("proposal", original.id)]
    assert _invitations(both) == []  # follows the original already
    # an invitation, not a follow
    assert not notifications.is_following(fan, "proposal", original.id)
    login_as(fan)
    page = client.get("/benachrichtigungen").get_data(as_text=True)
    assert f'href="/vorschlaege/{original.id}"' in page and "Das Original" in page


def test_no_supports_are_moved(client, login_as, people, make_proposal):
    original, _ = make_proposal(supports=1)
    copy, _ = make_proposal(supports=3)

    def supports(obj) -> int:
        table = db.metadata.tables["proposal_supports"]
        return db.session.scalar(
            select(func.count()).select_from(table).where(table.c.proposal_id == obj.id)
        )

    login_as(people["planner"])
    assert _mark(client, copy, original).status_code == 302
    db.session.expire_all()
    assert (supports(original), supports(copy)) == (1, 3)


def test_public_page_of_the_duplicate_links_to_the_original(
    client, login_as, people, make_proposal
):
    original, _ = make_proposal(title="Das Original")
    copy, _ = make_proposal(title="Die Kopie")
    login_as(people["planner"])
    _mark(client, copy, original)
    login_as(None)
    html = client.get(f"/vorschlaege/{copy.id}").get_data(as_text=True)
    section = html[html.index('id="duplicate-of"') :]
    assert f'href="/vorschlaege/{original.id}"' in section[:400]
    assert 'id="duplicate-of"' not in client.get(f"/vorschlaege/{original.id}").text


def test_not_a_duplicate_goes_back_to_the_previous_open_status(
    client, login_as, people, make_proposal
):
    original, _ = make_proposal()
    copy, item = make_proposal()
    put_status("proposal", copy, "in_review")
    db.session.commit()
    login_as(people["planner"])
    _mark(client, copy, original)
    db.session.expire_all()
    assert workflow.item_for("proposal", copy.id).status.key == "duplicate"
    page = client.get(_url(copy)).get_data(as_text=True)
    assert 'id="duplicate-original"' in page
    response = client.post(_url(copy, "/kein-duplikat"))
    assert response.status_code == 302
    db.session.expire_all()
    item = workflow.item_for("proposal", copy.id)
    assert item.status.key == "in_review"
    assert item.duplicate_of_id is None and item.closed_at is None
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "workflow.duplicate_undone")
    )
    assert entry is not None and entry.target_id == copy.id
    assert entry.before == {"duplicate_of": workflow.item_for("proposal", original.id).id}
    login_as(None)
    assert 'id="duplicate-of"' not in client.get(f"/vorschlaege/{copy.id}").text


def test_not_a_duplicate_of_an_item_that_is_none_changes_nothing(
    client, login_as, people, make_proposal
):
    proposal, _ = make_proposal()
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    login_as(people["planner"])
    response = client.post(_url(proposal, "/kein-duplikat"))
    assert response.status_code == 302
    db.session.expire_all()
    assert workflow.item_for("proposal", proposal.id).status.key == "new"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_council_members_cannot_undo_a_duplicate(client, login_as, people, make_proposal):
    original, _ = make_proposal(number="23")
    copy, _ = make_proposal(number="23")
    login_as(people["planner"])
    _mark(client, copy, original)
    login_as(people["mayor"])
    assert client.post(_url(copy, "/kein-duplikat")).status_code == 403
    db.session.expire_all()
    assert workflow.item_for("proposal", copy.id).status.key == "duplicate"
