"""Sections of the "my contributions" page; each domain registers its own.

``register(key, title, loader)`` with ``loader(user) -> list[Item]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Item:
    title: str
    url: str | None
    date: datetime | None
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    loader: Callable[[Any], list[Item]]
    order: int = 50


_SECTIONS: dict[str, Section] = {}


def register(key: str, title: Any, loader: Callable[[Any], list[Item]], order: int = 50) -> None:
    _SECTIONS[key] = Section(key, title, loader, order)


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
