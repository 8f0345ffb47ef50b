"""The workflow's admin pages: statuses, routing rules, response targets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.extensions import db
from app.workflow import services as workflow
from app.workflow.models import ResponseTarget, RoutingRule, WorkflowStatus
from tests.conftest import PASSWORD

STATUSES = "/verwaltung/status/"
ASSIGNMENT = "/verwaltung/zuweisung/"


def _status(key: str) -> WorkflowStatus:
    return db.session.scalar(select(WorkflowStatus).where(WorkflowStatus.key == key))


def _status_data(**changes) -> dict:
    data = {
        "name_de": "Wird geprüft",
        "name_en": "Being checked",
        "colour": "#6a4c93",
        "position": "20",
        "active": "y",
    }
    data.update(changes)
    return data


def test_who_may_see_and_edit(client, people, login_as):
    url = f"/verwaltung/status/{_status('in_review').id}"
    for name, read, edit in (
        ("citizen", 403, 403),
        ("mayor", 403, 403),
        ("planner", 200, 403),
        ("admin", 200, 200),
    ):
        login_as(people[name])
        assert client.get(STATUSES).status_code == read, name
        assert client.get(ASSIGNMENT).status_code == read, name
        assert client.get(url).status_code == edit, name
        assert client.post(ASSIGNMENT + "regeln", data={}).status_code in (
            (403,) if edit == 403 else (400,)
        ), name
    login_as(None)
    assert client.get(STATUSES).status_code == 302  # to the login page


def test_planner_reads_without_edit_links(client, people, login_as):
    login_as(people["planner"])
    page = client.get(STATUSES).get_data(as_text=True)
    assert "In Prüfung" in page and "/verwaltung/status/" in page
    assert f'href="/verwaltung/status/{_status("in_review").id}"' not in page
    assert 'id="rule-form"' not in client.get(ASSIGNMENT).get_data(as_text=True)


def test_edit_status_with_bad_input_keeps_it(client, people, login_as, proposal_factory):
    status = _status("in_review")
    url = f"/verwaltung/status/{status.id}"
    login_as(people["admin"])
    response = client.post(url, data=_status_data(colour="blue", name_de="Wird geprüft"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "error-summary" in page and "#rrggbb" in page
    assert 'value="Wird geprüft"' in page and 'value="blue"' in page
    response = client.post(url, data=_status_data(position="-1"))
    assert response.status_code == 400
    db.session.refresh(status)
    assert status.name_de == "In Prüfung"

    response = client.post(url, data=_status_data())
    assert response.status_code == 302
    db.session.refresh(status)
    assert (status.name_de, status.name_en, status.key, status.closed) == (
        "Wird geprüft",
        "Being checked",
        "in_review",
        False,
    )
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "workflow.status_edited")
    )
    assert entry.actor_id == people["admin"].id
    assert entry.after == {"name_de": "Wird geprüft", "name_en": "Being checked"}
    # the public page shows the new public name
    proposal = proposal_factory()
    item = workflow.item_for("proposal", proposal.id)
    workflow.change_status(people["planner"], item, "in_review")
    db.session.commit()
    assert "Wird geprüft" in client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)


def test_the_new_status_stays_offered(client, people, login_as):
    login_as(people["admin"])
    new = _status("new")
    response = client.post(f"/verwaltung/status/{new.id}", data=_status_data(active=""))
    assert response.status_code == 400
    # The service's refusal is shown at the field it names, with the text typed kept.
    page = response.get_data(as_text=True)
    assert 'id="active-error"' in page and 'value="Being checked"' in page
    db.session.refresh(new)
    assert new.active


def test_rules_add_edit_delete(client, people, login_as, categories, districts):
    login_as(people["admin"])
    offices = workflow.db.session.execute(select(db.metadata.tables["offices"].c.id)).scalars()
    first, second = list(offices)[:2]
    data = {
        "rule-target_type": "proposal",
        "rule-category": str(categories["mobility"].id),
        "rule-district": str(districts["23"].id),
        "rule-office": "",
    }
    response = client.post(ASSIGNMENT + "regeln", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "error-summary" in page and f'<option selected value="{districts["23"].id}"' in page
    data["rule-office"] = str(first)
    assert client.post(ASSIGNMENT + "regeln", data=data).status_code == 302
    assert client.post(ASSIGNMENT + "regeln", data=data).status_code == 400  # exists already
    rule = db.session.scalar(select(RoutingRule))
    assert (rule.target_type, rule.category_id, rule.office_id) == (
        "proposal",
        categories["mobility"].id,
        first,
    )
    edit = f"{ASSIGNMENT}regeln/{rule.id}"
    page = client.get(edit).get_data(as_text=True)
    assert f'<option selected value="{first}"' in page
    assert client.post(edit, data={**data, "rule-office": str(second)}).status_code == 302
    db.session.refresh(rule)
    assert rule.office_id == second
    assert client.post(f"{edit}/loeschen").status_code == 302
    assert db.session.scalar(select(func.count(RoutingRule.id))) == 0
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"workflow.rule_saved", "workflow.rule_deleted"} <= actions


def test_targets_set_and_delete(client, people, login_as, categories):
    login_as(people["admin"])
    category = categories["health"].id
    response = client.post(
        ASSIGNMENT + "ziele", data={"target-category": str(category), "target-days": "0"}
    )
    assert response.status_code == 400 and 'value="0"' in response.get_data(as_text=True)
    for days in ("12", "9"):
        response = client.post(
            ASSIGNMENT + "ziele", data={"target-category": str(category), "target-days": days}
        )
        assert response.status_code == 302
    target = db.session.scalar(select(ResponseTarget))
    assert (target.category_id, target.days) == (category, 9)
    assert "Gesundheit" in client.get(ASSIGNMENT).get_data(as_text=True)
    assert client.post(f"{ASSIGNMENT}ziele/{target.id}/loeschen").status_code == 302
    assert db.session.scalar(select(func.count(ResponseTarget.id))) == 0


class TestCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_posts_need_the_token(self, client, people):
        page = client.get("/anmelden").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post(
            "/anmelden",
            data={"email": people["admin"].email, "password": PASSWORD, "csrf_token": token},
        )
        status = _status("in_review")
        url = f"/verwaltung/status/{status.id}"
        assert client.post(url, data=_status_data()).status_code == 400
        db.session.refresh(status)
        assert status.name_de == "In Prüfung"
        form = client.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        assert client.post(url, data={**_status_data(), "csrf_token": token}).status_code == 302
