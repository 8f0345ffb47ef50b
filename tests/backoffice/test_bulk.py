"""Bulk actions of the inbox: assign, tag, change the status with one public answer, on
ticked rows or on everything matching the filter (re-evaluated on the server); all or
nothing with a per-item summary; one audit row per item; a cap on the selection."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from app.backoffice import bulk, services
from app.core.audit import AuditEntry
from app.extensions import db
from app.responses.models import OfficialResponse
from app.workflow import services as workflow
from app.workflow import triage

from .conftest import INBOX, key, listed

BULK = f"{INBOX}sammelaktion"


def _audits(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def _item(target_type: str, obj):
    return workflow.item_for(target_type, obj.id)


def test_inbox_offers_checkboxes_and_the_filter_for_all_matching(
    client, login_as, people, make_proposal
):
    proposal, _ = make_proposal(number="23")
    login_as(people["planner"])
    html = client.get(INBOX, query_string={"district": "23"}).get_data(as_text=True)
    assert f'name="selected" value="proposal-{proposal.id}"' in html
    assert 'id="bulk-form"' in html and 'name="all_matching"' in html
    assert 'name="filter" type="hidden" value="district=23"' in html


def test_council_inbox_has_no_bulk_form(client, login_as, people, make_proposal):
    make_proposal(number="23")
    login_as(people["mayor"])
    html = client.get(INBOX).get_data(as_text=True)
    assert 'id="bulk-form"' not in html and 'name="selected"' not in html
    assert client.post(BULK, data={"action": "tag", "tag": "X"}).status_code == 403


def test_bulk_assign_ticked_rows(client, login_as, people, make_proposal, offices):
    made = [make_proposal()[0] for _ in range(3)]
    untouched, _ = make_proposal()
    planner = people["planner"]
    login_as(planner)
    response = client.post(
        BULK,
        data={
            "action": "assign",
            "office": offices["social-planning"].id,
            "assignee": planner.id,
            "selected": [key("proposal", p) for p in made],
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="bulk-done"' in html and html.count('class="bulk-ok"') == 3
    db.session.expire_all()
    for proposal in made:
        item = _item("proposal", proposal)
        assert (item.office_id, item.assignee_id) == (offices["social-planning"].id, planner.id)
    assert _item("proposal", untouched).assignee_id is None
    assert _audits("workflow.assigned") == 3  # one audit row per item


def test_bulk_tag_all_matching_the_filter_re_evaluated_on_the_server(
    client, login_as, people, make_proposal
):
    in_23 = [make_proposal(number="23")[0] for _ in range(2)]
    in_25, _ = make_proposal(number="25")
    login_as(people["planner"])
    # the filter is re-evaluated: an input added after the page was shown is included
    late, _ = make_proposal(number="23")
    response = client.post(
        BULK,
        data={"action": "tag", "tag": "Runde 3", "all_matching": "y", "filter": "district=23"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    tag = triage.tag_by_name("runde 3")
    tagged = {p.id for p in [*in_23, late] if triage.has_tag(_item("proposal", p), tag)}
    assert tagged == {p.id for p in [*in_23, late]}
    assert not triage.has_tag(_item("proposal", in_25), tag)
    assert _audits("workflow.tag_added") == 3
    assert set(listed(client.get(INBOX, query_string={"tag": "Runde 3"}))) == {
        key("proposal", p) for p in [*in_23, late]
    }


def test_bulk_status_with_one_answer_posted_per_item(client, login_as, people, make_proposal):
    made = [make_proposal()[0] for _ in range(2)]
    login_as(people["planner"])
    response = client.post(
        BULK,
        data={
            "action": "status",
            "status": "done",
            "answer": "Die Bänke stehen.",
            "selected": [key("proposal", p) for p in made],
        },
    )
    assert response.status_code == 200
    db.session.expire_all()
    for proposal in made:
        assert _item("proposal", proposal).status.key == "done"
        answers = db.session.scalars(
            select(OfficialResponse).where(
                OfficialResponse.target_type == "proposal",
                OfficialResponse.target_id == proposal.id,
            )
        ).all()
        assert [a.body for a in answers] == ["Die Bänke stehen."]
    assert _audits("workflow.status_changed") == 2


def test_one_failing_item_changes_nothing_and_the_page_lists_what_failed(
    client, login_as, people, make_proposal
):
    """A hidden proposal cannot be answered now: the whole bulk change is refused, the
    other proposals keep their status and get no answer."""
    proposals = [make_proposal()[0] for _ in range(2)]
    hidden, _ = make_proposal(state="hidden")
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    login_as(people["planner"])
    response = client.post(
        BULK,
        data={
            "action": "status",
            "status": "done",
            "answer": "Erledigt.",
            "selected": [key("proposal", p) for p in proposals] + [key("proposal", hidden)],
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="bulk-failed"' in html
    assert html.count('class="bulk-failed"') == 1 and html.count('class="bulk-ok"') == 2
    assert f'data-item="proposal-{hidden.id}"' in html
    db.session.expire_all()
    for proposal in proposals:
        assert _item("proposal", proposal).status.key == "new"
    assert db.session.scalar(select(func.count()).select_from(OfficialResponse)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_a_missing_item_in_the_selection_changes_nothing(
    client, login_as, people, make_proposal, offices
):
    proposal, _ = make_proposal()
    login_as(people["planner"])
    response = client.post(
        BULK,
        data={
            "action": "assign",
            "office": offices["urban-planning"].id,
            "selected": [key("proposal", proposal), "proposal-999999", "poem-1"],
        },
    )
    assert response.status_code == 400
    assert response.get_data(as_text=True).count('class="bulk-failed"') == 2
    db.session.expire_all()
    assert _item("proposal", proposal).office_id != offices["urban-planning"].id


def test_an_item_outside_the_persons_scope_is_refused(app, people, make_proposal):
    """The per-item permission of the service: a mayor (who may change the status in their
    council's districts) is refused the item of another council."""
    inside, _ = make_proposal(number="23")
    outside, _ = make_proposal(number="25")
    mayor = people["mayor"]
    with app.test_request_context():
        scope = services.council_district_ids(mayor, everything=False)
        targets = bulk.load([("proposal", inside.id), ("proposal", outside.id)])
        outcomes, ok = bulk.apply(
            mayor, bulk.Action("status", status_key="in_review"), targets, scope
        )
    assert not ok
    assert [o.ok for o in outcomes] == [True, False]
    db.session.rollback()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "status", "status": "done"},  # no selection
        {"action": "status", "selected": ["nonsense"]},
        {"action": "poem", "selected": ["proposal-1"]},
        {"action": "tag", "tag": "", "selected": ["proposal-1"]},
        {"action": "status", "status": "", "selected": ["proposal-1"]},
        {"action": "tag", "tag": "X", "all_matching": "y", "filter": "district=99"},
    ],
)
def test_bad_bulk_input_shows_a_message(client, login_as, people, make_proposal, data):
    make_proposal()
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    login_as(people["planner"])
    response = client.post(BULK, data=data)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits


