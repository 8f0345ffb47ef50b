"""Map aggregation: placed items counted per grid cell of the zoom level.

Written once for every placed domain (proposals, needs, …). A domain describes its items in
a :class:`Source` (its model, its listing's conditions — the very function its list uses, so
map and list can never disagree —, its category and district tables, a loader of rows by id)
and calls :func:`track` once; :func:`aggregate` answers the cells of a viewport.

**The grid.** At zoom ``z`` a cell is ``360 / 2**z / CELLS_PER_TILE`` degrees of longitude
wide (a quarter of a 256 px tile: 64 px on screen) and ``lat_ratio`` times that high, so that
cells are about square on screen at the map's latitude (``cos(MAP_CENTER latitude)``). Cell
keys are global — ``floor((lon + 180) / step)``, ``floor((lat + 90) / step)`` — so panning
never moves a boundary. Both values are non-negative, so SQLite's ``CAST(… AS INTEGER)``
(truncation) is PostgreSQL's ``floor`` and Python's ``math.floor``: the same IEEE doubles
divided the same way give the same keys everywhere. The bbox of a request is widened to whole
cells (the answer says which: ``bbox``), and the list under the map uses that bbox too.

**Two ways to count, one result.**

* *Summary* (zoom ``SUMMARY_ZOOMS``, 8–18, filters on category and district only — what
  the map shows unless a status or words are chosen): the table ``map_cells`` holds, per
  kind × zoom × cell × category × district, the count and the sums of lat/lon of the
  *visible* items, maintained on write by mapper events (insert, delete, and updates of the
  place, the category, the district or the moderation state) in the writer's transaction.
  Reading it costs the number of cells in view, not the number of items: the answer at city
  zoom takes the same time for 5,000 or 500,000 items (at high zoom a cell holds about one
  item, so the table holds about one row per item there). Bulk inserts that bypass the ORM
  call :func:`rebuild` (``flask map-cells``).
* *Live* (a status or word filter, or a zoom above 18): ``GROUP BY cell, category`` over
  the rows matching the listing's conditions in the bbox (index on lat/lon): cost grows with
  the items in view (with a selective filter, the filtered ones).

Cells holding at most ``single_max`` items come back as the items themselves (one more
query, by id or by cell rectangle), all others as clusters with counts per category. The
counts add up to exactly the matching items in the (widened) bbox. See "Map aggregation" in
``docs/architecture.md`` and ``bench/map_bench.py``.

**Bounded answers.** A bbox may cover at most ``MAX_CELLS`` cells of its zoom; a larger one
is refused, so the answer never grows with the table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import (
    BigInteger,
    Float,
    Integer,
    SmallInteger,
    String,
    and_,
    delete,
    event,
    func,
    inspect,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from ..extensions import db
from .numbers import NumberError, parse_int

CELLS_PER_TILE = 4  # cells across one 256 px tile: 64 px cells
MAX_CELLS = 4000  # cells a bbox may cover (e.g. 2560 × 1600 px is 40 × 25 = 1,000)
MIN_ZOOM, MAX_ZOOM = 0, 22
# Zoom levels kept in map_cells: the maps' whole range (TILE_MIN_ZOOM 10 … TILE_MAX_ZOOM 18)
# and two below; above 18 (API only) the count is live.
SUMMARY_ZOOMS = tuple(range(8, 19))
SINGLE_MAX = 1  # a cell with at most this many items shows them one by one
SINGLE_CELLS_MAX = 400  # summary: cells of one item looked up per request (rest: clusters)
DEFAULT_MAP_CENTER_LAT = 50.978


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


class MapCell(db.Model):
    """The summary: visible items of one kind per zoom × cell × category × district."""

    __tablename__ = "map_cells"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    zoom: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    lat_sum: Mapped[float] = mapped_column(Float, default=0.0)
    lon_sum: Mapped[float] = mapped_column(Float, default=0.0)
    # The sum of the items' ids: a cell of one item names it (the map's single markers are
    # read by id, not searched for in the cell's rectangle). Migration 0020.
    id_sum: Mapped[int] = mapped_column(BigInteger, default=0)


def lat_ratio() -> float:
    """Cells are square on screen at the map's centre latitude (``MAP_CENTER``). Changing
    ``MAP_CENTER`` changes the grid: run ``flask map-cells`` then."""
    lat = DEFAULT_MAP_CENTER_LAT
    if has_app_context():
        lat = current_app.config.get("MAP_CENTER", (lat, 0))[0]
    return math.cos(math.radians(lat))


@dataclass(frozen=True)
class Grid:
    zoom: int
    step_lon: float
    step_lat: float

    @classmethod
    def at(cls, zoom: int, ratio: float | None = None) -> Grid:
        step = 360.0 / (2**zoom) / CELLS_PER_TILE
        return cls(zoom, step, step * (lat_ratio() if ratio is None else ratio))

    def key(self, lat: float, lon: float) -> tuple[int, int]:
        """The cell (x, y) of a point, as the database computes it."""
        return math.floor((lon + 180.0) / self.step_lon), math.floor((lat + 90.0) / self.step_lat)

    def keys(self, lat, lon) -> tuple[ColumnElement, ColumnElement]:
        """SQL expressions of the cell keys (x, y) of the columns ``lat``, ``lon``."""
        x = cell_index((lon + 180.0) / literal(self.step_lon, Float))
        y = cell_index((lat + 90.0) / literal(self.step_lat, Float))
        return x, y

    def rectangle(self, x: int, y: int) -> tuple[float, float, float, float]:
        """(west, south, east, north) of a cell."""
        return (
            x * self.step_lon - 180.0,
            y * self.step_lat - 90.0,
            (x + 1) * self.step_lon - 180.0,
            (y + 1) * self.step_lat - 90.0,
        )

    def span(self, bbox) -> tuple[int, int, int, int]:
        west, south, east, north = bbox
        x0, y0 = self.key(south, west)
        x1, y1 = self.key(north, east)
        return x0, y0, x1, y1

    def widen(self, bbox) -> tuple[float, float, float, float]:
        """The bbox widened to whole cells (within the world)."""
        x0, y0, x1, y1 = self.span(bbox)
        west, south = self.rectangle(x0, y0)[:2]
        east, north = self.rectangle(x1, y1)[2:]
        return (max(-180.0, west), max(-90.0, south), min(180.0, east), min(90.0, north))

    def cells_in(self, bbox) -> int:
        x0, y0, x1, y1 = self.span(bbox)
        return (x1 - x0 + 1) * (y1 - y0 + 1)


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


# --- the sources ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A placed kind of item on the map (registered by its domain with :func:`track`).

    ``conditions(filters)`` is the listing's own list of SQL conditions (visibility included);
    ``rows(ids)`` loads the listing's rows by id; ``summary_filters`` are the filters the
    summary can answer (category and district); ``visible`` is the column and value of the
    items the summary counts (the listing's visibility rule)."""

    kind: str
    model: Any
    conditions: Callable
    rows: Callable
    category_model: Any
    district_model: Any
    visible: tuple[str, Any]
    summary_filters: tuple[str, ...] = ("category", "district")
    # The model's column of the category (the offers' type is ``type_id``).
    category_column: str = "category_id"
    # Kept in ``map_cells`` (registered with :func:`track`); ``False`` for a small kind that is
    # always counted live (registered with :func:`register`: no write events, no summary rows).
    summarised: bool = True


