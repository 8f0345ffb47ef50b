"""The map page ``/karte``: proposals (and offers, barrier reports, districts) on a map, with a
server-rendered list of exactly the same proposals; filters are a plain GET form."""

from __future__ import annotations

import json
import math

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ..api.listing import cluster_body
from ..barriers import services as barrier_services
from ..core import clusters
from ..core.api import ApiError
from ..core.numbers import NumberError, parse_int
from ..core.page_cache import cached
from ..core.permissions import public
from ..districts import services as district_services
from ..needs import api as need_api
from ..needs import listing as need_listing
from ..proposals import api as proposal_api
from ..proposals import listing, services

bp = Blueprint("proposal_map", __name__)

PAGE_SIZE = 100


def _other_layers(district: str | None, layers: dict) -> tuple[list[dict], list[dict]]:
    """The offers and public barrier reports for the list under the map (the barriers domain's
    GeoJSON services; empty when that domain is absent). The map's layers count the same
    items per cell of the view (``/api/v1/offers/clusters``, ``/api/v1/barriers/clusters``)."""
    if not (layers["offers"] or layers["barriers"]):
        return [], []

    def props(body: str) -> list[dict]:
        return [f["properties"] for f in json.loads(body)["features"]]

    return (
        props(barrier_services.offers_geojson(None, district, 1000)) if layers["offers"] else [],
        props(barrier_services.barriers_geojson(None, district, 1000))
        if layers["barriers"]
        else [],
    )


# --- the first view's clusters, in the page ---------------------------------------------------
# The map's script would ask /api/v1/proposals/clusters and /api/v1/needs/clusters for its
# first view as soon as it runs: a round trip after the page, the scripts and the map's set-up
# (the longest part of the first view in bench/map_first_view.py). The page carries those
# answers instead, computed by the API's own code (``cluster_body``) for the URL's filters
# and an area around the first view larger than the map on any screen (the server does not
# know the screen): the cells are fixed by the zoom, so the answer for the script's view is the
# part of this one in the view's cells, which the script keeps. A view the area does not cover
# (a larger screen, a district fitted to the screen) is loaded from the API as before.

EMBED_PX = (2560, 1600)  # the area embedded: 40 × 25 cells of 64 px
PROPOSAL_FILTERS = ("category", "district", "q", "status")  # map-page.js's FILTERS
NEED_FILTERS = ("category", "district", "q")  # … and NEED_FILTERS


def _first_view_bbox(view: dict | None) -> tuple[int, str]:
    """The zoom of the map's first view (the URL's view, else the configured one, limited to
    the tiles' zoom range as the script does) and the bbox of ``EMBED_PX`` around its centre
    (Web Mercator, as Leaflet draws)."""
    config = current_app.config
    if view:
        zoom, lat, lon = view["zoom"], view["lat"], view["lon"]
    else:
        (lat, lon), zoom = config["MAP_CENTER"], config["MAP_ZOOM"]
    zoom = max(config["TILE_MIN_ZOOM"], min(config["TILE_MAX_ZOOM"], zoom))
    lat = max(-85.0, min(85.0, lat))  # Web Mercator's range (Leaflet's is ±85.05)
    world = 256 * 2**zoom
    x = (lon + 180) / 360 * world
    y = 1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi
    y = y / 2 * world

    def lat_at(py: float) -> float:
        n = math.pi * (1 - 2 * py / world)
        return math.degrees(math.atan(math.sinh(n)))

    west = max(-180.0, (x - EMBED_PX[0] / 2) / world * 360 - 180)
    east = min(180.0, (x + EMBED_PX[0] / 2) / world * 360 - 180)
    south = max(-85.0, lat_at(y + EMBED_PX[1] / 2))
    north = min(85.0, lat_at(y - EMBED_PX[1] / 2))
    return zoom, ",".join(f"{v:.5f}" for v in (west, south, east, north))


def _first_view(view: dict | None, fit, error: str | None) -> dict:
    """The clusters answers of the first view (``{"proposals": …, "needs": …}``), as the API
    answers them for the same filters, and under ``asked`` the API URLs they answer; empty
    when the script must ask (a district fitted to the screen, a bad filter)."""
    if fit is not None or error:
        return {}
    zoom, bbox = _first_view_bbox(view)
    views = current_app.view_functions
    layers = [
        (
            "proposals",
            PROPOSAL_FILTERS,
            listing.Filters,
            listing.SOURCE.kind,
            proposal_api.feature,
            "api.proposal_clusters",
        )
    ]
    layers.append(
        (
            "needs",
            NEED_FILTERS,
            need_listing.Filters,
            need_listing.SOURCE.kind,
            need_api.feature,
            "api.need_clusters",
        )
    )
    answers: dict = {"asked": {}}
    for name, names, filters_class, kind, feature, endpoint in layers:
        if endpoint not in views:
            continue
        args = {k: request.args[k] for k in names if request.args.get(k)}
        args.update(bbox=bbox, zoom=str(zoom))
        try:
            answers[name] = cluster_body(filters_class, kind, feature, args)
        except ApiError:
            continue  # the script asks the API, which answers the error
        answers["asked"][name] = url_for(endpoint, **args)  # what was answered (for tests)
    return answers if answers["asked"] else {}


# --- needs of the district councils (app.needs): layer and list, same filters ------------


