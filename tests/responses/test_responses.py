"""Official responses: who may answer, badge, order, notifications, audit, editing."""

from __future__ import annotations

import re

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import Office
from app.core.audit import AuditEntry
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.responses import services
from app.responses.models import OfficialResponse
from app.responses.permissions import can_respond_officially
from app.responses.targets import get_respondable


@pytest.fixture
def people(districts, create_user):
    return {
        "anonymous": None,
        "citizen": create_user(),
        "author": create_user(),
        "mayor": create_user("mayor", council="23"),
        "other mayor": create_user("mayor", council="25"),
        "council member": create_user("council_member", council="23"),
        "planner": create_user("planner"),
        "admin": create_user("admin"),
    }


def _post(client, proposal, body="Wir kümmern uns darum.", **extra):
    return client.post(
        f"/antworten/proposal/{proposal.id}", data={"body": body, **extra}, follow_redirects=False
    )


EXPECTED = {
    "anonymous": 302,  # to the login page
    "citizen": 403,
    "author": 403,
    "mayor": 302,
    "other mayor": 403,
    "council member": 403,
    "planner": 302,
    "admin": 403,  # admins are not planners
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_respond(client, login, people, make_proposal, who):
    proposal = make_proposal(people["author"])
    if people[who] is not None:
        login(people[who])
    response = _post(client, proposal)
    assert response.status_code == EXPECTED[who], who
    stored = db.session.scalars(select(OfficialResponse)).all()
    if EXPECTED[who] == 302 and people[who] is not None:
        assert len(stored) == 1 and stored[0].author_id == people[who].id
        assert response.headers["Location"].endswith(f"#response-{stored[0].id}")
    else:
        assert stored == []
        if who == "anonymous":
            assert "/anmelden" in response.headers["Location"]


def test_predicate_matrix(people, make_proposal, districts):
    district = districts["23"]
    got = {
        who: can_respond_officially(user or AnonymousUserMixin(), district)
        for who, user in people.items()
    }
    assert got == {who: code == 302 and who != "anonymous" for who, code in EXPECTED.items()}


def test_form_only_for_those_allowed(client, login, people, make_proposal):
    proposal = make_proposal(people["author"])
    url = f"/vorschlaege/{proposal.id}"
    form = f'action="/antworten/proposal/{proposal.id}"'
    assert form not in client.get(url).get_data(as_text=True)
    for who, allowed in (("other mayor", False), ("council member", False), ("mayor", True)):
        client.post("/abmelden")
        login(people[who])
        assert (form in client.get(url).get_data(as_text=True)) is allowed, who


def test_badge_text_and_newest_first_before_comments(client, login, people, make_proposal, english):
    from app.comments import services as comments

    proposal = make_proposal(people["author"])
    comments.add_comment(people["citizen"], "proposal", proposal.id, "Ein Kommentar.")
    db.session.commit()
    login(people["mayor"])
    assert _post(client, proposal, body="Erste Antwort https://example.org/plan").status_code == 302
    client.post("/abmelden")
    login(people["planner"])
    assert _post(client, proposal, body="Zweite Antwort").status_code == 302
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    mayor_badge = "Official response · District mayor · District council Moskauer Platz"
    planner_badge = "Official response · Social planning office"
    assert mayor_badge in page and planner_badge in page
    # newest first, and both before the comments (the timeline above quotes them oldest first)
    page = page[page.index('id="official-responses"') :]
    assert page.index("Zweite Antwort") < page.index("Erste Antwort") < page.index("Ein Kommentar.")
    assert page.index(planner_badge) < page.index(mayor_badge)
    assert "No official answer yet." not in page
    assert '<a href="https://example.org/plan" rel="nofollow noopener">' in page


def test_no_answer_yet(client, people, make_proposal):
    proposal = make_proposal(people["author"])
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Noch keine amtliche Antwort" in page


def test_notifies_author_and_followers_not_the_actor(client, login, people, make_proposal):
    author, follower, mayor = people["author"], people["citizen"], people["mayor"]
    proposal = make_proposal(author)
    notifications.follow(author, "proposal", proposal.id)
    notifications.follow(follower, "proposal", proposal.id)
    notifications.follow(mayor, "proposal", proposal.id)
    db.session.commit()
    login(mayor)
    assert _post(client, proposal).status_code == 302
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == "official_response")
    ).all()
    assert sorted(n.user_id for n in rows) == sorted([author.id, follower.id])
    assert {(n.target_type, n.target_id, n.actor_id) for n in rows} == {
        ("proposal", proposal.id, mayor.id)
    }


