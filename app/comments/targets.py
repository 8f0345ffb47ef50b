"""Things people can comment on and follow: a view of :mod:`app.core.content_types`
(the types registered with ``can_comment``).

Comments and follows store ``(target_type, target_id)``; nothing else needs to know the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..core import content_types
from ..core.content_types import ContentType

Target = ContentType
_TARGETS = content_types.Named()


def register_target(
    target_type: str,
    *,
    load: Callable[[int], Any],
    district_id: Callable[[Any], int | None],
    url: Callable[[Any], str],
    title: Callable[[Any], str],
    can_comment: Callable[[Any, Any], bool],
    load_many: Callable[[Iterable[int]], dict[int, Any]] | None = None,
) -> ContentType:
    """A commentable type without the rest of a content type (tests, small additions)."""

    def many(ids: Iterable[int]) -> dict[int, Any]:
        loaded = {i: load(i) for i in ids}
        return {i: obj for i, obj in loaded.items() if obj is not None}

    return content_types.register(
        ContentType(
            target_type,
            district_id=district_id,
            url=url,
            title=title,
            can_comment=can_comment,
            load_many=load_many or many,
        )
    )


def get_target(target_type: str) -> ContentType | None:
    return content_types.commentable(target_type)


def resolve(target_type: str, target_id: int) -> tuple[ContentType, Any] | None:
    """The registered type and the object (if the current person may see it), else ``None``."""
    target = content_types.commentable(target_type)
    if target is None:
        return None
    obj = target.load(target_id)
    return (target, obj) if obj is not None else None
