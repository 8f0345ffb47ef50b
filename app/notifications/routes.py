"""Notifications page, follow buttons, "my contributions"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ..comments import services as comments
from ..comments.targets import get_target, register_target
from ..core.permissions import can_follow, can_manage_own_account, requires
from ..core.urls import safe_next
from ..districts.models import District
from ..extensions import db
from ..moderation.visibility import contribution_note
from . import bp, contributions, services


class ActionForm(FlaskForm):
    """CSRF only."""


# Districts can be followed (new proposals in them); they take no comments.
register_target(
    "district",
    load=lambda district_id: db.session.get(District, district_id),
    load_many=lambda ids: {
        d.id: d for d in db.session.scalars(db.select(District).where(District.id.in_(ids)))
    },
    district_id=lambda district: district.id,
    url=lambda district: url_for("districts.show", number=district.number),
    title=lambda district: district.name,
    can_comment=lambda user, district: False,
)


def _comment_items(user):
    items = []
    found = comments.by_author(user)
    by_type: dict[str, set[int]] = {}
    for c in found:
        by_type.setdefault(c.target_type, set()).add(c.target_id)
    loaded = {}
    for target_type, ids in by_type.items():
        target = get_target(target_type)
        if target is not None:
            for target_id, obj in target.get_many(ids).items():
                loaded[(target_type, target_id)] = (target, obj)
    for c in found:
        entry = loaded.get((c.target_type, c.target_id))
        if entry is None:
            continue
        target, obj = entry
        moderation = contribution_note(c)  # hidden comments: state and reason
        items.append(
            contributions.Item(
                title=target.title(obj),
                url=f"{target.url(obj)}#comment-{c.id}",
                date=c.created_at,
                note=f"{moderation} – {c.body[:140]}" if moderation else c.body[:140],
            )
        )
    return items


contributions.register("comments", _l("My comments"), _comment_items, order=80)


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
    page = max(request.args.get("page", 1, type=int) or 1, 1)
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
    target = get_target(target_type)
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


@bp.post("/folgen/<target_type>/<int:target_id>")
@requires(can_follow)
def follow(target_type: str, target_id: int):
    return _follow_change(target_type, target_id, True)


@bp.post("/nicht-mehr-folgen/<target_type>/<int:target_id>")
@requires(can_follow)
def unfollow(target_type: str, target_id: int):
    return _follow_change(target_type, target_id, False)


@bp.get("/meine-beitraege")
@requires(can_manage_own_account)
def mine():
    sections = [(section, section.loader(current_user)) for section in contributions.sections()]
    return render_template("notifications/mine.html", sections=sections)
