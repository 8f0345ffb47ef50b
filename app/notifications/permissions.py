"""Permission predicates: follows and notifications."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_signed_in


def can_follow(user: Any) -> bool:
    return is_signed_in(user)
