"""Permission predicates: who may manage roles, their own account, and contribute at all."""

from __future__ import annotations

from typing import Any

from ..core.permissions import active, is_admin


def can_manage_roles(user: Any) -> bool:
    return is_admin(user)


def can_manage_own_account(user: Any) -> bool:
    """Export one's data, delete one's account, change settings."""
    return active(user)


def can_contribute(user: Any) -> bool:
    """Post proposals, comments, reports: a signed-in person with a confirmed address."""
    return active(user) and user.email_confirmed
