"""Supports (Unterstützungen): one person supports one item at most once (proposals, needs).

:class:`Supports` is the service for one support model, written once; a domain makes one
(``Supports(Support, Support.proposal_id, Proposal)``), checks its own rules (not withdrawn,
not one's own) and calls it. :func:`support_view` and :func:`unsupport_view` are the bodies of
the two POST routes every supportable item has; the routes stay in the domain's blueprint
with their own permission predicate. Services flush, the views commit.
"""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .forms import ConfirmForm
from .permissions import authorize


class Supports:
    """Supports kept in ``model`` (``id``, ``user_id`` and ``item_id``, a column with a
    foreign key to ``item_model``, unique per user and item)."""

    def __init__(self, model, item_id, item_model):
        self.model = model
        self.item_id = item_id
        self.item_model = item_model

    def count(self, item_id: int) -> int:
        return db.session.scalar(select(func.count(self.model.id)).where(self.item_id == item_id))

    def has_supported(self, user, item_id: int) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return (
            db.session.scalar(
                select(self.model.id).where(self.model.user_id == user.id, self.item_id == item_id)
            )
            is not None
        )

    def support(self, user, item) -> bool:
        """Set "supported" (idempotent); True if a support was added. A concurrent double
        click hits the unique constraint: the savepoint is rolled back and it counts as
        supported. The domain's rules are checked before."""
        if self.has_supported(user, item.id):
            return False
        try:
            with db.session.begin_nested():
                db.session.add(self.model(user_id=user.id, **{self.item_id.key: item.id}))
        except IntegrityError:
            return False
        return True

    def unsupport(self, user, item) -> bool:
        """Remove one's support; True if there was one."""
        result = db.session.execute(
            delete(self.model).where(self.model.user_id == user.id, self.item_id == item.id)
        )
        db.session.flush()
        return bool(result.rowcount)

    def user_ids(self, item_ids) -> dict[int, set[int]]:
        """The supporters of many items, by item id (one query)."""
        ids = sorted(set(item_ids))
        found: dict[int, set[int]] = {}
        if ids:
            rows = db.session.execute(
                select(self.item_id, self.model.user_id).where(self.item_id.in_(ids))
            )
            for item_id, user_id in rows:
                found.setdefault(item_id, set()).add(user_id)
        return found

    def count_subquery(self):
        """The item's number of supports, a scalar subquery correlated to ``item_model`` (an
        index lookup per row of a page, inside the one statement)."""
        return (
            select(func.count(self.model.id))
            .where(self.item_id == self.item_model.id)
            .correlate(self.item_model)
            .scalar_subquery()
        )


# --- the routes' bodies ---------------------------------------------------------------------


def support_view(item, *, allowed: bool, support, back: str):
    """POST "support": 403 unless ``allowed``, 400 without a valid CSRF token; then
    ``support(current_user, item)``, commit, thank and redirect to ``back``."""
    authorize(allowed)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    support(current_user, item)
    db.session.commit()
    flash(_("Thank you for your support."), "success")
    return redirect(back)


def unsupport_view(item, *, unsupport, back: str):
    """POST "withdraw support": 400 without a valid CSRF token; then
    ``unsupport(current_user, item)``, commit if there was a support, redirect to ``back``."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if unsupport(current_user, item):
        db.session.commit()
        flash(_("Your support has been withdrawn."), "success")
    return redirect(back)
