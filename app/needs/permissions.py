"""Permission predicates: the councils' needs: posting, editing, supporting."""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import can_contribute
from ..core.permissions import COUNCIL_ROLES, active, has_council_role, in_council


def can_post_need(user: Any, district: Any) -> bool:
    return in_council(user, district, COUNCIL_ROLES)


def can_post_needs(user: Any) -> bool:
    """Person level for the "new need" page: mayors and council members."""
    return has_council_role(user, COUNCIL_ROLES)


def can_edit_need(user: Any, need: Any) -> bool:
    """The need's council (mayor and members) keeps it up to date; also its status."""
    return need is not None and active(user) and need.council_id in user.council_ids(COUNCIL_ROLES)


def can_support_need(user: Any, need: Any = None) -> bool:
    """Person level without ``need``; with it: visible, not one's own."""
    if not can_contribute(user):
        return False
    if need is None:
        return True
    return need.author_id != user.id and need.moderation_state == "visible"
