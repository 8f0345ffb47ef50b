"""Named permission predicates: the one place that decides who may do what.

Routes, templates and the API all ask these functions; none of them checks roles
itself. Every view is wrapped in :func:`requires` (or :func:`public`) so that a test
can prove no route goes unchecked; object-level checks call :func:`authorize` with
a predicate once the object is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import abort
from flask_login import current_user

if TYPE_CHECKING:  # pragma: no cover
    from ..districts.models import District

ADMIN = "admin"
PLANNER = "planner"
MAYOR = "mayor"
COUNCIL_MEMBER = "council_member"
COUNCIL_ROLES = (MAYOR, COUNCIL_MEMBER)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _has(user: Any, role: str) -> bool:
    return _active(user) and user.has_role(role)


def _in_council(user: Any, district: District | None, roles: tuple[str, ...]) -> bool:
    if district is None or district.council_id is None or not _active(user):
        return False
    return district.council_id in user.council_ids(roles)


# --- predicates without an object -------------------------------------------------------


def is_anyone(user: Any) -> bool:
    """Public pages and APIs: everyone, logged in or not."""
    return True


def is_signed_in(user: Any) -> bool:
    return _active(user)


def is_admin(user: Any) -> bool:
    return _has(user, ADMIN)


def is_planner(user: Any) -> bool:
    return _has(user, PLANNER)


def can_manage_roles(user: Any) -> bool:
    return is_admin(user)


def can_manage_districts(user: Any) -> bool:
    return is_admin(user)


def can_manage_own_account(user: Any) -> bool:
    """Export one's data, delete one's account, change settings."""
    return _active(user)


def can_contribute(user: Any) -> bool:
    """Post proposals, comments, reports: a signed-in person with a confirmed address."""
    return _active(user) and user.email_confirmed


# --- predicates about a district --------------------------------------------------------


def can_moderate(user: Any, district: District | None) -> bool:
    """Planners and admins everywhere; a council's mayor and members in its districts."""
    if is_admin(user) or is_planner(user):
        return True
    return _in_council(user, district, COUNCIL_ROLES)


def can_post_need(user: Any, district: District | None) -> bool:
    return _in_council(user, district, COUNCIL_ROLES)


def can_respond_officially(user: Any, district: District | None) -> bool:
    """Planners answer for their office anywhere; a mayor for the council's districts."""
    return is_planner(user) or _in_council(user, district, (MAYOR,))


def can_moderate_content(user: Any, district: District | None, author_id: int | None) -> bool:
    """Moderation of one item: never one's own content."""
    if _active(user) and author_id is not None and author_id == user.id:
        return False
    return can_moderate(user, district)


def can_moderate_somewhere(user: Any) -> bool:
    """The moderation queue: planners, admins and every mayor or council member."""
    return is_admin(user) or is_planner(user) or _has_council_role(user, COUNCIL_ROLES)


def can_see_moderated(user: Any, district: District | None, author_id: int | None) -> bool:
    """See a hidden or pending item: its author (with the reason) and its moderators."""
    if _active(user) and author_id is not None and author_id == user.id:
        return True
    return can_moderate(user, district)


def can_flag(user: Any, author_id: int | None = None) -> bool:
    """Report content to the moderators: contributors, not on their own content."""
    if not can_contribute(user):
        return False
    return author_id is None or author_id != user.id


def can_configure_council(user: Any, council: Any = None) -> bool:
    """Council settings (pre-moderation): the council's mayor, and admins."""
    if is_admin(user):
        return True
    if not _active(user):
        return False
    mayor_of = user.council_ids((MAYOR,))
    return bool(mayor_of) if council is None else council.id in mayor_of


# --- district councils: needs, dashboard, official responses (issue 4) --------------------


