"""Sections that domains above add to a measure's page, without the measures knowing them
(the layers forbid importing upwards): a domain registers a provider from its ``init_app``;
the page asks every provider with the measure and the person looking, and shows what comes
back. A provider answers with a constant number of queries (the page's count stays fixed)
and decides itself what the person may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import Measure


@dataclass(frozen=True)
class SectionLine:
    """One line: plain ``text``, or ``link_text`` linked to ``url`` followed by ``text``."""

    text: str
    link_text: str = ""
    url: str | None = None


@dataclass(frozen=True)
class PageSection:
    """A titled section of the measure page; ``key`` makes its HTML id (``measure-<key>``)."""

    key: str
    title: str
    lines: list[SectionLine] = field(default_factory=list)


Provider = Callable[[Measure, Any], list[PageSection]]

_providers: list[Provider] = []


def register_page_section(provider: Provider) -> None:
    """A domain above adds ``provider(measure, user) -> [PageSection, …]`` to the measure
    page (registered once however often ``init_app`` runs)."""
    if provider not in _providers:
        _providers.append(provider)


def page_sections(measure: Measure, user: Any) -> list[PageSection]:
    """What the registered providers show on ``measure``'s page for ``user``; empty
    sections are left out."""
    found: list[PageSection] = []
    for provider in _providers:
        found.extend(s for s in provider(measure, user) or [] if s.lines)
    return found
