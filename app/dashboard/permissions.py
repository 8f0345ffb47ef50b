"""Permission predicates: the council dashboard."""

from __future__ import annotations

from typing import Any

from ..core.permissions import COUNCIL_ROLES, active, has_council_role, is_admin, is_planner


def can_view_council_dashboard(user: Any, council: Any = None) -> bool:
    """A council's dashboard, CSV export and print view: its mayor and members; planners
    and admins for every council. Without ``council``: whether the person has any."""
    if is_admin(user) or is_planner(user):
        return True
    if council is None:
        return has_council_role(user, COUNCIL_ROLES)
    return active(user) and council.id in user.council_ids(COUNCIL_ROLES)


def can_print_district(user: Any, district: Any = None) -> bool:
    """A district's print view for a council meeting (its open needs and proposals): the
    mayor and members of its council; planners and admins for every district. Without
    ``district``: whether the person may print any."""
    if is_admin(user) or is_planner(user):
        return True
    if district is None:
        return has_council_role(user, COUNCIL_ROLES)
    return (
        active(user)
        and district.council_id is not None
        and district.council_id in user.council_ids(COUNCIL_ROLES)
    )
