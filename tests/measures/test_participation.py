"""A measure's page takes comments, follows and official updates (the registries), and the
permission predicates as a role × action matrix."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.comments.models import Comment
from app.extensions import db
from app.measures import permissions, services
from app.notifications.models import Follow, Notification
from app.responses.models import OfficialResponse


def test_comment_follow_and_official_update(client, login_as, people, make_measure, planner):
    measure = make_measure()
    login_as(people["citizen"])
    assert client.post(f"/folgen/measure/{measure.id}", data={"next": "/"}).status_code == 302
    assert db.session.scalar(select(Follow).where(Follow.target_type == "measure"))
    response = client.post(f"/kommentare/measure/{measure.id}", data={"body": "Wann geht es los?"})
    assert response.status_code == 302
    assert db.session.scalar(select(Comment.body).where(Comment.target_type == "measure"))
    login_as(planner)
    response = client.post(
        f"/antworten/measure/{measure.id}", data={"body": "Der Bau beginnt im März."}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(OfficialResponse.body)) == "Der Bau beginnt im März."
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "official_response")
    ).all()
    assert people["citizen"].id in told
    page = client.get(f"/massnahmen/{measure.id}").get_data(as_text=True)
    assert "Der Bau beginnt im März." in page and "Wann geht es los?" in page


def test_notifications_page_names_the_measure(
    client, login_as, people, make_measure, proposal_factory, planner
):
    measure = make_measure(title="Kita am Moskauer Platz")
    proposal = proposal_factory(people["author"])
    services.link_input(planner, measure, "proposal", proposal.id)
    db.session.commit()
    login_as(people["author"])
    html = client.get("/benachrichtigungen").get_data(as_text=True)
    assert "Ihr Vorschlag ist Teil der Maßnahme" in html and "Kita am Moskauer Platz" in html


MANAGE = {"planner", "admin"}


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "unconfirmed",
        "citizen",
        "author",
        "council_member",
        "mayor",
        "planner",
        "admin",
    ],
)
def test_permission_matrix(people, role, make_measure, other_planner, offices):
    user = people[role]
    own = make_measure()
    other = make_measure(
        actor=other_planner, title="Radweg", office_ids=[offices["urban-planning"].id]
    )
    assert permissions.can_see_measures(user)
    assert permissions.can_manage_measures(user) == (role in MANAGE)
    assert permissions.can_edit_measure(user, own) == (role in MANAGE)  # both: social planning
    assert permissions.can_edit_measure(user, other) == (role == "admin")
