"""The map page ``/karte``: proposals (and offers, barrier reports, districts) on a map, with a
server-rendered list of exactly the same proposals; filters are a plain GET form."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ..barriers import services as barrier_services
from ..core import clusters
from ..core.numbers import NumberError, parse_int
from ..core.page_cache import cached
from ..core.permissions import public
from ..districts import services as district_services
from ..needs import listing as need_listing
from ..proposals import listing, services

bp = Blueprint("proposal_map", __name__)

PAGE_SIZE = 100


def _other_layers(district: str | None, layers: dict) -> tuple[list[dict], list[dict]]:
    """The offers and public barrier reports the map shows, for the list view (part B's
    GeoJSON services, the same the map layers load; empty when that domain is absent)."""
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
    layer_args = {"district": filters.district} if filters.district else {}
    views = current_app.view_functions
    layers = {
        "offers": url_for("api.offers", **layer_args) if "api.offers" in views else "",
        "barriers": url_for("api.barriers", **layer_args) if "api.barriers" in views else "",
    }
    offers, barriers = _other_layers(filters.district, layers)
    layers["needs"], needs = _needs(filters)
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
            page_size=PAGE_SIZE,
            error_title=_("Please correct the filter:"),
        ),
        400 if error else 200,
    )
