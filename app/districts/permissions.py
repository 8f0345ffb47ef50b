"""Permission predicates: districts and councils: managing them, council settings, the audit
log's scope."""

from __future__ import annotations

from typing import Any

from ..core.permissions import COUNCIL_ROLES, MAYOR, active, is_admin, is_planner
from ..extensions import db
from .models import District


def can_manage_districts(user: Any) -> bool:
    return is_admin(user)


def can_configure_council(user: Any, council: Any = None) -> bool:
    """Council settings (pre-moderation): the council's mayor, and admins."""
    if is_admin(user):
        return True
    if not active(user):
        return False
    mayor_of = user.council_ids((MAYOR,))
    return bool(mayor_of) if council is None else council.id in mayor_of


def can_read_audit_log(user: Any) -> bool:
    """Planners and admins read everything; mayors and council members their districts'."""
    return (
        is_admin(user) or is_planner(user) or bool(active(user) and user.council_ids(COUNCIL_ROLES))
    )


def audit_scope(user: Any) -> set[int] | None:
    """District ids whose audit entries ``user`` may read; ``None`` means all entries."""
    if is_admin(user) or is_planner(user):
        return None
    if not active(user):
        return set()
    council_ids = user.council_ids(COUNCIL_ROLES)
    if not council_ids:
        return set()
    return set(
        db.session.scalars(db.select(District.id).where(District.council_id.in_(council_ids)))
    )
