"""Permission predicates: indicators and the social index."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_admin, is_planner


def can_manage_indicators(user: Any) -> bool:
    """Import figures, roll imports back, edit the catalogue and the index definition."""
    return is_planner(user) or is_admin(user)


def can_link_inputs(user: Any) -> bool:
    """Link a proposal, need or barrier report to an indicator."""
    return is_planner(user) or is_admin(user)
