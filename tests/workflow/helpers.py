"""Test set-up for other domains' tests: put an input into a workflow status directly (no
rules checked; the rules themselves are tested in tests/workflow)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.workflow import services as workflow


def put_status(target_type: str, obj: Any, key: str) -> None:
    item = workflow.item_for(target_type, obj.id) or workflow.open_item(None, target_type, obj)
    status = workflow.status_by_key(key)
    assert status is not None, key
    item.status = status
    db.session.flush()
    db.session.expire(obj, ["work_item"])
