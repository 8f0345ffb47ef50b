"""A small static map of a place: its district's outline with a dot, as SVG (no tiles, no
script), and the words that say the same for people who cannot see it ("in the north-east of
the district"). Item pages show these instead of raw coordinates."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from .models import District

WIDTH = 240
HEIGHT = 180
PAD = 8
_CACHE_KEY = "quartier.district_outlines"

# where in its district a place lies: the compass sector of the point seen from the middle of
# the district's bounding box, or the middle itself
POSITIONS = {
    "centre": _l("in the middle of the district"),
    "n": _l("in the north of the district"),
    "ne": _l("in the north-east of the district"),
    "e": _l("in the east of the district"),
    "se": _l("in the south-east of the district"),
    "s": _l("in the south of the district"),
    "sw": _l("in the south-west of the district"),
    "w": _l("in the west of the district"),
    "nw": _l("in the north-west of the district"),
}
_SECTORS = ("e", "ne", "n", "nw", "w", "sw", "s", "se")


@dataclass(frozen=True)
class Outline:
    rings: tuple[tuple[tuple[float, float], ...], ...]  # (lon, lat) rings
    bounds: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    if geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[(x, y) for x, y, *_ in ring] for polygon in polygons for ring in polygon]


def outline(district: District) -> Outline:
    """The district's simplified outline (read once per process and district)."""
    cache = current_app.extensions.setdefault(_CACHE_KEY, {})
    key = (district.id, district.updated_at)
    if key not in cache:
        text = db.session.scalar(
            select(District.geometry_simplified).where(District.id == district.id)
        )
        rings = _rings(json.loads(text)) if text else []
        xs = [x for ring in rings for x, _ in ring] or [district.label_lon]
        ys = [y for ring in rings for _, y in ring] or [district.label_lat]
        cache[key] = Outline(
            tuple(tuple(ring) for ring in rings), (min(xs), min(ys), max(xs), max(ys))
        )
    return cache[key]


def position(district: District, lat: float, lon: float) -> str:
    """The key of :data:`POSITIONS` for a point in ``district``."""
    min_lon, min_lat, max_lon, max_lat = outline(district).bounds
    half_x = max((max_lon - min_lon) / 2, 1e-9) * math.cos(math.radians(lat))
    half_y = max((max_lat - min_lat) / 2, 1e-9)
    dx = (lon - (min_lon + max_lon) / 2) * math.cos(math.radians(lat)) / half_x
    dy = (lat - (min_lat + max_lat) / 2) / half_y
    if math.hypot(dx, dy) < 0.35:
        return "centre"
    angle = math.degrees(math.atan2(dy, dx)) % 360
    return _SECTORS[int(((angle + 22.5) % 360) // 45)]


def describe(district: District, lat: float, lon: float) -> str:
    """The text alternative of the sketch, e.g. "The place lies in the north-east of the
    district 23 Moskauer Platz."."""
    where = str(POSITIONS[position(district, lat, lon)])
    name = f"{district.number} {district.name}"
    return str(_l("The place lies %(where)s %(name)s.", where=where, name=name))


def svg(district: District, lat: float, lon: float) -> Markup:
    """The sketch: the outline scaled into the box (north up, lengths true at the district's
    latitude) and a dot with a ring at the place. Hidden from assistive technology: the page
    says the same in words (:func:`describe`) beside it."""
    shape = outline(district)
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * k, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    off_x = (WIDTH - span_x * scale) / 2
    off_y = (HEIGHT - span_y * scale) / 2

    def project(x: float, y: float) -> tuple[float, float]:
        return off_x + (x - min_lon) * k * scale, off_y + (max_lat - y) * scale

    path = " ".join(
        "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in (project(x, y) for x, y in ring)) + " Z"
        for ring in shape.rings
    )
    cx, cy = project(lon, lat)
    return Markup(  # noqa: S704 - numbers and constants only, nothing from input
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" class="place-sketch-map" aria-hidden="true" '
        'focusable="false">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f3f6f9"/>'
        f'<path d="{path}" fill="#ffffff" stroke="#4a5560" stroke-width="2" '
        f'fill-rule="evenodd"/>'
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="none" stroke="#ffffff" '
        f'stroke-width="4"/>'
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="none" stroke="#b00020" '
        f'stroke-width="2.5"/>'
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="#b00020"/>'
        "</svg>"
    )
