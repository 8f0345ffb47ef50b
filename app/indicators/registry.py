"""Registry of citizen input types (proposals, needs, barrier reports …) for indicators.

Other domains register their input type once at import time, e.g. in their package::

    from app.indicators.registry import register_input_type
    register_input_type("proposal", _l("Proposals"), loader=..., counter=..., lister=...)

* ``loader(id) -> (title, url, district_id) | None`` describes one input (``None``: gone or
  not public);
* ``counter(year) -> {district_id: count}`` counts public inputs per district (``year=None``:
  all years);
* ``lister(district_id) -> [(id, title), …]`` (optional) offers the district's inputs in the
  link form;
* ``bulk_loader(ids) -> {id: (title, url, district_id)}`` (optional) avoids one query per link.

The indicators domain stores links generically (``IndicatorLink``: type + id) and shows
per-1,000 figures only for registered types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Loaded = tuple[str, str, int | None]

#: Input types the district profile expects; those not registered say "not yet available".
EXPECTED_KINDS = ("proposal", "need", "barrier")


@dataclass(frozen=True)
class InputType:
    kind: str
    label: Any  # str or lazy string
    loader: Callable[[int], Loaded | None]
    counter: Callable[[int | None], dict[int, int]]
    lister: Callable[[int], list[tuple[int, str]]] | None = None
    bulk_loader: Callable[[Iterable[int]], dict[int, Loaded]] | None = None

    def load_many(self, ids: Iterable[int]) -> dict[int, Loaded]:
        ids = list(ids)
        if self.bulk_loader is not None:
            return self.bulk_loader(ids)
        loaded = {}
        for input_id in ids:
            item = self.loader(input_id)
            if item is not None:
                loaded[input_id] = item
        return loaded


_TYPES: dict[str, InputType] = {}


def register_input_type(
    kind: str,
    label: Any,
    loader: Callable[[int], Loaded | None],
    counter: Callable[[int | None], dict[int, int]],
    *,
    lister: Callable[[int], list[tuple[int, str]]] | None = None,
    bulk_loader: Callable[[Iterable[int]], dict[int, Loaded]] | None = None,
) -> InputType:
    """Register (or replace) an input type under ``kind`` (at most 40 characters)."""
    if not kind or len(kind) > 40:
        raise ValueError("kind must have 1 to 40 characters")
    input_type = InputType(kind, label, loader, counter, lister, bulk_loader)
    _TYPES[kind] = input_type
    return input_type


def unregister_input_type(kind: str) -> None:
    _TYPES.pop(kind, None)


def get_input_type(kind: str) -> InputType | None:
    return _TYPES.get(kind)


def input_types() -> list[InputType]:
    """The registered types, in registration order."""
    return list(_TYPES.values())
