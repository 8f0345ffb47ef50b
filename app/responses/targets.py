"""Things that can get an official response: a view of :mod:`app.core.content_types` (the types
registered with ``respondable=Respondable(district=..., is_open=...)``).

Responses store ``(target_type, target_id)``; nothing else needs to know the model.
"""

from __future__ import annotations

from typing import Any

from ..core import content_types
from ..core.content_types import ContentType


def get_respondable(target_type: str) -> ContentType | None:
    return content_types.respondable(target_type)


def resolve(target_type: str, target_id: int) -> tuple[ContentType, Any] | None:
    """The type and the object; officials see hidden items too (``is_open`` says whether they
    can be answered)."""
    entry = content_types.respondable(target_type)
    if entry is None:
        return None
    obj = entry.load_any(target_id)
    return (entry, obj) if obj is not None else None
