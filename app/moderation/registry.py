"""Registry of moderated content types (proposal, need, barrier_report, comment).

The domain that owns the model registers it once, at import time::

    register_moderated(
        "need",
        model=Need,
        label=_l("Need"),
        district_id=lambda need: need.district_id,
        author_id=lambda need: need.author_id,
        title=lambda need: need.title,
        url=lambda need: url_for("needs.show", need_id=need.id),
    )

The model must use :class:`app.moderation.models.ModeratedMixin`. Moderation services, the
queue and the permission checks only talk to this registry, never to the domain's tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Moderated:
    type: str
    model: Any
    label: Any  # lazy string, e.g. _l("Proposal")
    district_id: Callable[[Any], int | None]
    author_id: Callable[[Any], int | None]
    title: Callable[[Any], str]
    url: Callable[[Any], str]


_TYPES: dict[str, Moderated] = {}


def register_moderated(
    target_type: str,
    *,
    model: Any,
    label: Any,
    district_id: Callable[[Any], int | None],
    author_id: Callable[[Any], int | None],
    title: Callable[[Any], str],
    url: Callable[[Any], str],
) -> Moderated:
    entry = Moderated(target_type, model, label, district_id, author_id, title, url)
    _TYPES[target_type] = entry
    return entry


def get_moderated(target_type: str) -> Moderated | None:
    return _TYPES.get(target_type)


def moderated_types() -> list[Moderated]:
    return list(_TYPES.values())
