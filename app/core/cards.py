"""What the cards of proposals and needs show besides their row (templates/macros/cards.html):
the category's icon and colour, the age ("vor 3 Tagen"). Pure functions of the row's values:
no query, so a list of cards costs what its listing query costs."""

from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta

from flask import Flask, url_for
from flask_babel import format_timedelta

from .time import as_utc, utcnow

# The icons of templates/macros/icons.html, by the category's ``icon`` (data), else its slug.
ICONS = (
    "book",
    "child",
    "cane",
    "family",
    "bus",
    "tree",
    "house",
    "health",
    "theatre",
    "shield",
    "dot",
)
ICON_BY_SLUG = {
    "education": "book",
    "children-youth": "child",
    "seniors": "cane",
    "families": "family",
    "mobility": "bus",
    "green-play": "tree",
    "housing": "house",
    "health": "health",
    "culture": "theatre",
    "safety": "shield",
}
PALETTE_SIZE = 8  # .card-icon-palette-1 … -8 in quartier.css (design tokens)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def icon_key(icon: str | None, slug: str | None) -> str:
    """The icon to draw: the category's own if we have it, else the slug's, else a dot."""
    if icon in ICONS:
        return icon
    return ICON_BY_SLUG.get(slug or "", "dot")


def category_colour(colour: str | None) -> str | None:
    """The category's colour from its data when it is a plain ``#rrggbb`` (it goes into an
    SVG ``fill`` attribute), else ``None``: then the palette colours the icon."""
    return colour if colour and _COLOUR.fullmatch(colour) else None


def palette_index(slug: str | None) -> int:
    """A stable palette colour (1 … PALETTE_SIZE) for a category without a colour."""
    return zlib.crc32((slug or "").encode()) % PALETTE_SIZE + 1


def age(when: datetime | None, now: datetime | None = None) -> str:
    """How long ago, in the current language ("vor 3 Tagen", "3 days ago")."""
    if when is None:
        return ""
    delta = as_utc(when) - (now or utcnow())
    if delta.total_seconds() > -1:  # just now, or clocks a little apart: not "in 0 minutes"
        delta = timedelta(seconds=-1)
    return format_timedelta(delta, granularity="minute", add_direction=True)


def utc_iso(when: datetime | None) -> str:
    """For ``<time datetime>``: ISO 8601 with the UTC offset (SQLite hands back naive UTC)."""
    return as_utc(when).isoformat() if when is not None else ""


def url_pattern(endpoint: str, param: str) -> str:
    """The URL of ``endpoint`` with ``__ID__`` for the id (``param``): built once for a
    list, the cards replace the placeholder (no ``url_for`` per row)."""
    url = url_for(endpoint, **{param: _SENTINEL})
    head, found, tail = url.rpartition(str(_SENTINEL))
    if not found:
        raise ValueError(f"{endpoint} does not put {param} into its path")
    return f"{head}__ID__{tail}"


_SENTINEL = 987654321


def init_app(app: Flask) -> None:
    app.jinja_env.filters["age"] = age
    app.jinja_env.filters["utc_iso"] = utc_iso
    app.jinja_env.globals.update(
        card_icon_key=icon_key,
        card_category_colour=category_colour,
        card_palette_index=palette_index,
        card_url=url_pattern,
    )