SOURCES: dict[str, Source] = {}
_FIELDS = ("lat", "lon", "category_id", "district_id")


def track(source: Source) -> None:
    """Keep ``map_cells`` up to date for ``source.model`` on every ORM write (once)."""
    if source.kind in SOURCES:
        return
    SOURCES[source.kind] = source
    model = source.model
    # The old values must be known when an attribute changes, even if it was not loaded.
    for name in (*_FIELDS, source.visible[0]):
        event.listen(getattr(model, name), "set", _noop, active_history=True)
    event.listen(model, "after_insert", lambda _m, conn, obj: _add(conn, source, obj, None, 1))
    event.listen(model, "after_delete", lambda _m, conn, obj: _add(conn, source, obj, None, -1))
    event.listen(model, "after_update", lambda _m, conn, obj: _updated(conn, source, obj))


def register(source: Source) -> None:
    """Make ``source`` (``summarised=False``) known to the aggregation, counted live only."""
    if source.summarised:
        raise ValueError("a summarised source is registered with track()")
    SOURCES.setdefault(source.kind, source)


def _noop(*_args):
    return None


def _values(source: Source, obj, old: bool) -> tuple | None:
    """(lat, lon, category_id, district_id, id) of ``obj`` now or before the flush; ``None``
    if the summary does not count it (not visible)."""
    state = inspect(obj)

    def value(name):
        if old:
            history = state.attrs[name].history
            if history.deleted:
                return history.deleted[0]
        return getattr(obj, name)

    column, shown = source.visible
    if value(column) != shown:
        return None
    values = tuple(value(name) for name in _FIELDS)
    return None if any(v is None for v in values) else (*values, obj.id)


