"""Map aggregation: placed items counted per grid cell of the zoom level, in SQL.

Written once for every placed domain (proposals, needs, …): the domain gives its SQL
conditions (the very list its listing uses, so the map and the list can never disagree), the
id, lat/lon and category columns; this module answers the cells of a viewport.

**The grid.** At zoom ``z`` a cell is ``360 / 2**z / CELLS_PER_TILE`` degrees of longitude
wide (a quarter of a 256 px tile: 64 px on screen) and ``lat_ratio`` times that high, so the
cells are about square on screen at the city's latitude (``lat_ratio = cos(latitude)``). Cell
keys are global — ``floor((lon + 180) / step)`` and ``floor((lat + 90) / step)`` — so panning
never moves a cell boundary. Both values are non-negative, so SQLite's ``CAST(… AS INTEGER)``
(truncation) equals PostgreSQL's ``floor``: the same IEEE doubles divided the same way give the
same keys on both.

**One query.** ``GROUP BY cell, category`` over the rows matching the conditions (bbox among
them), with ``count``, the sums of lat/lon (centroid), min/max lat/lon (the cluster's extent,
for zooming in) and the smallest id (the item itself when a cell holds one). Cells holding at
most ``single_max`` items come back as single items (the domain loads their details by id,
one more query); all others as clusters with counts per category. The sum of all counts is
exactly the number of matching items in the bbox. See "Map aggregation" in
``docs/architecture.md`` for the choice against stored cell keys, and ``bench/map_bench.py``.

**Bounded answers.** A bbox may cover at most ``MAX_CELLS`` cells of its zoom (a large screen
at that zoom); a larger one is refused, so the answer never grows with the table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Float, Integer, and_, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from ..extensions import db
from .numbers import NumberError, parse_int

CELLS_PER_TILE = 4  # cells across one 256 px tile: 64 px cells
MAX_CELLS = 4000  # cells a bbox may cover (e.g. 2560 × 1600 px is 40 × 25 = 1,000)
MIN_ZOOM, MAX_ZOOM = 0, 22
SINGLE_MAX = 1  # a cell with at most this many items shows them one by one


class ClusterError(ValueError):
    """A parameter of the aggregation is invalid; the message is translated."""


class cell_index(FunctionElement):  # noqa: N801 - an SQL function, named like one
    """``floor(value)`` as an integer for a non-negative ``value``, the same on every
    database (SQLite has no ``floor`` unless compiled with its maths functions)."""

    type = Integer()
    inherit_cache = True


@compiles(cell_index)
def _cell_index_default(element, compiler, **kw):
    return f"CAST(FLOOR({compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(cell_index, "sqlite")
def _cell_index_sqlite(element, compiler, **kw):
    # Truncation is floor for the non-negative values the grid gives.
    return f"CAST({compiler.process(element.clauses, **kw)} AS INTEGER)"


@dataclass(frozen=True)
class Grid:
    zoom: int
    step_lon: float
    step_lat: float

    @classmethod
    def at(cls, zoom: int, lat_ratio: float) -> Grid:
        step = 360.0 / (2**zoom) / CELLS_PER_TILE
        return cls(zoom, step, step * lat_ratio)

    def cells_in(self, bbox: tuple[float, float, float, float]) -> int:
        west, south, east, north = bbox
        across = math.floor((east + 180) / self.step_lon) - math.floor((west + 180) / self.step_lon)
        down = math.floor((north + 90) / self.step_lat) - math.floor((south + 90) / self.step_lat)
        return (across + 1) * (down + 1)

    def keys(self, lat, lon) -> tuple[ColumnElement, ColumnElement]:
        """SQL expressions of the cell keys (x, y) of the columns ``lat``, ``lon``."""
        x = cell_index((lon + 180.0) / _float(self.step_lon))
        y = cell_index((lat + 90.0) / _float(self.step_lat))
        return x, y


def _float(value: float):
    return literal(value, Float)


def parse_zoom(raw) -> int:
    try:
        zoom = parse_int(raw, low=MIN_ZOOM, high=MAX_ZOOM)
    except NumberError:
        zoom = None
    if zoom is None:
        raise ClusterError(
            _(
                "The parameter “zoom” must be a whole number from %(low)d to %(high)d.",
                low=MIN_ZOOM,
                high=MAX_ZOOM,
            )
        )
    return zoom


@dataclass
class Cell:
    """A cluster (``count`` > ``single_max``) or the cell of single items (``ids``)."""

    x: int
    y: int
    count: int = 0
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    south: float = 90.0
    north: float = -90.0
    west: float = 180.0
    east: float = -180.0
    categories: dict = field(default_factory=dict)
    ids: list = field(default_factory=list)

    @property
    def lat(self) -> float:
        return round(self.lat_sum / self.count, 5)

    @property
    def lon(self) -> float:
        return round(self.lon_sum / self.count, 5)

    @property
    def bounds(self) -> list[float]:
        """``[west, south, east, north]`` of the items in the cell (5 decimals)."""
        return [round(v, 5) for v in (self.west, self.south, self.east, self.north)]


@dataclass
class Aggregate:
    zoom: int
    total: int
    clusters: list[Cell]
    single_ids: list[int]


def aggregate(
    *,
    id_column,
    lat,
    lon,
    category_column,
    where: list,
    grid: Grid,
    bbox: tuple[float, float, float, float],
    single_max: int = SINGLE_MAX,
) -> Aggregate:
    """Count the rows matching ``where`` (which must include the bbox condition) per cell of
    ``grid``: one query. Raises :class:`ClusterError` if the bbox covers too many cells."""
    if grid.cells_in(bbox) > MAX_CELLS:
        raise ClusterError(
            _(
                "The area “bbox” is too large for zoom %(zoom)d: zoom out or choose a "
                "smaller area.",
                zoom=grid.zoom,
            )
        )
    x, y = grid.keys(lat, lon)
    inner = (
        select(
            x.label("cx"),
            y.label("cy"),
            category_column.label("cat"),
            lat.label("lat"),
            lon.label("lon"),
            id_column.label("id"),
        )
        .where(and_(*where))
        .subquery()
    )
    query = select(
        inner.c.cx,
        inner.c.cy,
        inner.c.cat,
        func.count(),
        func.sum(inner.c.lat),
        func.sum(inner.c.lon),
        func.min(inner.c.lat),
        func.max(inner.c.lat),
        func.min(inner.c.lon),
        func.max(inner.c.lon),
        func.min(inner.c.id),
    ).group_by(inner.c.cx, inner.c.cy, inner.c.cat)
    cells: dict[tuple[int, int], Cell] = {}
    for cx, cy, cat, n, lat_sum, lon_sum, south, north, west, east, first in db.session.execute(
        query
    ):
        cell = cells.get((cx, cy))
        if cell is None:
            cell = cells[(cx, cy)] = Cell(cx, cy)
        cell.count += n
        cell.lat_sum += lat_sum
        cell.lon_sum += lon_sum
        cell.south, cell.north = min(cell.south, south), max(cell.north, north)
        cell.west, cell.east = min(cell.west, west), max(cell.east, east)
        cell.categories[cat] = cell.categories.get(cat, 0) + n
        if n == 1:
            cell.ids.append(first)
    clusters, single_ids = [], []
    for key in sorted(cells, key=lambda k: (k[1], k[0])):
        cell = cells[key]
        if cell.count <= single_max and len(cell.ids) == cell.count:
            single_ids += cell.ids
        else:
            clusters.append(cell)
    total = sum(cell.count for cell in cells.values())
    return Aggregate(grid.zoom, total, clusters, sorted(single_ids))
