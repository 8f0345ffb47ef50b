"""Registry of things that can get an official response (proposals; needs can follow).

A domain registers its type once, at import time::

    register_respondable(
        "need",
        load=lambda need_id: db.session.get(Need, need_id),
        district=lambda need: need.district,
        author_id=lambda need: need.author_id,
        title=lambda need: need.title,
        url=lambda need: url_for("needs.show", need_id=need.id),
        is_open=lambda need: need.moderation_state == "visible",
    )

Responses store ``(target_type, target_id)``; nothing else needs to know the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Respondable:
    type: str
    load: Callable[[int], Any]
    district: Callable[[Any], Any]
    author_id: Callable[[Any], int | None]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    # Whether the object may be answered now (public; hidden items cannot be answered).
    is_open: Callable[[Any], bool]


_TYPES: dict[str, Respondable] = {}


def register_respondable(
    target_type: str,
    *,
    load: Callable[[int], Any],
    district: Callable[[Any], Any],
    author_id: Callable[[Any], int | None],
    title: Callable[[Any], str],
    url: Callable[[Any], str],
    is_open: Callable[[Any], bool],
) -> Respondable:
    entry = Respondable(target_type, load, district, author_id, title, url, is_open)
    _TYPES[target_type] = entry
    return entry


def get_respondable(target_type: str) -> Respondable | None:
    return _TYPES.get(target_type)


def resolve(target_type: str, target_id: int) -> tuple[Respondable, Any] | None:
    entry = _TYPES.get(target_type)
    if entry is None:
        return None
    obj = entry.load(target_id)
    return (entry, obj) if obj is not None else None


def register_proposals() -> None:
    """Proposals can be answered (registered here, so the proposals domain need not know)."""
    from flask import url_for

    from ..extensions import db
    from ..proposals.models import Proposal

    register_respondable(
        "proposal",
        load=lambda proposal_id: db.session.get(Proposal, proposal_id),
        district=lambda proposal: proposal.district,
        author_id=lambda proposal: proposal.author_id,
        title=lambda proposal: proposal.title,
        url=lambda proposal: url_for("proposals.show", proposal_id=proposal.id),
        is_open=lambda proposal: proposal.is_visible,
    )