def _updated(connection, source: Source, obj) -> None:
    state = inspect(obj)
    names = (*_FIELDS, source.visible[0])
    if not any(state.attrs[name].history.has_changes() for name in names):
        return
    before, after = _values(source, obj, True), _values(source, obj, False)
    if before == after:
        return
    if before:
        _change(connection, source.kind, before, -1)
    if after:
        _change(connection, source.kind, after, 1)


def _add(connection, source: Source, obj, _unused, sign: int) -> None:
    values = _values(source, obj, sign < 0)
    if values:
        _change(connection, source.kind, values, sign)


def _upsert(connection):
    return (postgresql if connection.dialect.name == "postgresql" else sqlite).insert


def _change(connection, kind: str, values: tuple, sign: int) -> None:
    """Add ``sign`` (±1) item at ``values`` to its cell at every summary zoom: one statement."""
    lat, lon, category_id, district_id, item_id = values
    ratio = lat_ratio()
    rows = []
    for zoom in SUMMARY_ZOOMS:
        cx, cy = Grid.at(zoom, ratio).key(lat, lon)
        rows.append(
            {
                "kind": kind,
                "zoom": zoom,
                "cx": cx,
                "cy": cy,
                "category_id": category_id,
                "district_id": district_id,
                "count": sign,
                "lat_sum": sign * lat,
                "lon_sum": sign * lon,
                "id_sum": sign * item_id,
            }
        )
    table = MapCell.__table__
    statement = _upsert(connection)(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={
            "count": table.c.count + statement.excluded.count,
            "lat_sum": table.c.lat_sum + statement.excluded.lat_sum,
            "lon_sum": table.c.lon_sum + statement.excluded.lon_sum,
            "id_sum": table.c.id_sum + statement.excluded.id_sum,
        },
    )
    connection.execute(statement)


def rebuild(kind: str | None = None) -> int:
    """Recount ``map_cells`` for one kind (all without): after bulk inserts that bypass the
    ORM, or a change of ``MAP_CENTER``. One statement per zoom; returns the cells written."""
    kinds = [kind] if kind else [k for k, source in SOURCES.items() if source.summarised]
    for source in (SOURCES[k] for k in kinds):
        db.session.execute(delete(MapCell).where(MapCell.kind == source.kind))
        column, shown = source.visible
        for statement in rebuild_statements(
            source.kind, source.model, getattr(source.model, column) == shown
        ):
            db.session.execute(statement)
    db.session.flush()
    return db.session.scalar(select(func.count()).where(MapCell.kind.in_(kinds)))


def rebuild_statements(kind: str, columns, counted, *, id_sum: bool = True) -> list:
    """``INSERT … SELECT`` per summary zoom counting the rows of ``columns`` (a model or a
    table's ``c``: ``id``, ``lat``, ``lon``, ``category_id``, ``district_id``) for which
    ``counted`` holds (also used by the migrations: 0010 created the table without
    ``id_sum``)."""
    statements = []
    for zoom in SUMMARY_ZOOMS:
        x, y = Grid.at(zoom).keys(columns.lat, columns.lon)
        inner = (
            select(
                x.label("cx"),
                y.label("cy"),
                columns.category_id.label("category_id"),
                columns.district_id.label("district_id"),
                columns.lat.label("lat"),
                columns.lon.label("lon"),
                columns.id.label("id"),
            )
            .where(counted, columns.lat.is_not(None), columns.lon.is_not(None))
            .subquery()
        )
        grouped = select(
            literal(kind, String),
            literal(zoom, SmallInteger),
            inner.c.cx,
            inner.c.cy,
            inner.c.category_id,
            inner.c.district_id,
            func.count(),
            func.sum(inner.c.lat),
            func.sum(inner.c.lon),
            *([func.sum(inner.c.id)] if id_sum else []),
        ).group_by(inner.c.cx, inner.c.cy, inner.c.category_id, inner.c.district_id)
        names = ["kind", "zoom", "cx", "cy", "category_id", "district_id", "count"]
        names += ["lat_sum", "lon_sum", *(["id_sum"] if id_sum else [])]
        statements.append(
            MapCell.__table__.insert().from_select(names, grouped, include_defaults=False)
        )
    return statements


