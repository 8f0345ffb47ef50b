"""Comments in other domains: the ``comment`` content type (moderated where the commented item
is, "my comments", the account's data export)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import content_types, search
from ..core.content_types import ContentType, ContributionItem, Contributions, PersonalData
from ..extensions import db
from ..moderation.visibility import contribution_note
from . import services
from .models import Comment

TITLE_EXCERPT = 80
_UNSET = object()


# --- moderation: a comment is moderated where the commented item is ---------------------------
# The commented item is loaded without the visibility rule (a hidden proposal still has its
# district), through the content-type registry, whatever its type.


def _load_targets(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    by_type: dict[str, set[int]] = {}
    for target_type, target_id in pairs:
        by_type.setdefault(target_type, set()).add(target_id)
    loaded: dict[tuple[str, int], Any] = {}
    for target_type, ids in by_type.items():
        entry = content_types.get(target_type)
        if entry is None or target_type == "comment":
            continue
        for target_id, obj in entry.get_many_any(ids).items():
            loaded[(target_type, target_id)] = obj
    return loaded


def _load_comments(ids: Iterable[int]) -> dict[int, Any]:
    ids = list(ids)
    if not ids:
        return {}
    comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))
    targets = _load_targets((c.target_type, c.target_id) for c in comments)
    for c in comments:
        c._moderation_target = targets.get((c.target_type, c.target_id))
    return {c.id: c for c in comments}


def _commented(comment: Comment) -> tuple[ContentType | None, Any]:
    target = getattr(comment, "_moderation_target", _UNSET)
    if target is _UNSET:
        target = _load_targets([(comment.target_type, comment.target_id)]).get(
            (comment.target_type, comment.target_id)
        )
        comment._moderation_target = target
    return content_types.get(comment.target_type), target


def comment_district(comment: Comment) -> int | None:
    entry, target = _commented(comment)
    if target is None or entry is None:
        return None
    return entry.district_id(target)


def comment_title(comment: Comment) -> str:
    entry, target = _commented(comment)
    excerpt = " ".join((comment.body or "").split())
    if len(excerpt) > TITLE_EXCERPT:
        excerpt = excerpt[: TITLE_EXCERPT - 1] + "…"
    if target is None or entry is None:
        return _("Comment: %(text)s", text=excerpt)
    return _("Comment on “%(title)s”: %(text)s", title=entry.title(target), text=excerpt)


def comment_url(comment: Comment) -> str:
    entry, target = _commented(comment)
    if target is None or entry is None:
        return url_for("moderation.item", target_type="comment", target_id=comment.id)
    return f"{entry.url(target)}#comment-{comment.id}"


# --- my comments -------------------------------------------------------------------------------


def _comment_items(user) -> list[ContributionItem]:
    items = []
    found = services.by_author(user)
    by_type: dict[str, set[int]] = {}
    for c in found:
        by_type.setdefault(c.target_type, set()).add(c.target_id)
    loaded = {}
    for target_type, ids in by_type.items():
        target = content_types.commentable(target_type)
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
            ContributionItem(
                title=target.title(obj),
                url=f"{target.url(obj)}#comment-{c.id}",
                date=c.created_at,
                note=f"{moderation} – {c.body[:140]}" if moderation else c.body[:140],
            )
        )
    return items


def register() -> None:
    search.register("comment", Comment, ("body",))
    content_types.register(
        ContentType(
            "comment",
            model=Comment,
            label=_l("Comment"),
            district_id=comment_district,
            author_id=lambda c: c.author_id,
            title=comment_title,
            url=comment_url,
            load_many=_load_comments,
            is_public=lambda c: c.deleted_at is None,
            moderated=True,
            # notifications about a comment point at the commented item
            subject=lambda c: (c.target_type, c.target_id),
            contributions=Contributions("comments", _l("My comments"), _comment_items, order=80),
            personal_data=PersonalData("comments", export=services.export_own),
        )
    )
