"""Public pages: the list of measures (with filters, a map layer and the same list without the
map), a measure's page, the map data and the exports (CSV, XLSX, GeoJSON)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import exports
from ..core.i18n import current_language, localized
from ..core.permissions import requires
from ..core.time import utcnow
from . import effects, listing, page, sections, services
from . import exports as table
from .permissions import can_edit_measure, can_see_measures

bp = Blueprint("measures", __name__, url_prefix="/massnahmen")


def _filters_or_400() -> tuple[listing.Filters, str | None]:
    try:
        return listing.Filters.from_args(request.args), None
    except listing.FilterError as exc:
        return listing.Filters(), str(exc)


def _choices() -> dict:
    return {
        "districts": [(d.number, f"{d.number} {d.name}") for d in services.all_districts()],
        "offices": [(o.slug, localized(o, "name")) for o in services.offices()],
        "statuses": services.status_choices(),
        "indicators": [(i.code, localized(i, "name")) for i in services.indicators()],
    }


@bp.get("/")
@requires(can_see_measures, login=False)
def index():
    filters, message = _filters_or_400()
    rows = listing.find(filters, parts=("districts", "offices", "indicators"))
    with_map = request.args.get("ansicht") != "liste"
    map_args = filters.args()
    return render_template(
        "measures/index.html",
        rows=rows,
        filters=filters,
        message=message,
        choices=_choices(),
        with_map=with_map,
        map_data_url=url_for("measures.map_data", **map_args),
        list_only_url=url_for("measures.index", ansicht="liste", **map_args),
        map_url=url_for("measures.index", **map_args),
        status_name=lambda m: m.status.name(current_language()),
    ), (400 if message else 200)


def _map_features(rows: list[listing.Row]) -> dict:
    """Points for measures with places; the district numbers for those without."""
    features = []
    for row in rows:
        props = {
            "id": row.measure.id,
            "title": row.measure.title,
            "status": row.measure.status.name(current_language()),
            "progress": row.measure.progress,
            "url": url_for("measures.show", measure_id=row.measure.id),
        }
        if row.places:
            for place in row.places:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": [round(place.lon, 6), round(place.lat, 6)],
                        },
                        "properties": {**props, "place": place.label},
                    }
                )
        else:
            features.append(
                {
                    "type": "Feature",
                    "geometry": None,
                    "properties": {**props, "districts": [d.number for d in row.districts]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


@bp.get("/karte.geojson")
@requires(can_see_measures, login=False)
def map_data():
    filters, message = _filters_or_400()
    if message:
        return Response(
            json.dumps({"error": {"status": 400, "message": message}}),
            status=400,
            mimetype="application/json",
        )
    rows = listing.find(filters, parts=("districts", "places"))
    return Response(
        json.dumps(_map_features(rows), ensure_ascii=False), mimetype=exports.GEOJSON_MIMETYPE
    )


@bp.get("/<id:measure_id>")
@requires(can_see_measures, login=False)
def show(measure_id: int):
    measure = services.get_measure(measure_id)
    if measure is None:
        abort(404)
    row = listing.with_parts([measure])[0]
    area = ", ".join(d.name for d in row.districts) if row.districts else _("the whole city")
    today = utcnow().date()
    children = listing.with_parts(services.children_of(measure.id), parts=())
    return render_template(
        "measures/show.html",
        measure=measure,
        row=row,
        area=area,
        stale=services.is_stale(measure),
        stale_days=services.STALE_DAYS,
        timeline=page.timeline(row, today),
        inputs=page.linked_inputs(row),
        targets=page.target_series(row, area),
        comparisons=effects.page_sections(measure),
        history=_public_history(measure.id),
        children=children,
        parent=measure.parent if measure.parent_id else None,
        can_edit=can_edit_measure(current_user, measure, {o.id for o in row.offices}),
        description=_description(measure),
        sections=sections.page_sections(measure, current_user),
    )


def _description(measure) -> str:
    if current_language() == "en" and measure.description_en:
        return measure.description_en
    return measure.description_de


def _public_history(measure_id: int) -> list[dict]:
    english = current_language() == "en"
    names = {s.key: (s.name_en if english else s.name_de) for s in services.statuses()}
    found = []
    for entry in services.public_history(measure_id):
        if entry.field == "status":
            text = names.get(entry.new or "", entry.new or "")
        else:
            text = f"{entry.new} %" if entry.new is not None else ""
        found.append({"at": entry.created_at, "field": entry.field, "text": text})
    return found


# --- exports ---------------------------------------------------------------------------------


@bp.get("/export.<any(csv, xlsx, geojson):fmt>")
@requires(can_see_measures, login=False)
def export(fmt: str):
    filters, message = _filters_or_400()
    if message:
        abort(400, message)
    rows = table.rows(filters)
    columns = table.columns()
    filename = f"massnahmen.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_download(filename, columns, rows, title=_("Measures"))
    if fmt == "geojson":
        return exports.geojson_download(filename, columns, rows, point=table.point)
    return exports.csv_download(filename, columns, rows)