# --- counting ---------------------------------------------------------------------------------


@dataclass
class Cell:
    """A cluster, or the cell of single items (``ids``)."""

    x: int
    y: int
    count: int = 0
    lat_sum: float = 0.0
    lon_sum: float = 0.0
    id_sum: int = 0
    categories: dict = field(default_factory=dict)
    ids: list = field(default_factory=list)
    grid: Grid | None = None

    @property
    def lat(self) -> float:
        return round(self.lat_sum / self.count, 5)

    @property
    def lon(self) -> float:
        return round(self.lon_sum / self.count, 5)

    @property
    def bounds(self) -> list[float]:
        """``[west, south, east, north]`` of the cell (for zooming in)."""
        return [round(v, 5) for v in self.grid.rectangle(self.x, self.y)]


@dataclass
class Aggregate:
    zoom: int
    total: int
    bbox: tuple[float, float, float, float]
    clusters: list[Cell]
    singles: list  # the rows of single items, as the source's ``rows`` gives them
    summary: bool


def uses_summary(source: Source, filters, grid: Grid) -> bool:
    """Whether the summary can answer: a summary zoom and only the filters it keeps."""
    if not source.summarised or grid.zoom not in SUMMARY_ZOOMS:
        return False
    if filters.q:
        return False
    return not any(
        getattr(filters, name, None)
        for name in filters.choices
        if name not in source.summary_filters
    )


def aggregate(
    source: Source, filters, grid: Grid, *, single_max: int = SINGLE_MAX, summary: bool = True
) -> Aggregate:
    """Count what ``filters`` select in ``filters.bbox`` (widened to whole cells) per cell of
    ``grid``: from the summary when it can answer (``summary=False`` forces the live count),
    else live. Two or three queries. Raises :class:`ClusterError` for too many cells."""
    if grid.cells_in(filters.bbox) > MAX_CELLS:
        raise ClusterError(
            _(
                "The area “bbox” is too large for zoom %(zoom)d: zoom out or choose a "
                "smaller area.",
                zoom=grid.zoom,
            )
        )
    # The cells of the bbox as asked (the widened bbox's own edges could fall a rounding
    # error into the next cell).
    span = grid.span(filters.bbox)
    filters = replace(filters, bbox=grid.widen(filters.bbox), cursor=None)
    from_summary = summary and uses_summary(source, filters, grid)
    if from_summary:
        cells = _from_summary(source, filters, grid, span)
    else:
        cells = _live(source, filters, grid)
    clusters, single_cells = [], []
    for key in sorted(cells, key=lambda k: (k[1], k[0])):
        cell = cells[key]
        (single_cells if cell.count <= single_max else clusters).append(cell)
    singles = _singles(source, filters, grid, single_cells, from_summary, clusters)
    total = sum(cell.count for cell in cells.values())
    clusters.sort(key=lambda c: (c.y, c.x))
    return Aggregate(grid.zoom, total, filters.bbox, clusters, singles, from_summary)


def _cell(cells: dict, grid: Grid, x: int, y: int) -> Cell:
    cell = cells.get((x, y))
    if cell is None:
        cell = cells[(x, y)] = Cell(x, y, grid=grid)
    return cell


def _live(source: Source, filters, grid: Grid) -> dict:
    model = source.model
    x, y = grid.keys(model.lat, model.lon)
    inner = (
        select(
            x.label("cx"),
            y.label("cy"),
            getattr(model, source.category_column).label("cat"),
            model.lat.label("lat"),
            model.lon.label("lon"),
            model.id.label("id"),
        )
        .where(and_(*source.conditions(filters)))
        .subquery()
    )
    query = select(
        inner.c.cx,
        inner.c.cy,
        inner.c.cat,
        func.count(),
        func.sum(inner.c.lat),
        func.sum(inner.c.lon),
        func.min(inner.c.id),
    ).group_by(inner.c.cx, inner.c.cy, inner.c.cat)
    cells: dict = {}
    for cx, cy, cat, n, lat_sum, lon_sum, first in db.session.execute(query):
        cell = _cell(cells, grid, cx, cy)
        cell.count += n
        cell.lat_sum += lat_sum
        cell.lon_sum += lon_sum
        cell.categories[cat] = cell.categories.get(cat, 0) + n
        if n == 1:
            cell.ids.append(first)
    return cells


