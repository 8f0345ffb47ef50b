"""Sections of the "my contributions" page: a view of :mod:`app.core.content_types` (each
domain registers its section with its content type, ``contributions=Contributions(...)``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core import content_types
from ..core.content_types import ContributionItem, Contributions

Item = ContributionItem
Section = Contributions

_PREFIX = "contributions:"  # sections registered here, apart from the domains' content types
_SECTIONS = content_types.Named(_PREFIX)


def register(key: str, title: Any, loader: Callable[[Any], list[Item]], order: int = 50) -> None:
    """A section without a content type of its own (tests, small additions)."""
    content_types.update(_PREFIX + key, contributions=Contributions(key, title, loader, order))


def sections() -> list[Contributions]:
    return content_types.contribution_sections()
