"""``GET /api/v1/needs``: GeoJSON of the visible needs of the district councils, filtered in
SQL, capped and paged like ``/api/v1/proposals``.

Parameters: ``bbox=minLon,minLat,maxLon,maxLat``, ``category`` (code), ``district``
(number), ``priority`` (high, medium, low), ``status`` (open, in_progress, met, closed),
``limit`` (1–600, default 500), ``cursor`` (from ``next``). No personal data: a need names its
council and the poster's role, never the person.
"""

from __future__ import annotations

from flask import request

from ..api.blueprint import bp
from ..api.listing import cluster_collection, geojson_page
from ..core.listing import point_feature
from ..core.page_cache import cached
from ..core.permissions import public
from . import listing
from .services import PRIORITY_LABELS, ROLE_LABELS, council_label, status_label


def feature(row: listing.Row) -> dict:
    return point_feature(
        row.lat,
        row.lon,
        {
            "id": row.id,
            "title": row.title,
            "category": row.category,
            "district": row.district,
            "council": row.council_name,
            "council_label": council_label(row.council_name),
            "author_role": row.author_role,
            "role_label": str(ROLE_LABELS.get(row.author_role, row.author_role)),
            "priority": row.priority,
            "priority_label": str(PRIORITY_LABELS.get(row.priority, row.priority)),
            "status": row.status,
            "status_label": status_label(row.status),
            "place_from_map": row.place_from_map,
            "supports": row.supports,
            "url": f"{request.script_root}/bedarfe/{row.id}",
        },
    )


@bp.get("/needs")
@public
@cached(anyone=True)
def needs():
    return geojson_page("api.needs", listing.Filters, listing.find, feature)


@bp.get("/needs/clusters")
@public
@cached(anyone=True)
def need_clusters():
    """The map's needs in ``bbox`` at ``zoom``: clusters and single needs whose counts add up
    to the matching needs in the bbox (see :mod:`app.core.clusters`). Filters as
    ``/api/v1/needs`` (without ``limit`` and ``cursor``)."""
    return cluster_collection(listing.Filters, listing.SOURCE.kind, feature)
