"""Geometry helpers: locating a point in a set of areas, and shape simplification."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True)
class Area:
    id: int
    number: str
    name: str


class OutsideAreas(LookupError):
    """The point lies in none of the areas."""


class AreaLocator:
    """Point-in-polygon over prepared shapes with an STR-tree, built once and reused.

    A point on the boundary between two areas belongs to both (``covers``); the answer is
    then the area with the lowest number, so it is deterministic and easy to explain.
    """

    def __init__(self, areas: Iterable[tuple[Area, BaseGeometry]]):
        items = sorted(areas, key=lambda item: item[0].number)
        self.areas: list[Area] = [area for area, _ in items]
        self.shapes: list[BaseGeometry] = [geom for _, geom in items]
        for geom in self.shapes:
            shapely.prepare(geom)
        self.tree = shapely.STRtree(self.shapes)
        self.boundary = shapely.union_all(self.shapes) if self.shapes else None
        # (west, south, east, north), computed once: GEOS walks every vertex for ``bounds``.
        self.bounds: tuple[float, float, float, float] | None = (
            tuple(self.boundary.bounds)
            if self.boundary is not None and not self.boundary.is_empty
            else None
        )

    def locate(self, lat: float, lon: float) -> Area:
        point = Point(lon, lat)
        for index in sorted(int(i) for i in self.tree.query(point, predicate="intersects")):
            if self.shapes[index].covers(point):
                return self.areas[index]
        raise OutsideAreas(f"({lat}, {lon}) lies outside all areas")


def _round(coords, ndigits: int):
    if isinstance(coords[0], int | float):
        return [round(c, ndigits) for c in coords]
    return [_round(c, ndigits) for c in coords]


def to_geojson(geom: BaseGeometry, ndigits: int | None = None) -> str:
    """GeoJSON text, with coordinates rounded to ``ndigits`` decimals if given. Rounding
    keeps shared vertices shared; a ring that rounding made invalid is repaired."""
    mapping = shapely.geometry.mapping(geom)
    if ndigits is not None:
        mapping = {"type": mapping["type"], "coordinates": _round(mapping["coordinates"], ndigits)}
        if not shape(mapping).is_valid:
            mapping = shapely.geometry.mapping(shapely.make_valid(shape(mapping)))
    return json.dumps(mapping, separators=(",", ":"))


def simplify_coverage(
    geoms: Sequence[BaseGeometry], tolerance: float, snapping_distance: float = 1e-5
) -> list[BaseGeometry]:
    """Simplify polygons that tile an area without opening gaps or overlaps between them.

    Published boundaries rarely form a clean coverage (slivers of a few m² overlap), and
    coverage simplification needs one: the coverage is cleaned first (snapping within
    ``snapping_distance`` degrees, about 1 m), then simplified with shared edges kept.
    """
    cleaned = shapely.coverage_clean(list(geoms), snapping_distance=snapping_distance)
    return list(shapely.coverage_simplify(cleaned, tolerance))
