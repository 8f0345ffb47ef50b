"""Permission predicates: who moderates what: the district's council, planners and admins;
never one's own content."""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import can_contribute
from ..core.permissions import (
    COUNCIL_ROLES,
    active,
    has_council_role,
    in_council,
    is_admin,
    is_planner,
)


def can_moderate(user: Any, district: Any) -> bool:
    """Planners and admins everywhere; a council's mayor and members in its districts."""
    if is_admin(user) or is_planner(user):
        return True
    return in_council(user, district, COUNCIL_ROLES)


def can_moderate_content(user: Any, district: Any, author_id: int | None) -> bool:
    """Moderation of one item: never one's own content."""
    if active(user) and author_id is not None and author_id == user.id:
        return False
    return can_moderate(user, district)


def can_moderate_somewhere(user: Any) -> bool:
    """The moderation queue: planners, admins and every mayor or council member."""
    return is_admin(user) or is_planner(user) or has_council_role(user, COUNCIL_ROLES)


def can_see_moderated(user: Any, district: Any, author_id: int | None) -> bool:
    """See a hidden or pending item: its author (with the reason) and its moderators."""
    if active(user) and author_id is not None and author_id == user.id:
        return True
    return can_moderate(user, district)


def can_flag(user: Any, author_id: int | None = None) -> bool:
    """Report content to the moderators: contributors, not on their own content."""
    if not can_contribute(user):
        return False
    return author_id is None or author_id != user.id
