"""The barrier map's aggregation (``/api/v1/offers/clusters``, ``/api/v1/barriers/clusters``):
the grid of :mod:`app.core.clusters`, for the offers catalogue and for barrier reports.

**Offers** are public facilities: a source of :mod:`app.core.clusters` counted live (a city
has hundreds of offers, not hundreds of thousands; no summary rows), with the list's filters
(``category`` = offer type code, ``district``), clusters and single offers as for proposals.

**Barrier reports** reveal disability or poverty. Planners and admins
(``can_view_barrier_details``) see the exact counts per cell of the zoom, every report the
moderation shows (public and "only for the administration"), and single reports. Everyone else
sees only *public* reports (the ones ``/api/v1/barriers`` lists: counting the administration's
reports too would let anyone subtract the listed ones from a cell) and only thresholded
figures (``BARRIER_MIN_CELL``, the summary's minimum, default 5):

* The unit of publication is the *atom*, a grid cell at zoom ``ATOM_ZOOM`` (14, about
  400 m × 400 m in Erfurt). An atom with at least the minimum of reports is *big*; its count
  is published (summed into the cell of the map's zoom that holds it).
* The reports of the *small* atoms (1 … minimum − 1) are merged into their *block*, the cell
  at zoom ``BLOCK_ZOOM`` (12, about 1.5 km) holding them. A block whose small atoms together
  reach the minimum is published with that merged count; a smaller remainder is shown only as
  "fewer than N" at the block, without a number.
* Every number published is therefore a sum of whole units (big atoms, merged blocks), each of
  at least the minimum, fixed by the grid alone: the same for every bbox (the request's bbox
  is widened to whole blocks or cells before counting) and every zoom. A small atom's reports
  never enter a number, so no difference of two answers (overlapping bboxes, two zooms) can
  isolate them; the public endpoint takes no other filters (a district filter would cut
  atoms in two and make differences possible). The smallest area any derived figure speaks
  about is one atom, and it then holds at least the minimum. No single report is published,
  and the answer's ``total`` is the sum of the published counts only (``total_is_shown_sum``).
* Clusters stand at the centre of their cell (a centroid would let two answers locate a
  report by differencing the weighted positions).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ..core import clusters, listing
from ..districts.models import District
from ..extensions import db
from .models import VISIBILITY_PUBLIC, BarrierReport, Offer, OfferType
from .services import min_cell

ATOM_ZOOM = 14  # the finest public cell (about 400 m in Erfurt)
BLOCK_ZOOM = 12  # small atoms are merged per block (about 1.5 km)


# --- offers: a live source of the shared aggregation --------------------------------------------


@dataclass
class OfferFilters(listing.Filters):
    """The offers' filters: bbox, ``category`` (the offer type's code), district."""


def offer_conditions(filters: OfferFilters) -> list:
    where = [Offer.active.is_(True)]
    if filters.bbox:
        west, south, east, north = filters.bbox
        where += [Offer.lat.between(south, north), Offer.lon.between(west, east)]
    if filters.category:
        where.append(
            Offer.type_id.in_(select(OfferType.id).where(OfferType.slug == filters.category))
        )
    if filters.district:
        where.append(
            Offer.district_id.in_(select(District.id).where(District.number == filters.district))
        )
    return where


@dataclass
class OfferRow:
    id: int
    name: str
    lat: float
    lon: float
    type: str
    type_name_de: str
    type_name_en: str
    district: str | None


def offers_by_ids(ids: list[int] | None, *, where: list | None = None) -> list[OfferRow]:
    query = (
        select(
            Offer.id,
            Offer.name,
            Offer.lat,
            Offer.lon,
            OfferType.slug,
            OfferType.name_de,
            OfferType.name_en,
            District.number,
        )
        .select_from(Offer)
        .join(OfferType, Offer.type_id == OfferType.id)
        .outerjoin(District, Offer.district_id == District.id)
    )
    return listing.rows_by_ids(query, Offer.id, OfferRow, ids, where)


OFFER_SOURCE = clusters.Source(
    kind="offer",
    model=Offer,
    conditions=offer_conditions,
    rows=offers_by_ids,
    category_model=OfferType,
    district_model=District,
    visible=("active", True),
    category_column="type_id",
    summarised=False,
)


def offer_feature(row: OfferRow, *, english: bool) -> dict:
    return listing.point_feature(
        row.lat,
        row.lon,
        {
            "id": row.id,
            "name": row.name,
            "type": row.type,
            "type_label": row.type_name_en if english else row.type_name_de,
            "district": row.district,
            "url": f"{url_for('barriers.new_report')}?offer={row.id}",
        },
    )


# --- barrier reports ------------------------------------------------------------------------


def _located(*, public_only: bool):
    """(lat, lon) expressions of a report (its offer's place, else its travelled-from
    district's label point) and the select of the counted reports."""
    origin = aliased(District)
    lat = func.coalesce(Offer.lat, origin.label_lat)
    lon = func.coalesce(Offer.lon, origin.label_lon)
    where = [BarrierReport.visible()]
    if public_only:
        where.append(BarrierReport.visibility == VISIBILITY_PUBLIC)
    base = (
        select(BarrierReport.id)
        .select_from(BarrierReport)
        .join(origin, BarrierReport.district_from_id == origin.id)
        .outerjoin(Offer, BarrierReport.offer_id == Offer.id)
        .where(*where)
    )
    return lat, lon, base


def _in_bbox(lat, lon, bbox):
    west, south, east, north = bbox
    return and_(lat.between(south, north), lon.between(west, east))


@dataclass
class Published:
    """One marker of the public barrier map."""

    x: int
    y: int
    grid: clusters.Grid
    count: int | None  # None: "fewer than N"
    merged: bool = False

    def feature(self, threshold: int) -> dict:
        west, south, east, north = self.grid.rectangle(self.x, self.y)
        return listing.point_feature(
            (south + north) / 2,
            (west + east) / 2,
            {
                "cluster": True,
                "count": self.count,
                "fewer_than": threshold if self.count is None else None,
                "merged": self.merged,
                "bounds": [round(v, 5) for v in (west, south, east, north)],
            },
        )


def public_barriers(bbox, zoom: int) -> dict:
    """The thresholded public barrier map of ``bbox`` at ``zoom`` (see the module docstring):
    one query."""
    threshold = min_cell()
    g = min(zoom, ATOM_ZOOM)
    grid = clusters.Grid.at(g)
    atoms_grid = clusters.Grid.at(ATOM_ZOOM)
    # Counted over whole blocks (or whole cells of the zoom, when larger): what a marker says
    # never depends on the bbox asked.
    outer = clusters.Grid.at(min(g, BLOCK_ZOOM))
    ox0, oy0, ox1, oy1 = outer.span(bbox)
    widened = outer.widen(bbox)
    margin = outer.step_lon / 1000  # the query's edges: the keys below decide
    lat, lon, base = _located(public_only=True)
    ax, ay = atoms_grid.keys(lat, lon)
    located = base.add_columns(ax.label("ax"), ay.label("ay")).where(
        _in_bbox(
            lat,
            lon,
            (widened[0] - margin, widened[1] - margin, widened[2] + margin, widened[3] + margin),
        )
    )
    inner = located.subquery()
    query = select(inner.c.ax, inner.c.ay, func.count()).group_by(inner.c.ax, inner.c.ay)
    shift_outer = ATOM_ZOOM - outer.zoom
    shift = ATOM_ZOOM - g
    shift_block = ATOM_ZOOM - BLOCK_ZOOM
    cells: dict[tuple[int, int], int] = {}
    blocks: dict[tuple[int, int], int] = {}
    for x, y, n in db.session.execute(query):
        if not (ox0 <= x >> shift_outer <= ox1 and oy0 <= y >> shift_outer <= oy1):
            continue
        if n >= threshold:
            key = (x >> shift, y >> shift)
            cells[key] = cells.get(key, 0) + n
        else:
            key = (x >> shift_block, y >> shift_block)
            blocks[key] = blocks.get(key, 0) + n
    x0, y0, x1, y1 = grid.span(bbox)
    markers: list[Published] = []
    fewer_cells: set[tuple[int, int]] = set()
    block_grid = clusters.Grid.at(BLOCK_ZOOM)
    for (bx, by), n in blocks.items():
        if g <= BLOCK_ZOOM:
            # A block lies inside one cell of the zoom: its merged count joins that cell.
            key = (bx >> (BLOCK_ZOOM - g), by >> (BLOCK_ZOOM - g))
            if n >= threshold:
                cells[key] = cells.get(key, 0) + n
            else:
                fewer_cells.add(key)
        else:
            # Cells smaller than a block: the block is its own marker (where it meets the view).
            bx0, by0 = bx << (g - BLOCK_ZOOM), by << (g - BLOCK_ZOOM)
            bx1, by1 = bx0 + (1 << (g - BLOCK_ZOOM)) - 1, by0 + (1 << (g - BLOCK_ZOOM)) - 1
            if bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1:
                continue
            markers.append(
                Published(bx, by, block_grid, n if n >= threshold else None, merged=True)
            )
    for (cx, cy), n in cells.items():
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            markers.append(Published(cx, cy, grid, n, merged=False))
    for cx, cy in fewer_cells:
        if (cx, cy) not in cells and x0 <= cx <= x1 and y0 <= cy <= y1:
            markers.append(Published(cx, cy, grid, None))
    markers.sort(key=lambda m: (m.grid.zoom, m.y, m.x))
    features = [m.feature(threshold) for m in markers]
    # "fewer than N more" on a published cell that also holds a small remainder
    for marker, feature in zip(markers, features, strict=True):
        feature["properties"]["more_below_threshold"] = (
            marker.count is not None and not marker.merged and (marker.x, marker.y) in fewer_cells
        )
    return {
        "type": "FeatureCollection",
        "zoom": zoom,
        "bbox": list(grid.widen(bbox)),
        "threshold": threshold,
        "exact": False,
        "total": sum(m.count for m in markers if m.count is not None),
        "total_is_shown_sum": True,
        "features": features,
    }


def exact_barriers(bbox, zoom: int) -> dict:
    """Planners: every report the moderation shows, counted exactly per cell of ``zoom``
    (centroids), single reports as features: two queries."""
    grid = clusters.Grid.at(zoom)
    x0, y0, x1, y1 = grid.span(bbox)
    widened = grid.widen(bbox)
    margin = grid.step_lon / 1000
    lat, lon, base = _located(public_only=False)
    cx, cy = grid.keys(lat, lon)
    located = base.add_columns(
        cx.label("cx"), cy.label("cy"), lat.label("lat"), lon.label("lon")
    ).where(
        _in_bbox(
            lat,
            lon,
            (widened[0] - margin, widened[1] - margin, widened[2] + margin, widened[3] + margin),
        )
    )
    inner = located.subquery()
    query = select(
        inner.c.cx,
        inner.c.cy,
        func.count(),
        func.sum(inner.c.lat),
        func.sum(inner.c.lon),
        func.min(inner.c.id),
    ).group_by(inner.c.cx, inner.c.cy)
    features, single_ids = [], []
    total = 0
    for x, y, n, lat_sum, lon_sum, first in db.session.execute(query):
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            continue
        total += n
        if n == 1:
            single_ids.append(first)
            continue
        features.append(
            listing.point_feature(
                lat_sum / n,
                lon_sum / n,
                {
                    "cluster": True,
                    "count": n,
                    "bounds": [round(v, 5) for v in grid.rectangle(x, y)],
                },
            )
        )
    if single_ids:
        origin = aliased(District)
        rows = db.session.execute(
            select(
                BarrierReport.id,
                BarrierReport.visibility,
                BarrierReport.offer_text,
                Offer.name,
                func.coalesce(Offer.lat, origin.label_lat),
                func.coalesce(Offer.lon, origin.label_lon),
            )
            .select_from(BarrierReport)
            .join(origin, BarrierReport.district_from_id == origin.id)
            .outerjoin(Offer, BarrierReport.offer_id == Offer.id)
            .where(BarrierReport.id.in_(single_ids))
            .order_by(BarrierReport.id.desc())
        )
        url = url_for("barriers.report", report_id=0)[:-1]
        for rid, visibility, offer_text, name, rlat, rlon in rows:
            features.append(
                listing.point_feature(
                    rlat,
                    rlon,
                    {
                        "id": rid,
                        "offer_name": name or offer_text,
                        "visibility": visibility,
                        "url": f"{url}{rid}",
                    },
                )
            )
    return {
        "type": "FeatureCollection",
        "zoom": zoom,
        "bbox": list(widened),
        "exact": True,
        "total": total,
        "features": features,
    }
