"""The item view and its actions: status change with the public answer, closing without
one, duplicates, assignment; council members only read."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.indicators import district_index
from app.indicators.demo import load_demo_data
from app.indicators.social_index import STATUS_CLASSES
from app.responses.models import OfficialResponse
from app.workflow import services as workflow
from app.workflow.models import StatusChange

from .conftest import INBOX


def _url(obj, suffix: str = "", target_type: str = "proposal") -> str:
    return f"{INBOX}{target_type}/{obj.id}{suffix}"


def _count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def test_item_view_shows_input_district_and_internal_timeline(
    client, login_as, people, make_proposal
):
    proposal, _ = make_proposal(title="Neuer Spielplatz", description="Mit Schaukeln bitte.")
    login_as(people["planner"])
    html = client.get(_url(proposal)).get_data(as_text=True)
    assert "Neuer Spielplatz" in html and "Mit Schaukeln bitte." in html
    assert f'href="/vorschlaege/{proposal.id}"' in html  # its public page
    assert "Moskauer Platz" in html  # the district
    assert 'id="internal-timeline"' in html
    assert "Neu" in html
    assert 'name="status"' in html and 'name="office"' in html


def test_unknown_type_or_item_is_404(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    assert client.get(f"{INBOX}poem/{proposal.id}").status_code == 404
    assert client.get(f"{INBOX}proposal/{proposal.id + 1000}").status_code == 404
    assert client.get(f"{INBOX}comment/1").status_code == 404


def test_status_change_with_answer_writes_response_and_history(
    client, login_as, people, make_proposal
):
    proposal, item = make_proposal()
    login_as(people["planner"])
    response = client.post(
        _url(proposal, "/status"), data={"status": "done", "answer": "Die Bänke stehen."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = workflow.item_for("proposal", proposal.id)
    assert item.status.key == "done"
    assert item.closed_at is not None and item.first_response_at is not None
    answer = db.session.scalar(
        select(OfficialResponse).where(
            OfficialResponse.target_type == "proposal", OfficialResponse.target_id == proposal.id
        )
    )
    assert answer is not None and answer.body == "Die Bänke stehen."
    assert answer.office_id == people["planner"].roles[0].office_id
    change = db.session.scalar(
        select(StatusChange)
        .where(StatusChange.work_item_id == item.id)
        .order_by(StatusChange.id.desc())
    )
    assert change.response_id == answer.id
    assert change.actor_id == people["planner"].id
    page = client.get(_url(proposal)).get_data(as_text=True)
    assert people["planner"].display_name in page  # the internal timeline names the actor


def test_closing_without_answer_is_refused_and_nothing_written(
    client, login_as, people, make_proposal
):
    proposal, item = make_proposal()
    changes = _count(StatusChange, work_item_id=item.id)
    audits = _count(AuditEntry)
    login_as(people["planner"])
    response = client.post(_url(proposal, "/status"), data={"status": "declined", "answer": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "öffentliche Antwort" in html or "public answer" in html
    assert 'class="error-summary"' in html
    db.session.expire_all()
    assert workflow.item_for("proposal", proposal.id).status.key == "new"
    assert _count(StatusChange, work_item_id=item.id) == changes
    assert _count(OfficialResponse, target_id=proposal.id) == 0
    assert _count(AuditEntry) == audits


def test_failed_change_after_answer_rolls_back_the_answer(client, login_as, people, make_proposal):
    """An answer with a status that is refused (a duplicate of itself): the answer, which
    was already written in the same transaction, goes too; the input is kept in the form."""
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = client.post(
        _url(proposal, "/status"),
        data={
            "status": "duplicate",
            "answer": "Das gibt es schon.",
            "duplicate_type": "proposal",
            "duplicate_id": str(proposal.id),
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Das gibt es schon." in html  # input kept
    db.session.expire_all()
    assert _count(OfficialResponse, target_id=proposal.id) == 0
    assert workflow.item_for("proposal", proposal.id).status.key == "new"


def test_duplicate_of_another_input(client, login_as, people, make_proposal):
    original, original_item = make_proposal(title="Original")
    copy, _ = make_proposal(title="Kopie")
    login_as(people["planner"])
    response = client.post(
        _url(copy, "/status"),
        data={"status": "duplicate", "duplicate_type": "proposal", "duplicate_id": original.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = workflow.item_for("proposal", copy.id)
    assert item.status.key == "duplicate"
    assert item.duplicate_of_id == original_item.id


@pytest.mark.parametrize("raw", ["", "abc", "999999"])
def test_duplicate_needs_an_existing_original(client, login_as, people, make_proposal, raw):
    copy, _ = make_proposal()
    login_as(people["planner"])
    response = client.post(
        _url(copy, "/status"),
        data={"status": "duplicate", "duplicate_type": "proposal", "duplicate_id": raw},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert workflow.item_for("proposal", copy.id).status.key == "new"


def test_errors_in_english(client, login_as, people, make_proposal, english):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    client.post("/sprache", data={"lang": "en"})
    response = client.post(_url(proposal, "/status"), data={"status": "done"})
    assert response.status_code == 400
    assert "A public answer is needed" in response.get_data(as_text=True)


def test_assignment(client, login_as, people, make_proposal, offices):
    proposal, _ = make_proposal()
    planner = people["planner"]
    login_as(planner)
    response = client.post(
        _url(proposal, "/zuweisen"),
        data={"office": offices["social-planning"].id, "assignee": planner.id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = workflow.item_for("proposal", proposal.id)
    assert (item.office_id, item.assignee_id) == (offices["social-planning"].id, planner.id)
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "workflow.assigned")
        .order_by(AuditEntry.id.desc())
    )
    assert entry is not None and entry.target_id == proposal.id


def test_assignment_to_a_person_of_another_office_is_refused(
    client, login_as, people, make_proposal, offices
):
    proposal, item = make_proposal()
    before = (item.office_id, item.assignee_id)
    login_as(people["planner"])
    response = client.post(
        _url(proposal, "/zuweisen"),
        data={"office": offices["urban-planning"].id, "assignee": people["planner"].id},
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    db.session.expire_all()
    item = workflow.item_for("proposal", proposal.id)
    assert (item.office_id, item.assignee_id) == before


@pytest.mark.parametrize("role", ["mayor", "council_member", "citizen"])
@pytest.mark.parametrize("action", ["/status", "/zuweisen"])
def test_council_members_and_citizens_cannot_post_actions(
    client, login_as, people, make_proposal, offices, role, action
):
    proposal, _ = make_proposal(number="23")  # the council's own district
    login_as(people[role])
    data = {"status": "in_review", "office": offices["urban-planning"].id}
    assert client.post(_url(proposal, action), data=data).status_code == 403
    db.session.expire_all()
    item = workflow.item_for("proposal", proposal.id)
    assert item.status.key == "new" and item.office_id != offices["urban-planning"].id


def test_anonymous_post_is_sent_to_login(client, make_proposal):
    proposal, _ = make_proposal()
    response = client.post(_url(proposal, "/status"), data={"status": "in_review"})
    assert response.status_code == 302 and "/anmelden" in response.headers["Location"]


def test_item_view_shows_social_index_class_and_key_indicators(
    client, login_as, people, make_proposal
):
    load_demo_data()
    db.session.commit()
    proposal, _ = make_proposal(number="23")
    computed = district_index.social_index(district_index.active_definition())
    expected_class = computed.by_number["23"].status_class
    login_as(people["planner"])
    html = client.get(_url(proposal)).get_data(as_text=True)
    section = html[html.index('id="district-title"') :]
    german, _english = STATUS_CLASSES[expected_class]
    assert f"Klasse im Sozialindex: {german}" in " ".join(section.split())
    rows = section[: section.index("</table>")].count('<th scope="row">')
    assert 3 <= rows <= 5


def test_without_an_official_voice_closing_statuses_are_not_offered(
    client, login_as, people, make_proposal
):
    """Admins (no office) cannot answer officially: they get the open statuses and
    "duplicate", no answer field, and a closing status is refused with nothing written."""
    proposal, item = make_proposal()
    login_as(people["admin"])
    html = client.get(_url(proposal)).get_data(as_text=True)
    assert 'name="answer"' not in html
    assert 'value="in_review"' in html and 'value="duplicate"' in html
    assert 'value="done"' not in html and 'value="declined"' not in html
    assert "Closing statuses need a public answer" not in html  # German page
    assert "Abschließende Status brauchen eine öffentliche Antwort" in html

    refused = client.post(_url(proposal, "/status"), data={"status": "done", "answer": "x"})
    assert refused.status_code == 400
    assert _count(OfficialResponse) == 0 and _count(StatusChange, work_item_id=item.id) == 1

    moved = client.post(_url(proposal, "/status"), data={"status": "in_review"})
    assert moved.status_code == 302
    db.session.refresh(item)
    assert item.status.key == "in_review"


def test_planners_get_the_answer_field_and_every_status(client, login_as, people, make_proposal):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    html = client.get(_url(proposal)).get_data(as_text=True)
    assert 'name="answer"' in html and 'value="done"' in html


def _kinds(user) -> list[str]:
    from app.notifications.models import Notification

    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)).all()
    )


def test_followers_hear_of_a_status_change_once(client, login_as, people, make_proposal):
    """Without an answer: one "status changed"; with an answer: only the answer's message."""
    from app.notifications import services as notifications

    proposal, _ = make_proposal()
    follower = people["citizen"]
    notifications.follow(follower, "proposal", proposal.id)
    db.session.commit()
    login_as(people["planner"])

    assert client.post(_url(proposal, "/status"), data={"status": "in_review"}).status_code == 302
    assert _kinds(follower) == ["status_changed"]

    answered = client.post(
        _url(proposal, "/status"), data={"status": "done", "answer": "Die Bänke stehen."}
    )
    assert answered.status_code == 302
    assert sorted(_kinds(follower)) == ["official_response", "status_changed"]

    # Nothing changed: nobody is told again.
    client.post(_url(proposal, "/status"), data={"status": "done"})
    assert len(_kinds(follower)) == 2
