"""Registry of things people can comment on and follow (proposals, barrier reports, …).

A domain registers its type once, at import time::

    register_target("proposal", load=..., district_id=..., url=..., title=..., can_comment=...)

* ``load(id) -> obj | None``; ``load_many(ids) -> {id: obj}`` (optional, avoids N+1);
* ``district_id(obj)``, ``url(obj)``, ``title(obj)`` describe the object;
* ``can_comment(user, obj)`` decides whether ``user`` may comment on it now.

Comments and follows store ``(target_type, target_id)``; nothing else needs to know the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    type: str
    load: Callable[[int], Any]
    district_id: Callable[[Any], int | None]
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    can_comment: Callable[[Any, Any], bool]
    load_many: Callable[[Iterable[int]], dict[int, Any]] | None = None

    def get_many(self, ids: Iterable[int]) -> dict[int, Any]:
        ids = sorted(set(ids))
        if self.load_many is not None:
            return self.load_many(ids)
        loaded = {}
        for target_id in ids:
            obj = self.load(target_id)
            if obj is not None:
                loaded[target_id] = obj
        return loaded


_TARGETS: dict[str, Target] = {}


def register_target(
    target_type: str,
    *,
    load: Callable[[int], Any],
    district_id: Callable[[Any], int | None],
    url: Callable[[Any], str],
    title: Callable[[Any], str],
    can_comment: Callable[[Any, Any], bool],
    load_many: Callable[[Iterable[int]], dict[int, Any]] | None = None,
) -> Target:
    target = Target(target_type, load, district_id, url, title, can_comment, load_many)
    _TARGETS[target_type] = target
    return target


def get_target(target_type: str) -> Target | None:
    return _TARGETS.get(target_type)


def resolve(target_type: str, target_id: int) -> tuple[Target, Any] | None:
    """The registered type and the loaded object, or ``None`` if either is unknown."""
    target = _TARGETS.get(target_type)
    if target is None:
        return None
    obj = target.load(target_id)
    return (target, obj) if obj is not None else None
