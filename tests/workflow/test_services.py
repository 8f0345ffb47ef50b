"""The workflow's rules: seeding, opening items on creation, routing, due dates, status
changes with their history and audit, closing and duplicate rules, immutable history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.core.time import as_utc
from app.extensions import db
from app.needs import services as needs
from app.responses import services as responses
from app.responses.targets import get_respondable
from app.workflow import response_templates as templates
from app.workflow import services as workflow
from app.workflow.models import (
    STATUS_KEYS,
    HistoryIsImmutable,
    RoutingRule,
    StatusChange,
    WorkflowStatus,
    WorkItem,
)


def _history(item: WorkItem) -> list[tuple[str | None, str]]:
    keys = dict(db.session.execute(select(WorkflowStatus.id, WorkflowStatus.key)).all())
    rows = db.session.scalars(
        select(StatusChange).where(StatusChange.work_item_id == item.id).order_by(StatusChange.id)
    )
    return [(keys.get(r.from_status_id), keys[r.to_status_id]) for r in rows]


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _answer(app, actor, target_type: str, obj) -> int:
    with app.test_request_context():
        response = responses.respond(actor, get_respondable(target_type), obj, "Wir prüfen das.")
    db.session.commit()
    return response.id


# --- statuses --------------------------------------------------------------------------------


def test_statuses_are_seeded_once(app):
    assert workflow.load_statuses() == 0  # the session's seed made them
    rows = db.session.scalars(select(WorkflowStatus).order_by(WorkflowStatus.position)).all()
    assert tuple(s.key for s in rows) == STATUS_KEYS
    closed = {s.key for s in rows if s.closed}
    assert closed == {"done", "declined", "duplicate", "not_responsible", "merged_into_measure"}
    names = {s.key: s.name_de for s in rows}
    assert names["in_review"] == "In Prüfung" and names["merged_into_measure"] == (
        "In Maßnahme übernommen"
    )
    db.session.execute(WorkflowStatus.__table__.delete().where(WorkflowStatus.key == "planned"))
    workflow._forget_statuses()
    assert workflow.load_statuses() == 1
    assert db.session.scalar(select(func.count(WorkflowStatus.id))) == len(STATUS_KEYS)


# --- opening on creation -----------------------------------------------------------------------


def test_every_tracked_input_gets_its_item_on_creation(
    people, proposal_factory, make_need, make_report, categories, districts
):
    proposal = proposal_factory(people["author"], category="mobility")
    need = make_need(people["council_member"])
    report = make_report(people["citizen"])
    for target_type, obj, category_id in (
        ("proposal", proposal, categories["mobility"].id),
        ("need", need, categories["children-youth"].id),
        ("barrier_report", report, None),
    ):
        item = workflow.item_for(target_type, obj.id)
        assert item is not None, target_type
        assert item.status.key == "new" and obj.status == "new"
        assert item.district_id == districts["23"].id
        assert item.category_id == category_id
        assert as_utc(item.created_at) == as_utc(obj.created_at)
        assert item.closed_at is None and item.first_response_at is None
        assert _history(item) == [(None, "new")]
    assert set(workflow.items_for("proposal", [proposal.id, 999_999])) == {proposal.id}


def test_due_date_from_the_category_target_or_the_default(
    app, people, proposal_factory, categories
):
    workflow.save_target(people["admin"], categories["mobility"].id, 10)
    db.session.commit()
    fast = proposal_factory(category="mobility")
    slow = proposal_factory(category="housing")
    fast_item = workflow.item_for("proposal", fast.id)
    slow_item = workflow.item_for("proposal", slow.id)
    assert fast_item.due_on == as_utc(fast.created_at).date() + timedelta(days=10)
    assert slow_item.due_on == as_utc(slow.created_at).date() + timedelta(days=30)
    app.config["WORKFLOW_DEFAULT_RESPONSE_DAYS"] = 14
    try:
        other = proposal_factory(category="housing")
    finally:
        app.config["WORKFLOW_DEFAULT_RESPONSE_DAYS"] = 30
    assert workflow.item_for("proposal", other.id).due_on == as_utc(
        other.created_at
    ).date() + timedelta(days=14)


# --- routing -----------------------------------------------------------------------------------


def _rule(admin, office, *, target_type=None, category=None, district=None):
    return workflow.save_rule(
        admin,
        None,
        target_type=target_type,
        category_id=getattr(category, "id", None),
        district_id=getattr(district, "id", None),
        office_id=office.id,
    )


def test_routing_the_most_specific_rule_wins(
    people, offices, categories, districts, proposal_factory, make_need, make_report
):
    admin = people["admin"]
    a, b, c, d, e = list(offices.values())[:5]
    mobility, d23 = categories["mobility"], districts["23"]
    _rule(admin, a, target_type="proposal")
    _rule(admin, b, district=d23)
    _rule(admin, c, category=mobility)
    _rule(admin, d, category=mobility, district=d23)
    _rule(admin, e)  # any type, category, district
    db.session.commit()

    def office_of(target_type, obj):
        return workflow.item_for(target_type, obj.id).office_id

    # district + category > category > district > type only > catch-all
    assert office_of("proposal", proposal_factory(category="mobility", number="23")) == d.id
    assert office_of("proposal", proposal_factory(category="mobility", number="25")) == c.id
    assert office_of("proposal", proposal_factory(category="housing", number="23")) == b.id
    assert office_of("proposal", proposal_factory(category="housing", number="25")) == a.id
    # the type-only rule is for proposals; a report of 23 without category: the district rule
    assert office_of("barrier_report", make_report(number="23")) == b.id
    # a need elsewhere: nothing specific, the catch-all
    need = make_need(number="15", category="housing")
    assert office_of("need", need) == e.id
    # the same rule for the type beats the one for any type
    _rule(admin, a, target_type="need", district=districts["15"])
    db.session.commit()
    assert office_of("need", make_need(number="15", category="housing", title="Zwei")) == a.id
    assert _audit("workflow.rule_saved")


def test_one_rule_per_combination(people, offices, categories):
    admin, office = people["admin"], offices["social-planning"]
    _rule(admin, office, category=categories["health"])
    with pytest.raises(workflow.WorkflowError):
        _rule(admin, office, category=categories["health"])
    assert db.session.scalar(select(func.count(RoutingRule.id))) == 1


def test_saving_and_deleting_settings_is_audited_with_the_whole_row(people, offices, categories):
    admin, office, other = people["admin"], offices["social-planning"], offices["urban-planning"]
    rule = _rule(admin, office, target_type="need", category=categories["health"])
    snapshot = {
        "target_type": "need",
        "category_id": categories["health"].id,
        "district_id": None,
        "office_id": office.id,
    }
    (made,) = _audit("workflow.rule_saved")
    assert (made.target_type, made.target_id) == ("workflow_routing_rule", rule.id)
    assert made.before is None and made.after == snapshot
    workflow.save_rule(
        admin, rule, target_type="need", category_id=None, district_id=None, office_id=other.id
    )
    edited = _audit("workflow.rule_saved")[1]
    assert edited.before == snapshot
    assert edited.after == {**snapshot, "category_id": None, "office_id": other.id}
    rule_id = rule.id
    workflow.delete_rule(admin, rule)
    (deleted,) = _audit("workflow.rule_deleted")
    assert deleted.target_id == rule_id and deleted.before == edited.after
    assert db.session.get(RoutingRule, rule_id) is None
    target = workflow.save_target(admin, categories["health"].id, 14)
    workflow.delete_target(admin, target)
    (gone,) = _audit("workflow.target_deleted")
    assert gone.before == {"category_id": categories["health"].id, "days": 14}
    assert gone.target_type == "workflow_response_target"


def test_response_templates_are_audited_with_the_whole_row(people, offices):
    admin, office = people["admin"], offices["social-planning"]
    made = templates.save_template(
        admin, None, office_id=office.id, title="Erledigt", body="Fertig.", status_key="done"
    )
    snapshot = {"office_id": office.id, "title": "Erledigt", "body": "Fertig.", "status": "done"}
    assert made.office.id == office.id
    (saved,) = _audit("workflow.template_saved")
    assert saved.target_type == "workflow_response_template" and saved.target_id == made.id
    assert saved.before is None and saved.after == snapshot
    templates.save_template(
        admin, made, office_id=office.id, title="Erledigt", body="Fertig.", status_key=None
    )
    assert _audit("workflow.template_saved")[1].before == snapshot
    assert _audit("workflow.template_saved")[1].after == {**snapshot, "status": None}
    made_id = made.id
    templates.delete_template(admin, made)
    (deleted,) = _audit("workflow.template_deleted")
    assert deleted.target_id == made_id and deleted.before == {**snapshot, "status": None}


# --- status changes ----------------------------------------------------------------------------


def test_change_status_writes_history_and_audit(people, proposal_factory, offices):
    proposal = proposal_factory(people["author"])
    item = workflow.item_for("proposal", proposal.id)
    workflow.assign(people["planner"], item, offices["social-planning"])
    change = workflow.change_status(people["planner"], item, "in_review")
    db.session.commit()
    assert change.actor_id == people["planner"].id
    assert change.office_id == offices["social-planning"].id
    assert item.status.key == "in_review" and proposal.status == "in_review"
    assert item.first_response_at is not None and item.closed_at is None
    assert _history(item) == [(None, "new"), ("new", "in_review")]
    (entry,) = _audit("workflow.status_changed")
    assert (entry.target_type, entry.target_id, entry.actor_id) == (
        "proposal",
        proposal.id,
        people["planner"].id,
    )
    assert entry.before == {"status": "new"} and entry.after["status"] == "in_review"
    assert entry.district_id == proposal.district_id
    (assigned,) = _audit("workflow.assigned")
    assert assigned.after["office_id"] == offices["social-planning"].id
    # the same status again changes nothing
    assert workflow.change_status(people["planner"], item, "in_review") is None
    assert len(_history(item)) == 2


def test_closing_needs_a_public_answer(app, people, proposal_factory):
    proposal = proposal_factory(people["author"])
    item = workflow.item_for("proposal", proposal.id)
    for key in ("done", "declined", "not_responsible", "merged_into_measure"):
        with pytest.raises(workflow.WorkflowError):
            workflow.change_status(people["planner"], item, key)
    assert item.status.key == "new" and len(_history(item)) == 1
    assert _audit("workflow.status_changed") == []
    response_id = _answer(app, people["planner"], "proposal", proposal)
    db.session.refresh(item)
    first_answer = item.first_response_at
    assert first_answer is not None  # the answer counts as the first response
    change = workflow.change_status(people["planner"], item, "done", response_id=response_id)
    db.session.commit()
    assert change.response_id == response_id
    assert item.closed_at is not None and item.first_response_at == first_answer
    # reopening clears closed_at
    workflow.change_status(people["planner"], item, "in_implementation")
    assert item.closed_at is None


def test_duplicate_rules(people, proposal_factory):
    original = workflow.item_for("proposal", proposal_factory(title="Original").id)
    copy = workflow.item_for("proposal", proposal_factory(title="Kopie").id)
    third = workflow.item_for("proposal", proposal_factory(title="Dritte").id)
    planner = people["planner"]
    for duplicate_of in (None, copy):  # missing, itself
        with pytest.raises(workflow.WorkflowError):
            workflow.change_status(planner, copy, "duplicate", duplicate_of=duplicate_of)
    assert copy.status.key == "new" and len(_history(copy)) == 1
    workflow.change_status(planner, copy, "duplicate", duplicate_of=original)
    assert copy.duplicate_of_id == original.id and copy.closed_at is not None
    with pytest.raises(workflow.WorkflowError):  # of a duplicate
        workflow.change_status(planner, third, "duplicate", duplicate_of=copy)
    assert third.status.key == "new"


def test_unknown_or_inactive_status_refused(people, proposal_factory):
    item = workflow.item_for("proposal", proposal_factory().id)
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(people["planner"], item, "accepted")
    planned = workflow.status_by_key("planned")
    planned.active = False
    db.session.flush()
    with pytest.raises(workflow.WorkflowError):
        workflow.change_status(people["planner"], item, "planned")


def test_history_is_immutable(people, proposal_factory):
    item = workflow.item_for("proposal", proposal_factory().id)
    (row,) = db.session.scalars(select(StatusChange).where(StatusChange.work_item_id == item.id))
    row.to_status_id = workflow.status_by_key("done").id
    with pytest.raises(HistoryIsImmutable):
        db.session.flush()
    db.session.rollback()
    (row,) = db.session.scalars(select(StatusChange).where(StatusChange.work_item_id == item.id))
    db.session.delete(row)
    with pytest.raises(HistoryIsImmutable):
        db.session.flush()
    db.session.rollback()


def test_assign_checks_the_person_is_in_the_office(people, proposal_factory, offices):
    item = workflow.item_for("proposal", proposal_factory().id)
    planner = people["planner"]  # works in social-planning
    other = next(o for slug, o in offices.items() if slug != "social-planning")
    with pytest.raises(workflow.WorkflowError):
        workflow.assign(people["admin"], item, other, planner)
    assert workflow.assign(people["admin"], item, offices["social-planning"], planner)
    assert (item.office_id, item.assignee_id) == (offices["social-planning"].id, planner.id)
    assert not workflow.assign(people["admin"], item, offices["social-planning"], planner)


def test_timeline_has_time_and_public_name_only(app, people, proposal_factory):
    proposal = proposal_factory()
    item = workflow.item_for("proposal", proposal.id)
    workflow.change_status(people["planner"], item, "in_review")
    with app.test_request_context():
        entries = workflow.timeline("proposal", proposal.id)
    assert [e.status for e in entries] == ["Neu", "In Prüfung"]
    assert set(vars(entries[0])) == {"at", "status", "key", "colour", "response_id"}


def test_council_closes_a_need_after_answering_it(app, client, login, create_user, make_need):
    mayor = create_user("mayor", council="23")
    need = make_need(mayor)
    item = workflow.item_for("need", need.id)
    with pytest.raises(needs.NeedError):  # no public answer yet
        needs.set_status(mayor, need, "done")
    assert item.status.key == "new" and len(_history(item)) == 1
    with app.test_request_context():
        answer = responses.respond(mayor, get_respondable("need"), need, "Der Raum ist da.")
    db.session.commit()
    needs.set_status(mayor, need, "done")
    db.session.commit()
    last = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.work_item_id == item.id)
        .order_by(StatusChange.id.desc())
    ).first()
    assert last.response_id == answer.id and need.status == "done"
