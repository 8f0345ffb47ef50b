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

Optional hooks (all keyword-only, all may be left out):

* ``load_many(ids) -> {id: obj}`` loads many items at once (default: one ``IN`` query on
  ``model``); a type whose ``district_id``/``title``/``url`` need other rows prepares them
  here, so the queue stays free of N+1 queries (comments load their commented items);
* ``is_public(obj) -> bool`` whether the item is meant for the public apart from moderation
  (a barrier report "only for the administration" is not); only public items can be flagged;
* ``on_published(obj)`` runs when pre-moderation approves the item (proposals tell the
  district's followers then, as they would on creation).

``district_id(obj)`` returning ``None`` means: no council moderates it, only planners and
admins (e.g. barrier reports that are not public).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    load_many: Callable[[Iterable[int]], dict[int, Any]] | None = None
    is_public: Callable[[Any], bool] | None = None
    on_published: Callable[[Any], None] | None = None

    def load(self, item_id: int) -> Any:
        from ..extensions import db

        if self.load_many is not None:
            return self.load_many([item_id]).get(item_id)
        return db.session.get(self.model, item_id)

    def get_many(self, ids: Iterable[int]) -> dict[int, Any]:
        ids = sorted(set(ids))
        if not ids:
            return {}
        if self.load_many is not None:
            return self.load_many(ids)
        from sqlalchemy import select

        from ..extensions import db

        rows = db.session.scalars(select(self.model).where(self.model.id.in_(ids))).unique()
        return {obj.id: obj for obj in rows}


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
    load_many: Callable[[Iterable[int]], dict[int, Any]] | None = None,
    is_public: Callable[[Any], bool] | None = None,
    on_published: Callable[[Any], None] | None = None,
) -> Moderated:
    entry = Moderated(
        target_type,
        model,
        label,
        district_id,
        author_id,
        title,
        url,
        load_many=load_many,
        is_public=is_public,
        on_published=on_published,
    )
    _TYPES[target_type] = entry
    return entry


def get_moderated(target_type: str) -> Moderated | None:
    return _TYPES.get(target_type)


def moderated_types() -> list[Moderated]:
    return list(_TYPES.values())
