"""``record_changes``/``record_diff``: set, diff and audit only what changed."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import AuditEntry, record_changes, record_diff
from app.extensions import db
from app.workflow.models import WorkflowStatus


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _status() -> WorkflowStatus:
    return db.session.scalar(select(WorkflowStatus).where(WorkflowStatus.key == "in_review"))


def test_only_the_changed_fields_are_set_and_audited(app, create_user):
    actor = create_user("admin")
    status = _status()
    old_name, position = status.name_en, status.position
    changed = record_changes(
        actor,
        status,
        {"position": position + 7, "name_en": old_name, "colour": "#123456"},
        "test.changed",
        "workflow_status",
        district_id=None,
    )
    assert changed == ["colour", "position"]
    assert status.position == position + 7 and status.colour == "#123456"
    (entry,) = _entries("test.changed")
    assert entry.actor_id == actor.id and entry.target_id == status.id
    assert entry.target_type == "workflow_status"
    assert entry.after == {"colour": "#123456", "position": position + 7}
    assert set(entry.before) == {"colour", "position"}
    assert entry.before["position"] == position


def test_nothing_changed_writes_no_row(app, create_user):
    actor, status = create_user("admin"), _status()
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    same = {"name_de": status.name_de, "active": status.active}
    assert record_changes(actor, status, same, "test.same", "workflow_status") == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_diff_of_snapshots_keeps_its_district(app, create_user, districts):
    district = districts["23"]
    changed = record_diff(
        create_user("admin"),
        "test.diff",
        "thing",
        5,
        {"a": 1, "b": [1, 2], "c": "x"},
        {"a": 1, "b": [2], "c": "y"},
        district_id=district.id,
    )
    assert changed == ["b", "c"]
    (entry,) = _entries("test.diff")
    assert entry.before == {"b": [1, 2], "c": "x"} and entry.after == {"b": [2], "c": "y"}
    assert entry.district_id == district.id
