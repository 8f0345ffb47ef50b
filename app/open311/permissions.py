"""Open311 permission predicates. Reading the API is public; creating requests needs an API
key (checked in the service, not a person's role); managing the keys is for admins."""

from __future__ import annotations

from typing import Any

from ..core.permissions import is_admin


def can_manage_api_keys(user: Any) -> bool:
    return is_admin(user)
