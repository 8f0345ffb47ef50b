"""The planners' section of the weekly staff digest (:mod:`app.mail.digests`): open work
items assigned to the person or, unassigned, to their office; overdue first."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from ..core import content_types
from ..core.permissions import PLANNER
from ..extensions import db
from ..mail.digests import StaffSection
from .models import WorkflowStatus, WorkItem
from .services import status_label

LIMIT = 50
ZONE = ZoneInfo("Europe/Berlin")


def open_items(user: Any) -> list[dict[str, Any]]:
    offices = {a.office_id for a in user.roles if a.role == PLANNER and a.office_id is not None}
    mine = WorkItem.assignee_id == user.id
    office = and_(WorkItem.assignee_id.is_(None), WorkItem.office_id.in_(offices))
    items = db.session.scalars(
        select(WorkItem)
        .join(WorkflowStatus, WorkItem.status_id == WorkflowStatus.id)
        .where(WorkflowStatus.closed.is_(False), or_(mine, office) if offices else mine)
        .order_by(WorkItem.due_on.is_(None), WorkItem.due_on, WorkItem.id)
        .limit(LIMIT)
    ).all()
    by_type: dict[str, set[int]] = {}
    for item in items:
        by_type.setdefault(item.target_type, set()).add(item.target_id)
    loaded = {}
    for target_type, ids in by_type.items():
        entry = content_types.get(target_type)
        if entry is not None:
            for target_id, obj in entry.get_many_any(ids).items():
                loaded[(target_type, target_id)] = (entry, obj)
    today = datetime.now(ZONE).date()
    result = []
    for item in items:
        found = loaded.get((item.target_type, item.target_id))
        if found is None:
            continue
        entry, obj = found
        text = status_label(item.status.key)
        if item.due_on is not None:
            when = format_date(item.due_on, "medium")
            if item.due_on < today:
                text += ", " + _("overdue since %(date)s", date=when)
            else:
                text += ", " + _("due on %(date)s", date=when)
        result.append({"title": entry.title(obj), "url": entry.url(obj), "text": text})
    return result


SECTION = StaffSection(
    key="workflow_items",
    title=_l("Your open items in the administration"),
    roles=(PLANNER,),
    loader=open_items,
)