def _from_summary(source: Source, filters, grid: Grid, span) -> dict:
    x0, y0, x1, y1 = span
    where = [
        MapCell.kind == source.kind,
        MapCell.zoom == grid.zoom,
        MapCell.cx.between(x0, x1),
        MapCell.cy.between(y0, y1),
    ]
    if filters.category:
        model = source.category_model
        where.append(
            MapCell.category_id.in_(select(model.id).where(model.slug == filters.category))
        )
    if filters.district:
        model = source.district_model
        where.append(
            MapCell.district_id.in_(select(model.id).where(model.number == filters.district))
        )
    query = (
        select(
            MapCell.cx,
            MapCell.cy,
            MapCell.category_id,
            func.sum(MapCell.count),
            func.sum(MapCell.lat_sum),
            func.sum(MapCell.lon_sum),
            func.sum(MapCell.id_sum),
        )
        .where(*where)
        .group_by(MapCell.cx, MapCell.cy, MapCell.category_id)
        .having(func.sum(MapCell.count) > 0)
    )
    cells: dict = {}
    for cx, cy, cat, n, lat_sum, lon_sum, id_sum in db.session.execute(query):
        cell = _cell(cells, grid, cx, cy)
        cell.count += int(n)
        cell.lat_sum += lat_sum
        cell.lon_sum += lon_sum
        cell.id_sum += int(id_sum or 0)
        cell.categories[cat] = cell.categories.get(cat, 0) + int(n)
    return cells


def _singles(source, filters, grid, single_cells, from_summary, clusters) -> list:
    """The rows of the single items (one query; none without). Live: by id. Summary: a cell
    of one item by its id (the cell's ``id_sum``), a cell of more (``single_max`` > 1) by
    its rectangle; kept where exactly the expected items were found in their cell (a cell
    whose items are not all found stays a cluster)."""
    if not single_cells:
        return []
    if not from_summary:
        ids = [i for cell in single_cells for i in cell.ids]
        return source.rows(ids)
    wanted = {(c.x, c.y): c for c in single_cells[:SINGLE_CELLS_MAX]}
    clusters += single_cells[SINGLE_CELLS_MAX:]
    model = source.model
    if all(c.count == 1 for c in wanted.values()):
        # Profiled at zoom 16 (bench/map_bench.py): searching ~150 cells' rectangles (a UNION
        # ALL of index probes, built per request) took two thirds of the answer; by id it is
        # one lookup per item.
        rows = source.rows(
            None,
            where=[
                *source.conditions(replace(filters, bbox=None)),
                model.id.in_([c.id_sum for c in wanted.values()]),
            ],
        )
        return _kept(rows, grid, wanted, clusters)
    # One index probe per row of cells (UNION ALL of thin lat/lon ranges; what lies in other
    # cells of the row is dropped below), then the listing's conditions on the few ids found:
    # an OR of rectangles would make the database scan.
    rows_of_cells: dict[int, list[int]] = {}
    for x, y in wanted:
        rows_of_cells.setdefault(y, []).append(x)
    probes = []
    for y, xs in sorted(rows_of_cells.items()):
        west, south, _east, north = grid.rectangle(min(xs), y)
        east = grid.rectangle(max(xs), y)[2]
        probes.append(
            select(model.id).where(
                model.lat >= south, model.lat <= north, model.lon >= west, model.lon <= east
            )
        )
    ids = union_all(*probes) if len(probes) > 1 else probes[0]
    rows = source.rows(
        None,
        where=[*source.conditions(replace(filters, bbox=None)), model.id.in_(ids)],
    )
    return _kept(rows, grid, wanted, clusters)


def _kept(rows, grid, wanted, clusters) -> list:
    """The rows found in the ``wanted`` cells, where each cell's count was found (the others
    join ``clusters``), newest first."""
    found: dict = {}
    for row in rows:
        key = grid.key(row.lat, row.lon)
        if key in wanted:
            found.setdefault(key, []).append(row)
    singles = []
    for key, cell in wanted.items():
        items = found.get(key, [])
        if len(items) == cell.count:
            singles += items
        else:
            clusters.append(cell)
    return sorted(singles, key=lambda r: -r.id)
