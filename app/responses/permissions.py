"""Permission predicates: official responses: mayors for their council's districts, planners
for their office."""

from __future__ import annotations

from typing import Any

from ..core.permissions import MAYOR, active, has_council_role, in_council, is_planner


def can_respond_officially(user: Any, district: Any) -> bool:
    """Planners answer for their office anywhere; a mayor for the council's districts."""
    return is_planner(user) or in_council(user, district, (MAYOR,))


def can_give_official_responses(user: Any) -> bool:
    """Person level: planners (for their office) and mayors (for their council)."""
    return is_planner(user) or has_council_role(user, (MAYOR,))


def can_edit_official_response(user: Any, response: Any) -> bool:
    return active(user) and response is not None and response.author_id == user.id
