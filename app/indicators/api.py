"""``/api/v1/indicators`` and ``/api/v1/social-index`` (JSON, GeoJSON joined to the district
shapes, CSV). Synthetic data says so in every response (``"synthetic": true`` and the source)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from ..core.api import ApiError, json_error
from ..core.csv_export import DATA_DELIMITER, csv_response
from ..core.http_cache import conditional
from ..core.numbers import YEAR_MAX, YEAR_MIN, NumberError, arg_int
from ..core.permissions import public
from . import catalogue, choropleth, district_index
from .models import SYNTHETIC_SOURCE, Indicator

# CSV here is data for programs (decimal points): the comma dialect of the one CSV writer.

api_bp = Blueprint("indicators_api", __name__, url_prefix="/api/v1")


def _year() -> int | None:
    try:
        return arg_int("year", low=YEAR_MIN, high=YEAR_MAX)
    except NumberError:
        raise ApiError(400, _("The parameter “%(name)s” must be a year.", name="year")) from None


def _format() -> str:
    value = request.args.get("format", "json")
    if value not in ("json", "geojson", "csv"):
        raise ApiError(400, _("The parameter “format” must be json, geojson or csv."))
    return value


def _meta(indicator: Indicator) -> dict:
    return {
        "code": indicator.code,
        "name": {"de": indicator.name_de, "en": indicator.name_en},
        "unit": indicator.unit,
        "topic": indicator.topic,
        "direction": indicator.direction,
        "source": catalogue.source_text(indicator),
        "licence": indicator.licence,
        "description": indicator.description,
        "synthetic": bool(indicator.synthetic),
    }


def _revalidated(response: Response) -> Response:
    """Successful answers change only with an import: browsers keep them and ask again with
    their ETag each time (304 without the body when nothing changed)."""
    if response.status_code == 200:
        response.headers["Cache-Control"] = "public, no-cache"
        return conditional(response)
    return response


@api_bp.get("/indicators")
@public
def indicators():
    items = catalogue.list_indicators()
    return _revalidated(
        jsonify(indicators=[_meta(i) for i in items], synthetic=any(i.synthetic for i in items))
    )


@api_bp.get("/indicators/<code>")
@public
def indicator(code: str):
    return _revalidated(_indicator(code))


def _indicator(code: str):
    fmt, year = _format(), _year()
    item = catalogue.get_indicator(code)
    if item is None:
        return json_error(404, _("There is no indicator with this code."))
    data = choropleth.indicator_map(item, year)
    if year is not None and year != data.year:
        return json_error(404, _("There are no values for this year."), years=data.years)
    meta = _meta(item)
    if fmt == "csv":
        rows = [
            [r.number, r.name, data.year, "" if r.value is None else r.value, r.rank or ""]
            for r in data.rows
        ]
        return csv_response(
            f"{item.code}-{data.year}.csv",
            ["district", "name", "year", item.code, "rank", "source"],
            [row + [meta["source"]] for row in rows],
            delimiter=DATA_DELIMITER,
        )
    colours = choropleth.palette(len(data.breaks))
    values = [
        {
            "district": r.number,
            "name": r.name,
            "value": r.value,
            "numerator": r.numerator,
            "denominator": r.denominator,
            "rank": r.rank,
            "class": r.class_index,
            "import": r.batch_id,
        }
        for r in data.rows
    ]
    extra = {
        "indicator": meta,
        "year": data.year,
        "years": data.years,
        "city_average": data.average,
        # The default year is the latest complete one; a year asked for may be incomplete,
        # and then the city average is over the districts with a value only.
        "coverage": {
            "districts_with_values": data.covered,
            "districts_expected": data.expected,
            "complete": data.complete,
            "incomplete_years": data.incomplete_years,
        },
        "breaks": data.breaks,
        "colours": list(colours),
        "synthetic": meta["synthetic"],
        "source": meta["source"],
    }
    if fmt == "geojson":
        features = [
            (
                v["district"],
                {
                    "number": v["district"],
                    "name": v["name"],
                    "value": v["value"],
                    "rank": v["rank"],
                    "class": v["class"],
                    "colour": colours[v["class"]] if v["class"] is not None else None,
                },
            )
            for v in values
        ]
        body = choropleth.feature_collection(features, extra)
        return Response(body, mimetype="application/geo+json")
    return jsonify(values=values, **extra)


@api_bp.get("/social-index")
@public
def social_index():
    return _revalidated(_social_index())


def _social_index():
    fmt, year = _format(), _year()
    definition = district_index.active_definition()
    if definition is None:
        return json_error(404, _("No social index has been defined yet."))
    index = district_index.social_index(definition, year)
    if index.result is None or (year is not None and year != index.year):
        return json_error(404, _("There is no social index for this year."), years=index.years)
    by_number, left_out = index.by_number, index.left_out
    areas = []
    for _id, number, name in index.districts:
        area = by_number.get(number)
        entry = {"district": number, "name": name}
        if area is None:
            entry.update(indexed=False, left_out=left_out.get(number))
        else:
            entry.update(
                indexed=True,
                status_sum=area.status_sum,
                status_index=area.status_index,
                status_class=area.status_class,
                dynamic_sum=area.dynamic_sum,
                dynamic_index=area.dynamic_index,
                dynamic_class=area.dynamic_class,
                rank=area.rank,
                components={
                    code: {"value": value, "z": z} for code, (value, z) in area.components.items()
                },
            )
        areas.append(entry)
    source = SYNTHETIC_SOURCE if index.synthetic else None
    extra = {
        "definition": {
            "name": definition.name,
            "status": definition.status_codes,
            "dynamic": definition.dynamic_codes,
            "change_years": definition.change_years,
            "min_population": definition.min_population,
            "excluded": definition.excluded,
        },
        "year": index.year,
        "years": index.years,
        "incomplete_years": index.incomplete_years,
        "synthetic": index.synthetic,
        "source": source,
    }
    if fmt == "csv":
        header = ["district", "name", "year", "status_sum", "status_index", "status_class"]
        header += ["dynamic_sum", "dynamic_index", "dynamic_class", "rank", "left_out", "source"]
        rows = [
            [
                a["district"],
                a["name"],
                index.year,
                *(
                    "" if a.get(k) is None else a.get(k)
                    for k in (
                        "status_sum",
                        "status_index",
                        "status_class",
                        "dynamic_sum",
                        "dynamic_index",
                        "dynamic_class",
                        "rank",
                        "left_out",
                    )
                ),
                source or "",
            ]
            for a in areas
        ]
        return csv_response(
            f"social-index-{index.year}.csv", header, rows, delimiter=DATA_DELIMITER
        )
    if fmt == "geojson":
        features = [
            (
                a["district"],
                {
                    "number": a["district"],
                    "name": a["name"],
                    "status_class": a.get("status_class"),
                    "dynamic_class": a.get("dynamic_class"),
                    "status_index": a.get("status_index"),
                    "rank": a.get("rank"),
                    "colour": choropleth.STATUS_COLOURS[a.get("status_class")],
                    "colour_dynamic": choropleth.DYNAMIC_COLOURS[a.get("dynamic_class")],
                },
            )
            for a in areas
        ]
        return Response(
            choropleth.feature_collection(features, extra), mimetype="application/geo+json"
        )
    return jsonify(areas=areas, **extra)
