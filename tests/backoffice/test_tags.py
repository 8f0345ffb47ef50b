"""Internal tags: created inline on the item view, added and removed (audited), unique
whatever their case, filterable in the inbox, shown per row in one query, exported
internally, never public."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.workflow import triage
from app.workflow.models import Tag

from .conftest import INBOX, key, listed


def _url(obj, suffix: str = "", target_type: str = "proposal") -> str:
    return f"{INBOX}{target_type}/{obj.id}{suffix}"


def _tag(item, name: str, people) -> Tag:
    tag = triage.tag_or_create(people["planner"], name)
    triage.add_tag(people["planner"], item, tag)
    db.session.commit()
    return tag


def test_planner_adds_a_new_tag_inline_and_it_is_audited(client, login_as, people, make_proposal):
    proposal, item = make_proposal()
    login_as(people["planner"])
    response = client.post(_url(proposal, "/schlagwort"), data={"name": "  Spielplatz  "})
    assert response.status_code == 302
    db.session.expire_all()
    assert [t.name for t in triage.tags_of(item)] == ["Spielplatz"]
    actions = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("workflow.tag_%"))
        )
    )
    assert actions == {"workflow.tag_created", "workflow.tag_added"}
    page = client.get(_url(proposal)).get_data(as_text=True)
    assert 'id="item-tags"' in page and "Spielplatz" in page


def test_tag_names_are_unique_whatever_their_case(client, login_as, people, make_proposal):
    first, first_item = make_proposal()
    second, second_item = make_proposal()
    login_as(people["planner"])
    client.post(_url(first, "/schlagwort"), data={"name": "Spielplatz"})
    client.post(_url(second, "/schlagwort"), data={"name": "SPIELPLATZ"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 1
    assert [t.name for t in triage.tags_of(second_item)] == ["Spielplatz"]
    with pytest.raises(triage.workflow.WorkflowError):
        triage.create_tag(people["planner"], "spielPLATZ")


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_bad_tag_names_are_refused(client, login_as, people, make_proposal, name):
    proposal, item = make_proposal()
    login_as(people["planner"])
    response = client.post(_url(proposal, "/schlagwort"), data={"name": name})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert triage.tags_of(item) == []


def test_remove_a_tag(client, login_as, people, make_proposal):
    proposal, item = make_proposal()
    tag = _tag(item, "Lärm", people)
    login_as(people["planner"])
    response = client.post(_url(proposal, f"/schlagwort/{tag.id}/entfernen"))
    assert response.status_code == 302
    db.session.expire_all()
    assert triage.tags_of(item) == []
    assert db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "workflow.tag_removed", AuditEntry.target_id == proposal.id)
    )


@pytest.mark.parametrize("role", ["mayor", "council_member", "citizen"])
def test_only_planners_and_admins_tag(client, login_as, people, make_proposal, role):
    proposal, item = make_proposal(number="23")
    login_as(people[role])
    assert client.post(_url(proposal, "/schlagwort"), data={"name": "X"}).status_code == 403
    db.session.expire_all()
    assert triage.tags_of(item) == []


def test_inbox_filter_by_tag_combines_and_stays_in_the_url(client, login_as, people, make_proposal):
    tagged_23, item_23 = make_proposal(number="23")
    tagged_25, item_25 = make_proposal(number="25")
    untagged, _ = make_proposal(number="23")
    _tag(item_23, "Spielplatz", people)
    _tag(item_25, "Spielplatz", people)
    login_as(people["planner"])
    assert set(listed(client.get(INBOX, query_string={"tag": "spielplatz"}))) == {
        key("proposal", tagged_23),
        key("proposal", tagged_25),
    }
    response = client.get(INBOX, query_string={"tag": "Spielplatz", "district": "23"})
    assert listed(response) == [key("proposal", tagged_23)]
    html = response.get_data(as_text=True)
    assert '<option value="Spielplatz" selected>' in html
    assert untagged.id not in [int(k.split("-")[1]) for k in listed(response)]


def test_unknown_tag_filter_shows_a_message(client, login_as, people, make_proposal):
    make_proposal()
    login_as(people["planner"])
    response = client.get(INBOX, query_string={"tag": "gibt-es-nicht"})
    assert response.status_code == 400
    assert "tag" in response.get_data(as_text=True)


def test_rows_show_their_tags_with_one_query_per_page(
    client, login_as, people, make_proposal, count_queries
):
    def make(n: int):
        for i in range(n):
            _proposal, item = make_proposal()
            _tag(item, f"Tag {i % 3}", people)
            _tag(item, "Alle", people)

    login_as(people["planner"])
    make(3)
    client.get(INBOX)  # warm caches
    with count_queries() as few:
        html = client.get(INBOX).get_data(as_text=True)
    assert html.count('<span class="badge tag">Alle</span>') == 3
    make(12)
    with count_queries() as many:
        html = client.get(INBOX).get_data(as_text=True)
    assert html.count('<span class="badge tag">Alle</span>') == 15
    assert many.count == few.count


def test_export_has_the_tags_column(client, login_as, people, make_proposal):
    _proposal, item = make_proposal()
    _tag(item, "Beta", people)
    _tag(item, "Alpha", people)
    login_as(people["planner"])
    text = client.get(f"{INBOX}export.csv").get_data(as_text=True)
    assert "Alpha, Beta" in text


def test_tags_are_never_on_the_public_page(client, login_as, people, make_proposal):
    proposal, item = make_proposal()
    _tag(item, "Internes-Schlagwort-4711", people)
    login_as(people["citizen"])
    assert "Internes-Schlagwort-4711" not in client.get(f"/vorschlaege/{proposal.id}").text
    login_as(None)
    assert "Internes-Schlagwort-4711" not in client.get(f"/vorschlaege/{proposal.id}").text
