"""``GET /api/v1/needs``: GeoJSON of the visible needs of the district councils, filtered in
SQL, capped and paged like ``/api/v1/proposals``.

Parameters: ``bbox=minLon,minLat,maxLon,maxLat``, ``category`` (code), ``district``
(number), ``priority`` (high, medium, low), ``status`` (open, in_progress, met, closed),
``limit`` (1–600, default 500), ``cursor`` (from ``next``). No personal data: a need names its
council and the poster's role, never the person.
"""

from __future__ import annotations

import json

from flask import Response, request, url_for
from flask_babel import gettext as _

from ..api.blueprint import bp
from ..core.api import ApiError
from ..core.permissions import public
from . import listing
from .services import PRIORITY_LABELS, ROLE_LABELS, STATUS_LABELS, council_label

ALLOWED = {"bbox", "category", "district", "priority", "status", "limit", "cursor"}


def feature(row: listing.Row) -> dict:

    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]},
        "properties": {
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
            "status_label": str(STATUS_LABELS.get(row.status, row.status)),
            "place_from_map": row.place_from_map,
            "supports": row.supports,
            "url": f"{request.script_root}/bedarfe/{row.id}",
        },
    }


@bp.get("/needs")
@public
def needs():

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
            url_for("api.needs", **filters.query_args(cursor=next_cursor))
            if next_cursor is not None
            else None
        ),
        "features": [feature(row) for row in rows],
    }
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )
