"""The read side of moderation: who may see a hidden or pending item, and what they see.

Public lists, maps, counts and APIs use ``Model.visible()`` (SQL). An item page asks
:func:`can_see` and answers 404 when it is false: a hidden item does not exist for the
public. Its author (with the reason) and its moderators (``permissions.can_see_moderated``)
still see it, with the banner ``templates/moderation/_notice.html``, which reads
:func:`moderation_notice` (a Jinja global)::

    {% set item = proposal %}{% set target_type = 'proposal' %}
    {% include "moderation/_notice.html" %}

The moderation's ``init_app`` makes :func:`state_label` (``moderation_state_label``),
:func:`moderation_notice` and :func:`comment_visibility` Jinja globals.

The item's district comes from the content-type registry (``ContentType.district_id``).
:func:`rule` is the visibility rule that every registered loader applies.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import content_types
from ..districts.models import District
from ..extensions import db
from .labels import REASON_LABELS, STATE_LABELS
from .models import PENDING_APPROVAL, VISIBLE
from .permissions import can_moderate, can_moderate_content, can_see_moderated


def reason_label(code: str | None) -> str:
    if not code:
        return ""
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code


def state_label(state: str | None) -> str:
    label = STATE_LABELS.get(state or VISIBLE)
    return str(label) if label is not None else str(state)


def item_district(target_type: str, item: Any):
    """The district whose moderators are responsible for ``item`` (or ``None``)."""
    entry = content_types.get(target_type)
    district_id = entry.district_id(item) if entry is not None else None
    if district_id is None:
        return None
    district = getattr(item, "district", None)
    if isinstance(district, District) and district.id == district_id:
        return district
    return db.session.get(District, district_id)


def author_id(target_type: str, item: Any) -> int | None:
    entry = content_types.get(target_type)
    if entry is not None:
        return entry.author_id(item)
    return getattr(item, "author_id", None)


def viewer() -> Any:
    """The signed-in person of the current request, or ``None`` outside requests (CLI,
    background work): then only visible items exist."""
    if not has_request_context():
        return None
    return current_user._get_current_object()


def can_see(user: Any, target_type: str, item: Any) -> bool:
    """Visible items: everyone. Hidden or pending ones: the author and the moderators."""
    if item is None:
        return False
    if item.moderation_state == VISIBLE:
        return True
    return can_see_moderated(user, item_district(target_type, item), author_id(target_type, item))


def rule(content_type: Any, item: Any) -> bool:
    """The visibility rule of every registered loader (``app.core.content_types``)."""
    if getattr(item, "moderation_state", VISIBLE) == VISIBLE:
        return True
    return can_see(viewer(), content_type.name, item)


def moderation_url(target_type: str, target_id: int) -> str | None:
    """The moderation page of an item, once the moderation routes exist."""
    if "moderation.item" not in current_app.view_functions:
        return None
    return url_for("moderation.item", target_type=target_type, target_id=target_id)


def moderation_notice(target_type: str, item: Any) -> dict | None:
    """What the banner shows to the current person, or ``None`` (visible item, or a person
    who may not see the moderation state)."""
    if item is None or item.moderation_state == VISIBLE:
        return None
    district = item_district(target_type, item)
    author = author_id(target_type, item)
    if not can_see_moderated(current_user, district, author):
        return None
    is_author = bool(
        getattr(current_user, "is_authenticated", False)
        and author is not None
        and author == current_user.id
    )
    moderator = can_moderate_content(current_user, district, author)
    return {
        "state": item.moderation_state,
        "state_label": state_label(item.moderation_state),
        "reason": item.moderation_reason,
        "reason_label": reason_label(item.moderation_reason),
        "note": item.moderation_note,
        "moderated_at": item.moderated_at,
        "is_author": is_author,
        "moderate_url": moderation_url(target_type, item.id) if moderator else None,
    }


class CommentVisibility:
    """Which comments of one thread the current person sees in full: visible ones, their
    own, and – for the moderators of the commented item's district – all."""

    def __init__(self, user: Any, district: Any) -> None:
        self.user = user
        self.district = district
        self.moderator = can_moderate(user, district)
        self.user_id = user.id if getattr(user, "is_authenticated", False) else None

    def sees(self, comment: Any) -> bool:
        if comment.moderation_state == VISIBLE:
            return True
        return self.moderator or (self.user_id is not None and comment.author_id == self.user_id)

    def moderate_url(self, comment: Any) -> str | None:
        """The comment's moderation page, for its moderators (never its author)."""
        if not self.moderator or not can_moderate_content(
            self.user, self.district, comment.author_id
        ):
            return None
        return moderation_url("comment", comment.id)

    def notice(self, comment: Any) -> dict | None:
        if comment.moderation_state == VISIBLE or not self.sees(comment):
            return None
        return {
            "state": comment.moderation_state,
            "state_label": state_label(comment.moderation_state),
            "reason": comment.moderation_reason,
            "reason_label": reason_label(comment.moderation_reason),
            "note": comment.moderation_note,
            "is_author": self.user_id is not None and comment.author_id == self.user_id,
            "moderate_url": self.moderate_url(comment),
        }


def comment_visibility(target_type: str, target_id: int) -> CommentVisibility:
    """For ``templates/comments/_thread.html``: one district lookup per thread."""
    target = content_types.commentable(target_type)
    obj = target.load(target_id) if target is not None else None
    district = item_district(target_type, obj) if obj is not None else None
    return CommentVisibility(current_user, district)


def contribution_note(item: Any) -> str:
    """For "my contributions": the moderation state and reason of one's own item ("" when
    visible)."""
    state = item.moderation_state
    if state == VISIBLE:
        return ""
    if state == PENDING_APPROVAL:
        return _("Will be published after approval.")
    text = state_label(state)
    if item.moderation_reason:
        text = _(
            "%(state)s – reason: %(reason)s",
            state=text,
            reason=reason_label(item.moderation_reason),
        )
    if item.moderation_note:
        text += f" ({item.moderation_note})"
    return text
