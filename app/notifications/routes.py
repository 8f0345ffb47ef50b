"""Notifications page, follow buttons, "my contributions"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..accounts.permissions import can_manage_own_account
from ..core import content_types
from ..core.numbers import page_arg
from ..core.permissions import requires
from ..core.urls import safe_next
from ..extensions import db
from . import contributions, services
from .permissions import can_follow

bp = Blueprint("notifications", __name__)


class ActionForm(FlaskForm):
    """CSRF only."""


@bp.app_template_global()
def unread_notifications() -> int:
    return services.unread_count(current_user)


@bp.app_template_global()
def follow_state(target_type: str, target_id: int) -> dict:
    return {
        "following": services.is_following(current_user, target_type, target_id),
        "form": ActionForm(formdata=None),
        "target_type": target_type,
        "target_id": target_id,
    }


@bp.get("/benachrichtigungen")
@requires(can_follow)
def index():
    page = page_arg()
    items, total = services.page_for(current_user, page)
    pages = max((total + services.PAGE_SIZE - 1) // services.PAGE_SIZE, 1)
    return render_template(
        "notifications/index.html",
        items=items,
        page=page,
        pages=pages,
        unread=services.unread_count(current_user),
        form=ActionForm(),
    )


@bp.post("/benachrichtigungen/gelesen")
@requires(can_follow)
def mark_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect("/benachrichtigungen")


def _follow_change(target_type: str, target_id: int, follow: bool):
    if not ActionForm().validate_on_submit():
        abort(400)
    target = content_types.commentable(target_type)
    obj = target.load(target_id) if target else None
    if obj is None:
        abort(404)
    if follow:
        services.follow(current_user, target_type, target_id)
        flash(_("You now follow “%(title)s”.", title=target.title(obj)), "success")
    else:
        services.unfollow(current_user, target_type, target_id)
        flash(_("You no longer follow “%(title)s”.", title=target.title(obj)), "success")
    db.session.commit()
    return redirect(safe_next(request.form.get("next"), target.url(obj)))


@bp.post("/folgen/<target_type>/<id:target_id>")
@requires(can_follow)
def follow(target_type: str, target_id: int):
    return _follow_change(target_type, target_id, True)


@bp.post("/nicht-mehr-folgen/<target_type>/<id:target_id>")
@requires(can_follow)
def unfollow(target_type: str, target_id: int):
    return _follow_change(target_type, target_id, False)


@bp.get("/meine-beitraege")
@requires(can_manage_own_account)
def mine():
    sections = [(section, section.loader(current_user)) for section in contributions.sections()]
    return render_template("notifications/mine.html", sections=sections)
