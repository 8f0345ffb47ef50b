"""``/api/v1/offers``, ``/api/v1/barriers`` (GeoJSON for the map) and
``/api/v1/barriers/summary`` (the thresholded aggregates). No personal details here."""

from __future__ import annotations

import json

from flask import Response, request
from flask_babel import gettext as _
from flask_login import current_user

from ..api.blueprint import bp
from ..api.listing import cluster_collection
from ..core import clusters as grid_clusters
from ..core.api import ApiError, int_arg
from ..core.http_cache import etag_matches, not_modified
from ..core.i18n import current_language
from ..core.numbers import NumberError, parse_int
from ..core.permissions import public
from . import clusters, services
from .permissions import can_view_barrier_details

MAX_LIMIT = 2000
DEFAULT_LIMIT = 500
ALLOWED = {"bbox", "district", "limit"}
SUMMARY_CACHE_CONTROL = "public, max-age=60"


def _filters(allowed=ALLOWED):
    args = request.args
    unknown = sorted(set(args) - allowed)
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


@bp.get("/offers/clusters")
@public
def offer_clusters():
    """The map's offers in ``bbox`` at ``zoom``: clusters and single offers whose counts add
    up to the active offers in the bbox; filters ``category`` (offer type code) and
    ``district`` (see :mod:`app.barriers.clusters`)."""
    english = current_language() == "en"
    response = cluster_collection(
        clusters.OfferFilters,
        clusters.OFFER_SOURCE.kind,
        lambda row: clusters.offer_feature(row, english=english),
    )
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/barriers/clusters")
@public
def barrier_clusters():
    """The barrier reports in ``bbox`` at ``zoom``. Public: thresholded (no count below
    ``BARRIER_MIN_CELL``, no single report, no centroid). Planners and admins: exact counts
    and single reports. Only ``bbox`` and ``zoom`` (see :mod:`app.barriers.clusters`)."""
    bbox, _district, _limit = _filters({"bbox", "zoom"})
    if not bbox:
        raise ApiError(400, _("The parameter “bbox” is required: minLon,minLat,maxLon,maxLat."))
    exact = can_view_barrier_details(current_user)
    try:
        zoom = grid_clusters.parse_zoom(request.args.get("zoom"))
        # the cells counted: the public map's are never finer than its atoms
        grid = grid_clusters.Grid.at(zoom if exact else min(zoom, clusters.ATOM_ZOOM))
        if grid.cells_in(bbox) > grid_clusters.MAX_CELLS:
            raise grid_clusters.ClusterError(
                _(
                    "The area “bbox” is too large for zoom %(zoom)d: zoom out or choose a "
                    "smaller area.",
                    zoom=zoom,
                )
            )
    except grid_clusters.ClusterError as exc:
        raise ApiError(400, str(exc)) from None
    body = (clusters.exact_barriers if exact else clusters.public_barriers)(bbox, zoom)
    response = Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )
    # The answer depends on who asks: planners' answers are never stored by caches.
    response.headers["Cache-Control"] = "private, no-store" if exact else "public, max-age=60"
    response.headers["Vary"] = "Cookie"
    return response
