"""Permission predicates: the workflow. Planners and admins change the status of every
input; mayors and council members that of the inputs in their council's districts (a need
lies in its council's districts). Admins edit the statuses, routing rules and response
targets; planners read them."""

from __future__ import annotations

from typing import Any

from ..core.permissions import COUNCIL_ROLES, active, in_council, is_admin, is_planner
from ..districts.models import District
from ..extensions import db


def can_change_status(user: Any, item: Any) -> bool:
    """``item``: a work item (or anything with a ``district_id``)."""
    if not active(user) or item is None:
        return False
    if is_planner(user) or is_admin(user):
        return True
    district_id = getattr(item, "district_id", None)
    district = db.session.get(District, district_id) if district_id is not None else None
    return in_council(user, district, COUNCIL_ROLES)


def can_assign(user: Any, item: Any = None) -> bool:
    """Offices and people are the administration's: planners and admins."""
    return is_planner(user) or is_admin(user)


def can_read_workflow_settings(user: Any) -> bool:
    return is_planner(user) or is_admin(user)


def can_edit_workflow_settings(user: Any) -> bool:
    return is_admin(user)


def _office_ids(user: Any) -> set[int]:
    roles = getattr(user, "roles", None) or []
    return {r.office_id for r in roles if getattr(r, "office_id", None) is not None}


def can_manage_response_templates(user: Any) -> bool:
    """The response templates page: planners of an office (their office's templates) and
    admins (every office's)."""
    return is_admin(user) or (is_planner(user) and bool(_office_ids(user)))


def can_edit_response_template(user: Any, template: Any) -> bool:
    if not active(user) or template is None:
        return False
    return is_admin(user) or (is_planner(user) and template.office_id in _office_ids(user))
