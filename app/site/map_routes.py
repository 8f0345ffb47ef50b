"""The map page ``/karte``: proposals (and offers, barrier reports, districts) on a map, with a
server-rendered list of exactly the same proposals; filters are a plain GET form."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from ..barriers import services as barrier_services
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


def _page_url(filters: listing.Filters, cursor: int | None) -> str:
    return url_for("proposal_map.map_page", **filters.query_args(cursor=cursor, limit=None))


@bp.get("/karte")
@public
def map_page():
    filters, error = listing.Filters.for_page(
        request.args, ("category", "district", "q", "status", "cursor")
    )
    filters.limit = PAGE_SIZE
    rows, next_cursor, total = listing.find(filters)
    api_args = filters.query_args(limit=PAGE_SIZE)
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
            rows=rows,
            total=total,
            filters=filters,
            error=error,
            typed=request.args,
            categories=services.categories(),
            districts=district_services.list_districts(),
            statuses=services.status_options(),
            api_url=url_for("api.proposals", **api_args),
            next_url=(
                url_for(
                    "proposal_map.map_page", **filters.query_args(cursor=next_cursor, limit=None)
                )
                if next_cursor
                else None
            ),
            first_url=(_page_url(filters, None) if filters.cursor else None),
            layers=layers,
            offers=offers,
            barriers=barriers,
            needs=needs,
            page_size=PAGE_SIZE,
            error_title=_("Please correct the filter:"),
        ),
        400 if error else 200,
    )
