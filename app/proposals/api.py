"""``GET /api/v1/proposals``: GeoJSON of proposals, filtered in SQL, capped and paged.

Parameters: ``bbox=minLon,minLat,maxLon,maxLat``, ``category`` (code), ``district``
(number), ``status`` (a workflow status key – ``new``, ``in_review``, ``assigned``,
``planned``, ``in_implementation``, ``done``, ``declined``, ``duplicate``,
``not_responsible``, ``merged_into_measure`` – or ``withdrawn``), ``limit`` (1–600, default
500), ``cursor`` (from ``next``). The ``status`` property of a feature carries the same value.
The answer has ``total`` (all matching) and ``next`` (URL of the next page, or null). See
:mod:`app.core.listing` for why whole-city requests are capped and paged.
"""

from __future__ import annotations

from flask import request

from ..api.blueprint import bp
from ..api.listing import cluster_collection, geojson_page
from ..core.listing import point_feature
from ..core.page_cache import cached
from ..core.permissions import public
from . import listing


def proposal_url(proposal_id: int) -> str:
    return f"{request.script_root}/vorschlaege/{proposal_id}"


def feature(row: listing.Row) -> dict:
    return point_feature(
        row.lat,
        row.lon,
        {
            "id": row.id,
            "title": row.title,
            "category": row.category,
            "district": row.district,
            "status": row.status,
            "supports": row.supports,
            "comments": row.comments,
            "url": proposal_url(row.id),
        },
    )


@bp.get("/proposals")
@public
@cached(anyone=True)
def proposals():
    return geojson_page("api.proposals", listing.Filters, listing.find, feature)


@bp.get("/proposals/clusters")
@public
@cached(anyone=True)
def proposal_clusters():
    """The map's proposals in ``bbox`` at ``zoom``: clusters and single proposals whose
    counts add up to the matching proposals in the bbox (see :mod:`app.core.clusters`).
    Filters as ``/api/v1/proposals`` (without ``limit`` and ``cursor``)."""
    return cluster_collection(listing.Filters, listing.SOURCE.kind, feature)
