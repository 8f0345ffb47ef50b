"""The body of a GeoJSON listing endpoint (``/api/v1/proposals``, ``/api/v1/needs``).

Unknown parameters and invalid filters answer a JSON 400; a page is a FeatureCollection with
``total`` (all matching), ``limit`` and ``next`` (the URL of the next page, or null). See
:mod:`app.core.listing` for why whole-city requests are capped and paged.
"""

from __future__ import annotations

import json

from flask import Response, request, url_for
from flask_babel import gettext as _

from ..core.api import ApiError
from ..core.listing import FilterError


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
