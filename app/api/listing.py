"""The body of a GeoJSON listing endpoint (``/api/v1/proposals``, ``/api/v1/needs``).

Unknown parameters and invalid filters answer a JSON 400; a page is a FeatureCollection with
``total`` (all matching), ``limit`` and ``next`` (the URL of the next page, or null). See
:mod:`app.core.listing` for why whole-city requests are capped and paged.
"""

from __future__ import annotations

import json

from flask import Response, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..core import clusters
from ..core.api import ApiError
from ..core.listing import FilterError, point_feature
from ..extensions import db


def geojson_page(endpoint: str, filters_class, find, feature) -> Response:
    """Parse ``request.args`` with ``filters_class``, ``find(filters)`` one page
    ``(rows, next_cursor, total)`` and answer its rows as ``feature(row)``."""

    unknown = sorted(set(request.args) - set(filters_class.parameters()))
    if unknown:
        raise ApiError(400, _("Unknown parameter “%(name)s”.", name=unknown[0]))
    try:
        filters = filters_class.parse(request.args)
    except FilterError as exc:
        raise ApiError(400, str(exc)) from None
    rows, next_cursor, total = find(filters)
    body = {
        "type": "FeatureCollection",
        "total": total,
        "limit": filters.limit,
        "next": (
            url_for(endpoint, **filters.query_args(cursor=next_cursor))
            if next_cursor is not None
            else None
        ),
        "features": [feature(row) for row in rows],
    }
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )


def cluster_collection(filters_class, kind: str, feature) -> Response:
    """The answer of a map aggregation endpoint (``/api/v1/proposals/clusters``, …) for the
    registered source ``kind``: :func:`cluster_body` of ``request.args`` as GeoJSON."""
    body = cluster_body(filters_class, kind, feature, request.args)
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )


def cluster_body(filters_class, kind: str, feature, args) -> dict:
    """The body of a map aggregation endpoint for the registered source ``kind`` (see
    :mod:`app.core.clusters`), for the query ``args`` (the request's, or the ones a page
    embeds its first view's answer for: ``/karte``; one code path for both).

    ``bbox`` and ``zoom`` are required, the other parameters are the listing's filters
    (without ``limit`` and ``cursor``). The answer is a FeatureCollection of clusters
    (``cluster: true``, ``count``, ``categories`` as counts per category code, ``bounds`` of
    the cell) and of single items as ``feature(row)``, with the ``total`` (the sum of the
    counts) and the ``bbox`` counted (the request's, widened to whole cells: the list shows the
    same with this bbox). Raises :class:`ApiError` (400) for unknown or invalid parameters."""

    allowed = {n for n in filters_class.parameters() if n not in ("limit", "cursor")} | {"zoom"}
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise ApiError(400, _("Unknown parameter “%(name)s”.", name=unknown[0]))
    source = clusters.SOURCES[kind]
    try:
        filters = filters_class.parse(args)
        if not filters.bbox:
            raise FilterError(_("The parameter “bbox” is required: minLon,minLat,maxLon,maxLat."))
        zoom = clusters.parse_zoom(args.get("zoom"))
        result = clusters.aggregate(source, filters, clusters.Grid.at(zoom))
    except (FilterError, clusters.ClusterError) as exc:
        raise ApiError(400, str(exc)) from None
    model = source.category_model
    slugs = dict(db.session.execute(select(model.id, model.slug)).all())
    features = [
        point_feature(
            cell.lat,
            cell.lon,
            {
                "cluster": True,
                "count": cell.count,
                "categories": {
                    slugs.get(key, "other"): n
                    for key, n in sorted(cell.categories.items(), key=lambda kv: (-kv[1], kv[0]))
                },
                "bounds": cell.bounds,
            },
        )
        for cell in result.clusters
    ]
    features += [feature(row) for row in result.singles]
    return {
        "type": "FeatureCollection",
        "zoom": zoom,
        "bbox": list(result.bbox),
        "total": result.total,
        "features": features,
    }
