"""District endpoints: GeoJSON of all districts, and locating a point."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _

from ..core.api import json_error, parse_float
from ..core.http_cache import conditional
from ..core.permissions import public
from ..districts import services
from .blueprint import bp


@bp.get("/health")
@public
def health():
    """A trivial JSON endpoint (monitoring, and the baseline in bench/)."""
    return jsonify(status="ok")


@bp.get("/districts")
@public
def districts():
    response = Response(services.districts_geojson(), mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return conditional(response, services.districts_geojson_etag())


@bp.get("/locate")
@public
def locate():
    lat = parse_float(request.args, "lat", -90, 90)
    lon = parse_float(request.args, "lon", -180, 180)
    try:
        area = services.locate(lat, lon)
    except services.OutsideCity:
        return json_error(
            404, _("This place lies outside Erfurt. Please choose a place in the city.")
        )
    return jsonify(number=area.number, name=area.name)
