"""Citizen input types (proposals, needs, barrier reports …) for indicators: a view of
:mod:`app.core.content_types` (the types registered with ``indicator=IndicatorInput(...)``).

The indicators domain stores links generically (``IndicatorLink``: type + id) and shows
per-1,000 figures only for registered types. ``register_input_type`` adds an input type
without a content type of its own (tests use it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..core import content_types
from ..core.content_types import IndicatorInput, Loaded

InputType = IndicatorInput

__all__ = [
    "EXPECTED_KINDS",
    "InputType",
    "Loaded",
    "get_input_type",
    "input_types",
    "register_input_type",
    "unregister_input_type",
]

#: Input types the district profile expects; those not registered say "not yet available".
EXPECTED_KINDS = ("proposal", "need", "barrier")

_PREFIX = "indicator-input:"  # content types registered here, apart from the domains' own


def register_input_type(
    kind: str,
    label: Any,
    loader: Callable[[int], Loaded | None],
    counter: Callable[[int | None], dict[int, int]],
    *,
    lister: Callable[[int], list[tuple[int, str]]] | None = None,
    bulk_loader: Callable[[Iterable[int]], dict[int, Loaded]] | None = None,
) -> IndicatorInput:
    """Register (or replace) an input type under ``kind`` (at most 40 characters)."""
    if not kind or len(kind) > 40:
        raise ValueError("kind must have 1 to 40 characters")
    input_type = IndicatorInput(kind, label, loader, counter, lister, bulk_loader)
    content_types.update(_PREFIX + kind, indicator=input_type)
    return input_type


def unregister_input_type(kind: str) -> None:
    content_types.unregister(_PREFIX + kind)


def get_input_type(kind: str) -> IndicatorInput | None:
    return content_types.indicator_input(kind)


def input_types() -> list[IndicatorInput]:
    """The registered types, in registration order."""
    return content_types.indicator_inputs()