def _needs(filters: listing.Filters) -> tuple[str, list]:
    """The needs layer's URL and the same needs for the list (district, category and words;
    the status filter is the proposals')."""
    if "api.needs" not in current_app.view_functions:
        return "", []

    need_filters = need_listing.Filters(
        category=filters.category, district=filters.district, q=filters.q
    )
    rows, _next, _total = need_listing.find(need_filters)
    return url_for("api.needs", **need_filters.query_args()), rows


def _page_url(
    filters: listing.Filters, cursor: int | None, endpoint: str = "proposal_map.map_page"
) -> str:
    return url_for(endpoint, **filters.query_args(cursor=cursor, limit=None))


FILTER_NAMES = ("bbox", "category", "district", "q", "status", "cursor")


def _view(args) -> dict | None:
    """The map view of the URL (``zoom``, ``lat``, ``lon``), if it is a valid one."""
    try:
        zoom = parse_int(args.get("zoom"), low=clusters.MIN_ZOOM, high=clusters.MAX_ZOOM)
        lat, lon = float(args.get("lat", "")), float(args.get("lon", ""))
    except (NumberError, ValueError):
        return None
    if zoom is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"zoom": zoom, "lat": round(lat, 5), "lon": round(lon, 5)}


def _list_context(filters: listing.Filters, error: str | None, zoom=None) -> dict:
    """The list under the map: one page of the proposals the filters (and the view's bbox,
    when the map's script sends it) select, with the total and links to the next page. With
    the map's ``zoom`` the bbox is widened to whole cells, as the map's clusters count it."""
    filters.limit = PAGE_SIZE
    if zoom is not None and filters.bbox:
        filters.bbox = clusters.Grid.at(zoom).widen(filters.bbox)
    rows, next_cursor, total = listing.find(filters)
    return {
        "rows": rows,
        "total": total,
        "count_text": _count_text(len(rows), total, bool(filters.bbox)),
        "filters": filters,
        "statuses": services.status_options(),
        "next_url": _page_url(filters, next_cursor) if next_cursor else None,
        "next_fragment": _page_url(filters, next_cursor, "proposal_map.map_list")
        if next_cursor
        else None,
        "first_url": _page_url(filters, None) if filters.cursor else None,
        "first_fragment": _page_url(filters, None, "proposal_map.map_list")
        if filters.cursor
        else None,
        "list_error": error,
    }


def _count_text(shown: int, total: int, in_view: bool) -> str:
    number = format_decimal(total, format="#,##0")
    if in_view:
        text = ngettext(
            "%(number)s proposal in this map view.",
            "%(number)s proposals in this map view.",
            total,
            number=number,
        )
    else:
        text = ngettext(
            "%(number)s matching proposal.", "%(number)s matching proposals.", total, number=number
        )
    if total > shown:
        text += " " + _(
            "The list shows %(num)s at a time: use “Next page” for the others.",
            num=format_decimal(PAGE_SIZE, format="#,##0"),
        )
    return text


@bp.get("/karte/liste")
@public
@cached
def map_list():
    """The list under the map for the map's script (an HTML fragment): the proposals in the
    view's ``bbox`` with the page's filters, the same query as the page and the API."""
    filters, error = listing.Filters.for_page(request.args, FILTER_NAMES)
    try:
        zoom = parse_int(request.args.get("zoom"), low=clusters.MIN_ZOOM, high=clusters.MAX_ZOOM)
    except NumberError:
        zoom = None
    return (
        render_template("proposals/_map_list.html", **_list_context(filters, error, zoom)),
        400 if error else 200,
    )


@bp.get("/karte")
@public
@cached
def map_page():
    filters, error = listing.Filters.for_page(request.args, FILTER_NAMES)
    context = _list_context(filters, error)
    view = _view(request.args)
    fit = None
    if view is None and filters.district:
        fit = district_services.district_bounds(filters.district)
    api_args = filters.query_args(limit=PAGE_SIZE, bbox=None, cursor=None)
    views = current_app.view_functions
    # The offers and barrier reports are counted per cell of the view like the proposals (the
    # script adds the view and, for offers, the district filter from the URL).
    layers = {
        "offers": url_for("api.offer_clusters") if "api.offer_clusters" in views else "",
        "barriers": url_for("api.barrier_clusters") if "api.barrier_clusters" in views else "",
    }
    offers, barriers = _other_layers(filters.district, layers)
    layers["needs"], needs = _needs(filters)
    first_view = _first_view(view, fit, error)
    return (
        render_template(
            "proposals/map.html",
            **context,
            error=error,
            view=view,
            fit=fit,
            typed=request.args,
            categories=services.categories(),
            districts=district_services.list_districts(),
            api_url=url_for("api.proposals", **api_args),
            clusters_url=url_for("api.proposal_clusters"),
            needs_clusters_url=(
                url_for("api.need_clusters") if "api.need_clusters" in views else ""
            ),
            list_url=url_for("proposal_map.map_list"),
            layers=layers,
            offers=offers,
            barriers=barriers,
            needs=needs,
            first_view=first_view,
            barrier_threshold=barrier_services.min_cell(),
            page_size=PAGE_SIZE,
            error_title=_("Please correct the filter:"),
        ),
        400 if error else 200,
    )