def test_the_selection_is_capped(client, login_as, people, make_proposal, monkeypatch):
    made = [make_proposal()[0] for _ in range(3)]
    monkeypatch.setattr(bulk, "CAP", 2)
    login_as(people["planner"])
    ticked = client.post(
        BULK, data={"action": "tag", "tag": "X", "selected": [key("proposal", p) for p in made]}
    )
    matching = client.post(
        BULK, data={"action": "tag", "tag": "X", "all_matching": "y", "filter": urlencode({})}
    )
    for response in (ticked, matching):
        assert response.status_code == 400
        assert "at most 2" in response.get_data(as_text=True) or "höchstens 2" in response.text
    db.session.expire_all()
    assert triage.tag_by_name("X") is None


def test_bulk_status_without_answer_tells_each_items_followers(
    client, login_as, people, make_proposal
):
    from app.notifications import services as notifications
    from app.notifications.models import Notification

    made = [make_proposal()[0] for _ in range(2)]
    for proposal in made:
        notifications.follow(people["citizen"], "proposal", proposal.id)
    db.session.commit()
    login_as(people["planner"])
    response = client.post(
        BULK,
        data={
            "action": "status",
            "status": "in_review",
            "selected": [key("proposal", p) for p in made],
        },
    )
    assert response.status_code == 200
    told = db.session.scalars(
        select(Notification.target_id).where(
            Notification.user_id == people["citizen"].id, Notification.kind == "status_changed"
        )
    ).all()
    assert sorted(told) == sorted(p.id for p in made)
