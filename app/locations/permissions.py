"""Permission predicates: location scenarios. The back office's pages are for planners and
admins; a planner edits the scenarios of their office(s) and their own, admins every one. The
read-only share page needs no login: the unguessable token is the permission."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_admin, is_planner


def can_manage_locations(user: Any) -> bool:
    """The list, results, comparison, exports: planners and admins."""
    return is_planner(user) or is_admin(user)


def can_edit_scenario(user: Any, scenario: Any) -> bool:
    """Editing, deciding, share links: admins; planners of the scenario's office, its author."""
    if is_admin(user):
        return True
    if not is_planner(user) or scenario is None:
        return False
    if scenario.created_by_id is not None and scenario.created_by_id == user.id:
        return True
    own = {r.office_id for r in user.roles if r.role == "planner" and r.office_id is not None}
    return scenario.office_id in own


def can_open_shared_scenario(user: Any) -> bool:
    """The share page: everyone who has the link (checked against the token)."""
    return True
