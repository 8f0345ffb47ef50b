"""Moderated content types: a view of :mod:`app.core.content_types` (the types registered with
``moderated=True``: proposal, need, barrier_report, comment).

The model must use :class:`app.moderation.models.ModeratedMixin`. Moderation services, the
queue and the permission checks only talk to this registry, never to the domain's tables; they
load with ``load_any`` / ``get_many_any`` (moderators see hidden items).
"""

from __future__ import annotations

from ..core import content_types
from ..core.content_types import ContentType

Moderated = ContentType


def get_moderated(target_type: str) -> ContentType | None:
    return content_types.moderated(target_type)


def moderated_types() -> list[ContentType]:
    return content_types.moderated_types()
