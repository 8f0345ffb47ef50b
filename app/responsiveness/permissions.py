"""Permission predicates: the responsiveness figures. The back office's figures page is
for planners and admins; the public page is for everyone (``public``)."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_admin, is_planner


def can_view_figures(user: Any) -> bool:
    return is_planner(user) or is_admin(user)
