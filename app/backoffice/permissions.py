"""Permission predicates: the back office. Planners and admins work in the inbox (all
inputs, all actions, exports); mayors and council members read it, scoped to their
council's districts, without any action."""

from __future__ import annotations

from typing import Any

from ..core.permissions import COUNCIL_ROLES, active, has_council_role, is_admin, is_planner


def can_use_inbox(user: Any) -> bool:
    """The whole inbox with its actions and exports: planners and admins."""
    return is_planner(user) or is_admin(user)


def can_read_council_inbox(user: Any) -> bool:
    """The read-only inbox of the council's districts: mayors and council members."""
    return has_council_role(user, COUNCIL_ROLES)


def can_see_inbox(user: Any) -> bool:
    return can_use_inbox(user) or can_read_council_inbox(user)


def can_see_inbox_item(user: Any, item: Any, council_district_ids: set[int] | None) -> bool:
    """``item``: a work item; ``council_district_ids``: the districts of the person's
    councils (``None`` for planners and admins, who see everything)."""
    if not active(user) or item is None:
        return False
    if can_use_inbox(user):
        return True
    return bool(council_district_ids) and item.district_id in council_district_ids


def can_tag(user: Any) -> bool:
    """Tags are the administration's: planners and admins."""
    return can_use_inbox(user)


def can_add_note(user: Any, item: Any, council_district_ids: set[int] | None) -> bool:
    """Internal notes: planners, admins, and the mayors and council members of the item's
    district (the read-only council inbox may add notes)."""
    return can_see_inbox_item(user, item, council_district_ids)
