"""Permission predicates: proposals. Authors cannot support their own proposal (their proposal
already counts as their voice); withdrawn proposals cannot be supported. Editing ends with the
first comment, support or status change (``app.proposals.services.is_locked``)."""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import can_contribute
from ..core.permissions import active
from .services import is_locked


def can_create_proposal(user: Any) -> bool:
    return can_contribute(user)


def can_edit_proposal(user: Any, proposal: Any) -> bool:
    return (
        can_contribute(user)
        and proposal is not None
        and proposal.author_id == user.id
        and not is_locked(proposal)
    )


def can_withdraw_proposal(user: Any, proposal: Any) -> bool:
    return (
        active(user)
        and proposal is not None
        and proposal.author_id == user.id
        and not proposal.is_withdrawn
    )


def can_support_proposal(user: Any, proposal: Any = None) -> bool:
    """Person-level without ``proposal``; with it: not one's own, not withdrawn."""
    if not can_contribute(user):
        return False
    if proposal is None:
        return True
    return proposal.author_id != user.id and not proposal.is_withdrawn
