"""Permission predicates: measures. Everyone sees every measure; planners create measures
and edit those of their office(s), admins all; following and commenting need an account
that may take part."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..accounts.permissions import can_contribute
from ..core.permissions import is_admin, is_planner
from ..extensions import db
from .models import MeasureOffice


def can_see_measures(user: Any) -> bool:
    """The public pages, the API and the exports: everyone."""
    return True


def can_manage_measures(user: Any) -> bool:
    """The back office's measure pages, creating and importing: planners and admins."""
    return is_planner(user) or is_admin(user)


def can_edit_measure(user: Any, measure: Any, office_ids: set[int] | None = None) -> bool:
    """Admins: every measure; planners: the measures of their office(s). ``office_ids``: the
    measure's offices (read by the caller, so a list needs no query per row)."""
    if is_admin(user):
        return True
    if not is_planner(user) or measure is None:
        return False
    if office_ids is None:
        office_ids = set(
            db.session.scalars(
                select(MeasureOffice.office_id).where(MeasureOffice.measure_id == measure.id)
            )
        )
    own = {r.office_id for r in user.roles if r.role == "planner" and r.office_id is not None}
    return bool(own & set(office_ids))


def can_comment_measure(user: Any, measure: Any = None) -> bool:
    return can_contribute(user)