def test_audited_publish_and_edit_by_author_only(client, login, people, make_proposal):
    proposal = make_proposal(people["author"])
    login(people["mayor"])
    assert _post(client, proposal, body="Alt").status_code == 302
    response = db.session.scalar(select(OfficialResponse))
    assert (response.role, response.council_id, response.office_id) == (
        "mayor",
        proposal.district.council_id,
        None,
    )
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "official_response.published")
    )
    assert entry.actor_id == people["mayor"].id and entry.target_id == response.id
    assert entry.district_id == proposal.district_id
    assert entry.after["target_id"] == proposal.id and entry.after["role"] == "mayor"

    edit = f"/antworten/{response.id}/bearbeiten"
    assert client.get(edit).status_code == 200
    assert client.post(edit, data={"body": "Neu"}).status_code == 302
    db.session.expire_all()
    response = db.session.get(OfficialResponse, response.id)
    assert response.body == "Neu" and response.edited_at is not None
    edited = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "official_response.edited")
    )
    assert edited.before == {"body": "Alt"} and edited.after == {"body": "Neu"}

    for who in ("other mayor", "planner", "admin", "citizen", "council member"):
        client.post("/abmelden")
        login(people[who])
        assert client.get(edit).status_code == 403, who
        assert client.post(edit, data={"body": "Fremd"}).status_code == 403, who
    client.post("/abmelden")
    assert "/anmelden" in client.post(edit, data={"body": "x"}).headers["Location"]
    db.session.expire_all()
    assert db.session.get(OfficialResponse, response.id).body == "Neu"


def test_failed_form_keeps_the_text(client, login, people, make_proposal):
    proposal = make_proposal(people["author"])
    login(people["mayor"])
    response = _post(client, proposal, body="Ganz lang " + "x" * 5000)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Ganz lang xxxx" in page and 'aria-invalid="true"' in page
    assert _post(client, proposal, body="   ").status_code == 400
    assert db.session.scalars(select(OfficialResponse)).all() == []
    # editing: an empty text is refused, the old one stays
    assert _post(client, proposal, body="Gut").status_code == 302
    saved = db.session.scalar(select(OfficialResponse))
    failed = client.post(f"/antworten/{saved.id}/bearbeiten", data={"body": ""})
    assert failed.status_code == 400


def test_hidden_proposal_cannot_be_answered(client, login, people, make_proposal):
    proposal = make_proposal(people["author"])
    proposal.moderation_state = "hidden"
    db.session.commit()
    login(people["planner"])
    assert _post(client, proposal).status_code == 403
    page = client.get(f"/vorschlaege/{proposal.id}")
    if page.status_code == 200:  # moderators see it, without the form
        assert f'action="/antworten/proposal/{proposal.id}"' not in page.get_data(as_text=True)
    assert db.session.scalars(select(OfficialResponse)).all() == []


def test_unknown_target_is_404(client, login, people, make_proposal):
    login(people["planner"])
    assert client.post("/antworten/proposal/999", data={"body": "x"}).status_code == 404
    assert client.post("/antworten/nothing/1", data={"body": "x"}).status_code == 404
    assert client.get("/antworten/999/bearbeiten").status_code == 404


def test_planner_with_two_offices_picks_one(client, login, people, make_proposal, english):
    planner = people["planner"]
    health = db.session.scalar(select(Office).where(Office.slug == "health"))
    accounts.grant_role(None, planner, "planner", office_id=health.id)
    db.session.commit()
    proposal = make_proposal(people["author"])
    login(planner)
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert 'id="response-voice"' in page
    assert _post(client, proposal, voice="office:999999").status_code == 400
    assert _post(client, proposal, voice=f"office:{health.id}").status_code == 302
    response = db.session.scalar(select(OfficialResponse))
    assert (response.role, response.office_id, response.council_id) == ("planner", health.id, None)
    page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert "Official response · Health office" in page


def test_mayor_who_is_also_planner_answers_as_mayor_by_default(
    client, login, people, make_proposal
):
    mayor = people["mayor"]
    office = db.session.scalar(select(Office).where(Office.slug == "urban-planning"))
    accounts.grant_role(None, mayor, "planner", office_id=office.id)
    db.session.commit()
    proposal = make_proposal(people["author"])
    login(mayor)
    assert _post(client, proposal).status_code == 302
    assert db.session.scalar(select(OfficialResponse.role)) == "mayor"


def test_role_recorded_at_the_time(people, make_proposal, app):
    """A later change of roles does not rewrite who answered in whose name."""
    proposal = make_proposal(people["author"])
    target = get_respondable("proposal")
    with app.test_request_context():
        response = services.respond(people["mayor"], target, proposal, "Antwort")
        db.session.commit()
        for assignment in list(people["mayor"].roles):
            accounts.revoke_role(None, assignment)
        db.session.commit()
        stored = db.session.get(OfficialResponse, response.id)
        assert stored.role == "mayor" and stored.council.name == "Moskauer Platz"


def test_proposal_page_queries_do_not_grow_with_responses(
    client, login, people, make_proposal, count_queries, app
):
    proposal = make_proposal(people["author"])
    target = get_respondable("proposal")

    def add(n):
        with app.test_request_context():
            for i in range(n):
                voice = people["mayor"] if i % 2 else people["planner"]
                services.respond(voice, target, proposal, f"Antwort {i}")
            db.session.commit()

    login(people["mayor"])
    add(2)
    with count_queries() as few:
        assert client.get(f"/vorschlaege/{proposal.id}").status_code == 200
    add(20)
    with count_queries() as many:
        page = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert len(re.findall(r'class="official-response"', page)) == 22
    assert many.count == few.count
