"""Permission predicates: the legal and Leichte-Sprache pages (everyone), the accessibility
feedback (everyone sends it, admins read it)."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_admin


def can_send_accessibility_feedback(user: Any) -> bool:
    """Anyone, logged in or not: a barrier may be the very login form."""
    return True


def can_read_accessibility_feedback(user: Any) -> bool:
    return is_admin(user)
