"""Permission predicates: the offers catalogue and access-barrier reports (personal details:
planners and admins)."""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import can_contribute
from ..core.permissions import active, is_admin, is_planner
from ..moderation.visibility import can_see


def can_manage_offers(user: Any) -> bool:
    """Maintain the offers catalogue (create, edit, deactivate, CSV import)."""
    return is_planner(user) or is_admin(user)


def can_report_barrier(user: Any) -> bool:
    return can_contribute(user)


def can_view_barrier_details(user: Any) -> bool:
    """See personal details of affected people individually (and export them)."""
    return is_planner(user) or is_admin(user)


def can_view_barrier_report(user: Any, report: Any) -> bool:
    """Public reports: everyone. Others: the reporter, planners and admins. A public report
    hidden by the moderation (or pending): its reporter and its moderators."""
    if report.visibility == "public" and report.moderation_state != "visible":
        return can_see(user, "barrier_report", report)
    if report.is_public:
        return True
    if can_view_barrier_details(user):
        return True
    return active(user) and report.author_id is not None and report.author_id == user.id


def can_add_affected(user: Any, report: Any) -> bool:
    """Say "this affects me too": contributors, on public reports the moderation has not
    hidden."""
    return can_contribute(user) and report.is_public and report.moderation_state == "visible"


def can_read_barrier_types(user: Any) -> bool:
    """See the barrier types' settings (names, order, offered): planners and admins."""
    return is_planner(user) or is_admin(user)


def can_edit_barrier_types(user: Any) -> bool:
    """Edit the barrier types' names, order and whether they are offered: admins, like the
    other data labels (workflow statuses)."""
    return is_admin(user)
