"""Comment operations: add, edit (15 minutes), delete own, report. Flush, never commit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..core.time import as_utc, utcnow
from ..extensions import db
from ..moderation import services as moderation
from ..notifications import services as notifications
from .models import REPORT_REASONS, Comment
from .targets import resolve

MAX_LENGTH = 2000


class CommentError(ValueError):
    """A refused comment operation, with a message for the user."""


def edit_window() -> timedelta:
    return timedelta(minutes=current_app.config.get("COMMENT_EDIT_MINUTES", 15))


def within_edit_window(comment: Comment) -> bool:
    return utcnow() - as_utc(comment.created_at) <= edit_window()


def add_comment(
    author: Any, target_type: str, target_id: int, body: str, parent_id: int | None = None
) -> Comment:

    resolved = resolve(target_type, target_id)
    if resolved is None:
        raise CommentError(_("This item does not exist (any more)."))
    target, obj = resolved
    if not target.can_comment(author, obj):
        raise CommentError(_("Comments are not possible here."))
    body = body.strip()
    if not body:
        raise CommentError(_("Please write a comment."))
    if len(body) > MAX_LENGTH:
        raise CommentError(_("A comment may have at most %(n)d characters.", n=MAX_LENGTH))
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if (
            parent is None
            or (parent.target_type, parent.target_id) != (target_type, target_id)
            or not parent.is_visible
        ):
            raise CommentError(_("The comment you reply to does not exist."))
        if parent.parent_id is not None:  # replies are one level deep
            parent = db.session.get(Comment, parent.parent_id)
    comment = Comment(
        target_type=target_type,
        target_id=target_id,
        author_id=author.id,
        parent_id=parent.id if parent else None,
        body=body,
    )
    db.session.add(comment)
    db.session.flush()
    notifications.follow(author, target_type, target_id)  # authors hear about answers
    replied_to = parent.author_id if parent is not None and parent.author_id else None
    if replied_to and replied_to != author.id:
        notifications.notify_users(
            [replied_to], kind="reply", target_type=target_type, target_id=target_id, actor=author
        )
    notifications.notify_followers(
        target_type,
        target_id,
        kind="new_comment",
        actor=author,
        exclude_user_ids=[replied_to] if replied_to else (),
    )
    return comment


def edit_comment(user: Any, comment: Comment, body: str) -> None:
    body = body.strip()
    if not body:
        raise CommentError(_("Please write a comment."))
    if len(body) > MAX_LENGTH:
        raise CommentError(_("A comment may have at most %(n)d characters.", n=MAX_LENGTH))
    comment.body = body
    comment.edited_at = utcnow()
    db.session.flush()


def delete_comment(user: Any, comment: Comment) -> None:
    """Shown as deleted; the text is not kept."""
    comment.body = ""
    comment.deleted_at = utcnow()
    db.session.flush()


def report_comment(reporter: Any, comment: Comment, reason: str, text: str | None) -> bool:
    """Flag a comment through the moderation (one flag per person, the district's moderators
    hear of it); returns False if this person had already reported it."""

    if reason not in REPORT_REASONS:
        raise CommentError(_("Please choose a reason."))
    try:
        return moderation.flag(reporter, "comment", comment, reason, text)
    except (moderation.ModerationError, moderation.NotAllowed) as exc:
        raise CommentError(str(exc)) from None


def thread(target_type: str, target_id: int) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments, oldest first, each with its replies (one query). Hidden comments
    are included: the thread shows a placeholder to people who may not read them
    (``app.moderation.visibility.CommentVisibility``)."""
    rows = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.target_type == target_type, Comment.target_id == target_id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    replies: dict[int, list[Comment]] = {}
    for c in rows:
        if c.parent_id is not None:
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.id, [])) for c in rows if c.parent_id is None]


def counts(target_type: str, target_ids, *, include_moderated: bool = False) -> dict[int, int]:
    """Public comments (not deleted, not hidden by the moderation) per target, in one query.
    ``include_moderated`` counts hidden and pending ones too (not for public numbers)."""
    ids = list(target_ids)
    if not ids:
        return {}
    conditions = [
        Comment.target_type == target_type,
        Comment.target_id.in_(ids),
        Comment.deleted_at.is_(None),
    ]
    if not include_moderated:
        conditions.append(Comment.visible())
    rows = db.session.execute(
        select(Comment.target_id, func.count(Comment.id))
        .where(*conditions)
        .group_by(Comment.target_id)
    )
    return dict(rows.all())


def count_subquery(target_type: str, model: Any) -> Any:
    """The public comments (as :func:`counts`) of each row of ``model`` in a list query: a
    correlated subquery, an index lookup for the rows of the page only."""
    return (
        select(func.count(Comment.id))
        .where(
            Comment.target_type == target_type,
            Comment.target_id == model.id,
            Comment.deleted_at.is_(None),
            Comment.visible(),
        )
        .correlate(model)
        .scalar_subquery()
    )


def count_for(target_type: str, target_id: int, *, include_moderated: bool = False) -> int:
    return counts(target_type, [target_id], include_moderated=include_moderated).get(target_id, 0)


def by_author(user: Any, limit: int = 100) -> list[Comment]:
    """The person's comments, newest first, hidden ones included (they see them with the
    reason on "my contributions")."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.author_id == user.id, Comment.deleted_at.is_(None))
            .order_by(Comment.created_at.desc())
            .limit(limit)
        )
    )


def comments_for(target_type: str, target_id: int) -> list[tuple[Comment, list[Comment]]]:
    """The interface name used by other domains: :func:`thread`."""
    return thread(target_type, target_id)


def export_own(user: Any) -> list[dict]:
    """The person's comments (for the account's data export); they stay public after the
    account is deleted, shown as from a deleted user."""
    rows = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.created_at)
    )
    return [
        {
            "target_type": c.target_type,
            "target_id": c.target_id,
            "reply_to": c.parent_id,
            "body": c.body,
            "created_at": c.created_at.isoformat() if c.created_at else None,
            "deleted": c.deleted_at is not None,
        }
        for c in rows
    ]
