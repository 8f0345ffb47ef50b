"""``GET /api/v1/proposals``: GeoJSON of proposals, filtered in SQL, capped and paged.

Parameters: ``bbox=minLon,minLat,maxLon,maxLat``, ``category`` (code), ``district``
(number), ``status``, ``limit`` (1–600, default 500), ``cursor`` (from ``next``). The answer
has ``total`` (all matching) and ``next`` (URL of the next page, or null). See
:mod:`app.proposals.listing` for why whole-city requests are capped and paged.
"""

from __future__ import annotations

import json

from flask import Response, request, url_for
from flask_babel import gettext as _

from ..api.blueprint import bp
from ..core.api import ApiError
from ..core.permissions import public
from . import listing

ALLOWED = {"bbox", "category", "district", "status", "limit", "cursor"}


def proposal_url(proposal_id: int) -> str:
    return f"{request.script_root}/vorschlaege/{proposal_id}"


def feature(row: listing.Row) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
        "properties": {
            "id": row.id,
            "title": row.title,
            "category": row.category,
            "district": row.district,
            "status": row.status,
            "supports": row.supports,
            "comments": row.comments,
            "url": proposal_url(row.id),
        },
    }


@bp.get("/proposals")
@public
def proposals():

    unknown = sorted(set(request.args) - ALLOWED)
    if unknown:
        raise ApiError(400, _("Unknown parameter “%(name)s”.", name=unknown[0]))
    try:
        filters = listing.parse_filters(request.args)
    except listing.FilterError as exc:
        raise ApiError(400, str(exc)) from None
    rows, next_cursor, total = listing.find(filters)
    body = {
        "type": "FeatureCollection",
        "total": total,
        "limit": filters.limit,
        "next": (
            url_for("api.proposals", **filters.query_args(cursor=next_cursor))
            if next_cursor is not None
            else None
        ),
        "features": [feature(row) for row in rows],
    }
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )
