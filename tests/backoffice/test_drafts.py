"""Drafted answers: kept in the back office, published later (single and in bulk);
publishing tells the author, supporters and followers once, and only when the status or
the answer's text changed; answers are signed by the office with the official badge."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.proposals import services as proposals
from app.responses.models import OfficialResponse, ResponseDraft
from app.workflow import services as workflow

from .conftest import INBOX, key


def _url(obj, suffix: str = "") -> str:
    return f"{INBOX}proposal/{obj.id}{suffix}"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _notes(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id))
    )


def _audience(people, create_user, proposal):
    """The author (people["author"]), a follower and a supporter."""
    follower, supporter = create_user(), create_user()
    notifications.follow(follower, "proposal", proposal.id)
    proposals.support(supporter, proposal)
    db.session.commit()
    return [people["author"], follower, supporter]


def test_a_draft_changes_nothing_public_and_tells_nobody(
    client, login_as, people, create_user, make_proposal
):
    proposal, item = make_proposal()
    audience = _audience(people, create_user, proposal)
    login_as(people["planner"])
    response = client.post(
        _url(proposal, "/status"),
        data={"status": "done", "answer": "Die Bank kommt im Mai.", "draft": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status.key == "new" and item.first_response_at is None
    assert _count(OfficialResponse) == 0
    draft = db.session.scalar(select(ResponseDraft))
    assert (draft.body, draft.status_key, draft.voice) == (
        "Die Bank kommt im Mai.",
        "done",
        f"office:{people['planner'].roles[0].office_id}",
    )
    assert all(_notes(person) == [] for person in audience)
    # the back office shows the draft; the public page does not
    assert "Die Bank kommt im Mai." in client.get(_url(proposal)).get_data(as_text=True)
    client.get("/abmelden")
    public = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Die Bank kommt im Mai." not in public


def test_a_second_draft_replaces_the_first(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    for text in ("Erster Entwurf", "Zweiter Entwurf"):
        client.post(
            _url(proposal, "/status"), data={"status": "planned", "answer": text, "draft": "y"}
        )
    assert [d.body for d in db.session.scalars(select(ResponseDraft))] == ["Zweiter Entwurf"]


def test_a_draft_needs_text_and_no_duplicate(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    empty = client.post(_url(proposal, "/status"), data={"status": "done", "draft": "y"})
    assert empty.status_code == 400
    assert _count(ResponseDraft) == 0


def test_publishing_tells_author_supporters_and_followers_once(
    client, login_as, people, create_user, make_proposal
):
    proposal, item = make_proposal()
    audience = _audience(people, create_user, proposal)
    login_as(people["planner"])
    client.post(
        _url(proposal, "/status"),
        data={"status": "done", "answer": "Die Bank kommt im Mai.", "draft": "y"},
    )
    published = client.post(_url(proposal, "/entwurf"))
    assert published.status_code == 302
    db.session.refresh(item)
    assert item.status.key == "done" and item.first_response_at is not None
    answer = db.session.scalar(select(OfficialResponse))
    assert answer.body == "Die Bank kommt im Mai." and answer.office.slug == "social-planning"
    assert _count(ResponseDraft) == 0
    for person in audience:
        assert _notes(person) == ["official_response"], person
    assert _notes(people["planner"]) == []  # not the actor
    # signed by the office, with the official badge, on the public page
    html = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Amtliche Antwort · Fachamt Sozialplanung" in html


def test_publishing_the_same_text_and_status_again_tells_nobody(
    client, login_as, people, create_user, make_proposal
):
    proposal, item = make_proposal()
    audience = _audience(people, create_user, proposal)
    login_as(people["planner"])
    client.post(_url(proposal, "/status"), data={"status": "planned", "answer": "Geplant."})
    assert all(_notes(p) == ["official_response"] for p in audience)
    # the same text, the same status, as a draft published: nothing new
    client.post(
        _url(proposal, "/status"), data={"status": "planned", "answer": "Geplant. ", "draft": "y"}
    )
    client.post(_url(proposal, "/entwurf"))
    assert _count(OfficialResponse) == 1
    assert all(_notes(p) == ["official_response"] for p in audience)
    # the same text with another status: only the status change is told
    client.post(
        _url(proposal, "/status"), data={"status": "done", "answer": "Geplant.", "draft": "y"}
    )
    client.post(_url(proposal, "/entwurf"))
    db.session.refresh(item)
    assert item.status.key == "done" and _count(OfficialResponse) == 1
    assert all(_notes(p) == ["official_response", "status_changed"] for p in audience)


def test_discarding_a_draft(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    client.post(_url(proposal, "/status"), data={"status": "done", "answer": "X", "draft": "y"})
    assert client.post(_url(proposal, "/entwurf"), data={"discard": "1"}).status_code == 302
    assert _count(ResponseDraft) == 0 and _count(OfficialResponse) == 0


def test_publishing_needs_a_draft(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    assert client.post(_url(proposal, "/entwurf")).status_code == 404


def test_council_members_cannot_publish(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    client.post(_url(proposal, "/status"), data={"status": "done", "answer": "X", "draft": "y"})
    login_as(people["council_member"])
    assert client.post(_url(proposal, "/entwurf")).status_code == 403
    assert _count(ResponseDraft) == 1


def test_bulk_publish_of_drafted_answers(client, login_as, people, make_proposal):
    drafted = [make_proposal()[0] for _ in range(3)]
    without, _ = make_proposal()
    login_as(people["planner"])
    for n, proposal in enumerate(drafted):
        client.post(
            _url(proposal, "/status"),
            data={"status": "planned", "answer": f"Antwort {n}", "draft": "y"},
        )
    response = client.post(
        f"{INBOX}sammelaktion",
        data={"action": "publish", "selected": [key("proposal", p) for p in [*drafted, without]]},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="bulk-ok"') == 4
    assert _count(ResponseDraft) == 0 and _count(OfficialResponse) == 3
    assert {workflow.item_for("proposal", p.id).status.key for p in drafted} == {"planned"}
    assert workflow.item_for("proposal", without.id).status.key == "new"


def test_bulk_publish_with_an_item_out_of_reach_changes_nothing(
    client, login_as, people, make_proposal
):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    client.post(_url(proposal, "/status"), data={"status": "done", "answer": "X", "draft": "y"})
    response = client.post(
        f"{INBOX}sammelaktion",
        data={"action": "publish", "selected": [key("proposal", proposal), "proposal-999999"]},
    )
    assert response.status_code == 400
    assert _count(ResponseDraft) == 1 and _count(OfficialResponse) == 0


def test_supports_are_counted_on_the_work_item(people, create_user, make_proposal):
    proposal, item = make_proposal()
    supporters = [create_user() for _ in range(2)]
    for person in supporters:
        proposals.support(person, proposal)
    db.session.refresh(item)
    assert item.support_count == 2
    proposals.unsupport(supporters[0], proposal)
    db.session.refresh(item)
    assert item.support_count == 1