def _has_council_role(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(_active(user) and user.council_ids(roles))


def can_post_needs(user: Any) -> bool:
    """Person level for the "new need" page: mayors and council members."""
    return _has_council_role(user, COUNCIL_ROLES)


def can_edit_need(user: Any, need: Any) -> bool:
    """The need's council (mayor and members) keeps it up to date; also its status."""
    return need is not None and _active(user) and need.council_id in user.council_ids(COUNCIL_ROLES)


def can_support_need(user: Any, need: Any = None) -> bool:
    """Person level without ``need``; with it: visible, not one's own."""
    if not can_contribute(user):
        return False
    if need is None:
        return True
    return need.author_id != user.id and need.moderation_state == "visible"


def can_give_official_responses(user: Any) -> bool:
    """Person level: planners (for their office) and mayors (for their council)."""
    return is_planner(user) or _has_council_role(user, (MAYOR,))


def can_edit_official_response(user: Any, response: Any) -> bool:
    return _active(user) and response is not None and response.author_id == user.id


def can_view_council_dashboard(user: Any, council: Any = None) -> bool:
    """A council's dashboard, CSV export and print view: its mayor and members; planners
    and admins for every council. Without ``council``: whether the person has any."""
    if is_admin(user) or is_planner(user):
        return True
    if council is None:
        return _has_council_role(user, COUNCIL_ROLES)
    return _active(user) and council.id in user.council_ids(COUNCIL_ROLES)


# --- barriers (offers catalogue, access-barrier reports) -------------------------------


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
        from ..moderation.visibility import can_see

        return can_see(user, "barrier_report", report)
    if report.is_public:
        return True
    if can_view_barrier_details(user):
        return True
    return _active(user) and report.author_id is not None and report.author_id == user.id


def can_add_affected(user: Any, report: Any) -> bool:
    """Say "this affects me too": contributors, on public reports the moderation has not
    hidden."""
    return can_contribute(user) and report.is_public and report.moderation_state == "visible"


# --- audit log ------------------------------------------------------------------------


def can_read_audit_log(user: Any) -> bool:
    """Planners and admins read everything; mayors and council members their districts'."""
    return (
        is_admin(user)
        or is_planner(user)
        or bool(_active(user) and user.council_ids(COUNCIL_ROLES))
    )


def audit_scope(user: Any) -> set[int] | None:
    """District ids whose audit entries ``user`` may read; ``None`` means all entries."""
    if is_admin(user) or is_planner(user):
        return None
    if not _active(user):
        return set()
    from ..districts.models import District
    from ..extensions import db

    council_ids = user.council_ids(COUNCIL_ROLES)
    if not council_ids:
        return set()
    return set(
        db.session.scalars(db.select(District.id).where(District.council_id.in_(council_ids)))
    )


# --- indicators and the social index (issue 5) -------------------------------------------


def can_manage_indicators(user: Any) -> bool:
    """Import figures, roll imports back, edit the catalogue and the index definition."""
    return is_planner(user) or is_admin(user)


def can_link_inputs(user: Any) -> bool:
    """Link a proposal, need or barrier report to an indicator."""
    return is_planner(user) or is_admin(user)


# --- proposals (issue 3 part A) ----------------------------------------------------------
# Authors cannot support their own proposal (their proposal already counts as their voice);
# withdrawn proposals cannot be supported. Editing ends with the first comment, support or
# status change (``app.proposals.services.is_locked``).


def can_create_proposal(user: Any) -> bool:
    return can_contribute(user)


def can_edit_proposal(user: Any, proposal: Any) -> bool:
    from ..proposals.services import is_locked

    return (
        can_contribute(user)
        and proposal is not None
        and proposal.author_id == user.id
        and not is_locked(proposal)
    )


def can_withdraw_proposal(user: Any, proposal: Any) -> bool:
    return (
        _active(user)
        and proposal is not None
        and proposal.author_id == user.id
        and proposal.status != "withdrawn"
    )


def can_support_proposal(user: Any, proposal: Any = None) -> bool:
    """Person-level without ``proposal``; with it: not one's own, not withdrawn."""
    if not can_contribute(user):
        return False
    if proposal is None:
        return True
    return proposal.author_id != user.id and proposal.status != "withdrawn"


# --- comments and follows (issue 3 part A) ----------------------------------------------
# Whether a particular object takes comments is the target's own rule (the ``can_comment``
# registered in ``app.comments.targets``); these predicates are the person-level part.


def can_comment(user: Any) -> bool:
    return can_contribute(user)


def _is_author(user: Any, obj: Any) -> bool:
    return _active(user) and obj is not None and obj.author_id == user.id


def can_edit_comment(user: Any, comment: Any) -> bool:
    """The author, within the edit window (15 minutes), while not deleted."""
    from ..comments.services import within_edit_window

    return (
        _is_author(user, comment)
        and can_contribute(user)
        and comment.deleted_at is None
        and within_edit_window(comment)
    )


def can_delete_comment(user: Any, comment: Any) -> bool:
    return _is_author(user, comment) and comment.deleted_at is None


def can_report_comment(user: Any, comment: Any) -> bool:
    return can_contribute(user) and comment.author_id != user.id and comment.deleted_at is None


def can_follow(user: Any) -> bool:
    return is_signed_in(user)


# --- wiring -----------------------------------------------------------------------------

Predicate = Callable[[Any], bool]


def requires(predicate: Predicate, *, login: bool = True) -> Callable:
    """Decorate a view: refuse (401 → login, or 403) unless ``predicate(current_user)``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                if login and not current_user.is_authenticated:
                    from ..extensions import login_manager

                    return login_manager.unauthorized()
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = predicate.__name__  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """A view anyone may see (still a named predicate, so the route check test sees it)."""
    return requires(is_anyone)(view)


def authorize(allowed: bool) -> None:
    """Object-level check inside a view, after loading the object: 403 unless allowed."""
    if not allowed:
        abort(403)
