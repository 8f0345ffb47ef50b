"""``/api/v1/offers``, ``/api/v1/barriers`` (GeoJSON for the map) and
``/api/v1/barriers/summary`` (the thresholded aggregates). No personal details here."""

from __future__ import annotations

import re

from flask import Response, jsonify, request
from flask_babel import gettext as _

from ..api.blueprint import bp
from ..core.api import ApiError
from ..core.permissions import public
from . import services

MAX_LIMIT = 2000
DEFAULT_LIMIT = 500
ALLOWED = {"bbox", "district", "limit"}


def _filters():
    args = request.args
    unknown = sorted(set(args) - ALLOWED)
    if unknown:
        raise ApiError(400, _("Unknown parameter “%(name)s”.", name=unknown[0]))
    bbox = None
    raw = args.get("bbox")
    if raw is not None:
        parts = raw.split(",")
        try:
            bbox = [float(p) for p in parts]
        except ValueError:
            bbox = None
        if (
            bbox is None
            or len(bbox) != 4
            or any(v != v or v in (float("inf"), float("-inf")) for v in bbox)
            or not (-180 <= bbox[0] <= bbox[2] <= 180 and -90 <= bbox[1] <= bbox[3] <= 90)
        ):
            raise ApiError(
                400,
                _("The parameter “bbox” must be four numbers: minLon,minLat,maxLon,maxLat."),
            )
    district = args.get("district")
    if district is not None:
        if not re.fullmatch(r"\d{1,2}", district):
            raise ApiError(400, _("The parameter “district” must be a district number."))
        district = f"{int(district):02d}"
    limit = DEFAULT_LIMIT
    raw = args.get("limit")
    if raw is not None:
        if not raw.isdigit() or not (1 <= int(raw) <= MAX_LIMIT):
            raise ApiError(
                400,
                _("The parameter “limit” must be a whole number from 1 to %(max)d.", max=MAX_LIMIT),
            )
        limit = int(raw)
    return bbox, district, limit


def _geojson(body: str) -> Response:
    response = Response(body, mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/offers")
@public
def offers():
    bbox, district, limit = _filters()
    return _geojson(services.offers_geojson(bbox, district, limit))


@bp.get("/barriers")
@public
def barriers():
    bbox, district, limit = _filters()
    return _geojson(services.barriers_geojson(bbox, district, limit))


@bp.get("/barriers/summary")
@public
def barriers_summary():
    if request.args:
        raise ApiError(400, _("Unknown parameter “%(name)s”.", name=sorted(request.args)[0]))
    response = jsonify(services.summary())
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
