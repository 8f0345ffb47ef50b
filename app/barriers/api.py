"""``/api/v1/offers``, ``/api/v1/barriers`` (GeoJSON for the map) and
``/api/v1/barriers/summary`` (the thresholded aggregates). No personal details here."""

from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _

from ..api.blueprint import bp
from ..core.api import ApiError, int_arg
from ..core.http_cache import etag_matches, not_modified
from ..core.numbers import NumberError, parse_int
from ..core.permissions import public
from . import services

MAX_LIMIT = 2000
DEFAULT_LIMIT = 500
ALLOWED = {"bbox", "district", "limit"}
SUMMARY_CACHE_CONTROL = "public, max-age=60"


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
    try:
        number = parse_int(args.get("district"), low=0, high=99)
    except NumberError:
        raise ApiError(400, _("The parameter “district” must be a district number.")) from None
    district = f"{number:02d}" if number is not None else None
    limit = int_arg("limit", low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT)
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
    etag, body = services.public_summary()
    if etag_matches(etag):
        return not_modified(etag, SUMMARY_CACHE_CONTROL)
    response = Response(body, mimetype="application/json")
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = SUMMARY_CACHE_CONTROL
    return response
