"""Permission predicates: the mail outbox's admin page."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_admin


def can_manage_mail(user: Any) -> bool:
    return is_admin(user)
