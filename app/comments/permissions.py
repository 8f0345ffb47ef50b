"""Permission predicates: comments. Whether a particular object takes comments is the content
type's own rule (``ContentType.can_comment``); these predicates are the person-level part."""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import can_contribute
from ..core.permissions import active
from .services import within_edit_window


def can_comment(user: Any) -> bool:
    return can_contribute(user)


def _is_author(user: Any, obj: Any) -> bool:
    return active(user) and obj is not None and obj.author_id == user.id


def can_edit_comment(user: Any, comment: Any) -> bool:
    """The author, within the edit window (15 minutes), while not deleted."""
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
