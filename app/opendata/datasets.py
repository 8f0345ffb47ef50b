"""The datasets Quartier publishes at ``/daten/``: their columns, rows and dates.

Only what the public pages show, never a name or an e-mail address: published proposals and
council needs (``visible()``, as the map and the API list them), the active offers, the
indicator values and the social index per district and year, the access-barrier aggregates
exactly as ``/barrieren`` shows them (:func:`app.barriers.services.summary`: only cells with
at least ``BARRIER_MIN_CELL`` people) and the district boundaries.

Rows come from generators that page through the database by id (keyset pages of
:data:`PAGE_SIZE`), so a download streams with flat memory and a fixed number of queries per
page, however many rows there are. ``dates()`` reads a dataset's first publication and
latest change in one query.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.polygon import orient
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..barriers import services as barriers
from ..barriers.models import AffectedPerson, BarrierReport, Offer, OfferType
from ..core.audit import AuditEntry
from ..core.exports import Column
from ..core.i18n import current_language
from ..core.time import as_utc
from ..core.urls import external_url
from ..districts.models import Council, District
from ..extensions import db
from ..indicators import district_index
from ..indicators.models import ImportBatch, IndexDefinition, Indicator, IndicatorValue
from ..measures import exports as measures
from ..needs import services as need_services
from ..needs.models import Need, NeedSupport
from ..proposals import services as proposal_services
from ..proposals.listing import status_column
from ..proposals.models import Category, Proposal, Support
from ..workflow import services as workflow
from ..workflow.models import WorkItem
from .registry import Dataset, Dates, register

PAGE_SIZE = 1000
_BIG_ID = 2147483647  # a valid id: the URL pattern is built once, the id replaced per row


def _pages(query, id_column, size: int = PAGE_SIZE) -> Iterator[Any]:
    """The rows of ``query`` (which selects ``id_column`` labelled ``id``) in keyset pages."""
    last = None
    while True:
        page = query if last is None else query.where(id_column > last)
        rows = db.session.execute(page.order_by(id_column).limit(size)).all()
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1].id


def _url_pattern(endpoint: str, argument: str):
    """``url(id)``: the item's absolute link (from ``BASE_URL``), built once."""
    pattern = external_url(endpoint, **{argument: _BIG_ID})
    head, tail = pattern.rsplit(str(_BIG_ID), 1)
    return lambda item_id: f"{head}{item_id}{tail}"


def _latest(*values) -> datetime | None:
    found = [as_utc(v) for v in values if v is not None]
    return max(found) if found else None


def _localized_name(row, prefix: str) -> str:
    english = getattr(row, f"{prefix}_en", None)
    return english if current_language() == "en" and english else getattr(row, f"{prefix}_de")


def _date_query(*columns) -> tuple:
    return tuple(db.session.execute(select(*columns)).one())


# --- proposals ----------------------------------------------------------------------------


def _proposal_rows() -> Iterator[dict]:
    url = _url_pattern("proposals.show", "proposal_id")
    query = (
        select(
            Proposal.id.label("id"),
            Proposal.title,
            Proposal.description,
            Proposal.lat,
            Proposal.lon,
            Proposal.address,
            Proposal.place_from_map,
            Proposal.created_at,
            Proposal.updated_at,
            status_column().label("status"),
            Category.slug.label("category"),
            Category.name_de.label("category_de"),
            Category.name_en.label("category_en"),
            District.number.label("district_number"),
            District.name.label("district_name"),
            proposal_services.supports.count_subquery().label("supports"),
        )
        .select_from(Proposal)
        .join(Category, Category.id == Proposal.category_id)
        .join(District, District.id == Proposal.district_id)
        .where(Proposal.visible())
    )
    return _input_rows(query, Proposal.id, url, proposal_services.status_label)


def _input_rows(query, id_column, url, status_label) -> Iterator[dict]:
    """The rows of a placed input (proposals, needs): localized category and status; the
    coordinates only where the author set the point on the map (else "in the district")."""
    for row in _pages(query, id_column):
        yield {
            **row._asdict(),
            "category_name": _localized_name(row, "category"),
            "status_name": status_label(row.status),
            "lat": row.lat if row.place_from_map else None,
            "lon": row.lon if row.place_from_map else None,
            "url": url(row.id),
        }


def _input_dates(model, support_model, target_type: str) -> Dates:
    """First publication and latest change of an input dataset: its own edits, supports and
    the back office's handling (status changes, answers) all count as changes."""
    issued, modified, supported, handled = _date_query(
        select(func.min(model.created_at)).where(model.visible()).scalar_subquery(),
        select(func.max(model.updated_at)).where(model.visible()).scalar_subquery(),
        select(func.max(support_model.created_at)).scalar_subquery(),
        select(func.max(WorkItem.updated_at))
        .where(WorkItem.target_type == target_type)
        .scalar_subquery(),
    )
    return issued, (_latest(modified, supported, handled) if modified is not None else None)


def _proposal_dates() -> Dates:
    return _input_dates(Proposal, Support, "proposal")


PLACE_COLUMNS: tuple[Column, ...] = (
    Column("district_number", _l("District number")),  # text: "01" keeps its zero
    Column("district_name", _l("District")),
    Column("lat", _l("Latitude"), "float"),
    Column("lon", _l("Longitude"), "float"),
    Column("place", _l("Place description"), get=lambda row: row["address"]),
)

PROPOSAL_COLUMNS: tuple[Column, ...] = (
    Column("id", _l("ID")),
    Column("title", _l("Title")),
    Column("description", _l("Description")),
    Column("category", _l("Category code")),
    Column("category_name", _l("Category")),
    Column("status", _l("Status code")),
    Column("status_name", _l("Status")),
    *PLACE_COLUMNS,
    Column("supports", _l("Supports"), "int"),
    Column("created", _l("Created"), "datetime", get=lambda row: row["created_at"]),
    Column("updated", _l("Last changed"), "datetime", get=lambda row: row["updated_at"]),
    Column("url", _l("Web page")),
)


# --- council needs ------------------------------------------------------------------------


def _need_rows() -> Iterator[dict]:
    url = _url_pattern("needs.show", "need_id")
    query = (
        select(
            Need.id.label("id"),
            Need.title,
            Need.description,
            Need.priority,
            Need.lat,
            Need.lon,
            Need.address,
            Need.place_from_map,
            Need.created_at,
            Need.updated_at,
            workflow.status_key_column("need", Need.id).label("status"),
            Category.slug.label("category"),
            Category.name_de.label("category_de"),
            Category.name_en.label("category_en"),
            Council.name.label("council"),
            District.number.label("district_number"),
            District.name.label("district_name"),
            need_services.supports.count_subquery().label("supports"),
        )
        .select_from(Need)
        .join(Category, Category.id == Need.category_id)
        .join(Council, Council.id == Need.council_id)
        .join(District, District.id == Need.district_id)
        .where(Need.visible())
    )
    return _input_rows(query, Need.id, url, workflow.status_label)


def _need_dates() -> Dates:
    return _input_dates(Need, NeedSupport, "need")


NEED_COLUMNS: tuple[Column, ...] = (
    Column("id", _l("ID")),
    Column("title", _l("Title")),
    Column("description", _l("Description")),
    Column("council", _l("District council")),
    Column("category", _l("Category code")),
    Column("category_name", _l("Category")),
    Column("priority", _l("Priority")),
    Column("status", _l("Status code")),
    Column("status_name", _l("Status")),
    *PLACE_COLUMNS,
    Column("supports", _l("Supports"), "int"),
    Column("created", _l("Created"), "datetime", get=lambda row: row["created_at"]),
    Column("updated", _l("Last changed"), "datetime", get=lambda row: row["updated_at"]),
    Column("url", _l("Web page")),
)


# --- offers -------------------------------------------------------------------------------


def _offer_rows() -> Iterator[dict]:
    query = (
        select(
            Offer.id.label("id"),
            Offer.name,
            Offer.address,
            Offer.provider,
            Offer.lat,
            Offer.lon,
            Offer.is_demo,
            Offer.created_at,
            OfferType.slug.label("type"),
            OfferType.name_de.label("type_de"),
            OfferType.name_en.label("type_en"),
            District.number.label("district_number"),
            District.name.label("district_name"),
        )
        .select_from(Offer)
        .join(OfferType, OfferType.id == Offer.type_id)
        .join(District, District.id == Offer.district_id)
        .where(Offer.active.is_(True))
    )
    for row in _pages(query, Offer.id):
        yield {**row._asdict(), "type_name": _localized_name(row, "type")}


def _offer_dates() -> Dates:
    """Offers keep no change time of their own: edits and (de)activations are audited."""
    active = Offer.active.is_(True)
    issued, created, changed = _date_query(
        select(func.min(Offer.created_at)).where(active).scalar_subquery(),
        select(func.max(Offer.created_at)).where(active).scalar_subquery(),
        select(func.max(AuditEntry.created_at))
        .where(AuditEntry.target_type == "offer")
        .scalar_subquery(),
    )
    return issued, (_latest(created, changed) if created is not None else None)


OFFER_COLUMNS: tuple[Column, ...] = (
    Column("id", _l("ID")),
    Column("name", _l("Name")),
    Column("type", _l("Type code")),
    Column("type_name", _l("Type")),
    Column("provider", _l("Provider")),
    Column("address", _l("Address")),
    Column("district_number", _l("District number")),
    Column("district_name", _l("District")),
    Column("lat", _l("Latitude"), "float"),
    Column("lon", _l("Longitude"), "float"),
    Column("demo", _l("Demo entry"), "bool", get=lambda row: row["is_demo"]),
)


# --- indicator values ---------------------------------------------------------------------


def _indicator_rows() -> Iterator[dict]:
    query = (
        select(
            IndicatorValue.id.label("id"),
            IndicatorValue.year,
            IndicatorValue.value,
            IndicatorValue.numerator,
            IndicatorValue.denominator,
            IndicatorValue.updated_at,
            Indicator.code,
            Indicator.name_de,
            Indicator.name_en,
            Indicator.unit,
            Indicator.source,
            Indicator.synthetic,
            District.number.label("district_number"),
            District.name.label("district_name"),
        )
        .select_from(IndicatorValue)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(District, District.id == IndicatorValue.district_id)
    )
    for row in _pages(query, IndicatorValue.id):
        yield {**row._asdict(), "indicator_name": _localized_name(row, "name")}


def _indicator_dates() -> Dates:
    """The values' change times; a rolled-back import changes the data as well."""
    issued, modified, rolled_back = _date_query(
        select(func.min(IndicatorValue.updated_at)).scalar_subquery(),
        select(func.max(IndicatorValue.updated_at)).scalar_subquery(),
        select(func.max(ImportBatch.rolled_back_at)).scalar_subquery(),
    )
    return issued, (_latest(modified, rolled_back) if modified is not None else None)


INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("indicator", _l("Indicator code"), get=lambda row: row["code"]),
    Column("indicator_name", _l("Indicator")),
    Column("unit", _l("Unit")),
    Column("district_number", _l("District number")),
    Column("district_name", _l("District")),
    Column("year", _l("Year"), "int"),
    Column("value", _l("Value"), "float"),
    Column("numerator", _l("Numerator"), "float"),
    Column("denominator", _l("Denominator"), "float"),
    Column("source", _l("Source")),
    Column("synthetic", _l("Synthetic demo data"), "bool"),
    Column("updated", _l("Last changed"), "datetime", get=lambda row: row["updated_at"]),
)


# --- social index -------------------------------------------------------------------------


def _social_index_rows() -> Iterator[dict]:
    """Every district in every year the active definition has an index for."""
    definition = district_index.active_definition()
    if definition is None:
        return
    for year in district_index.index_years(definition):
        index = district_index.social_index(definition, year)
        if index.result is None:
            continue
        by_number, left_out = index.by_number, index.left_out
        for _id, number, name in index.districts:
            area = by_number.get(number)
            row = {
                "district_number": number,
                "district_name": name,
                "year": index.year,
                "indexed": area is not None,
                "left_out": left_out.get(number, "") if area is None else "",
                "synthetic": index.synthetic,
            }
            for key in (
                "status_sum",
                "status_index",
                "status_class",
                "dynamic_sum",
                "dynamic_index",
                "dynamic_class",
                "rank",
            ):
                row[key] = getattr(area, key, None)
            yield row


def _social_index_dates() -> Dates:
    issued, modified, defined = _date_query(
        select(func.min(IndicatorValue.updated_at)).scalar_subquery(),
        select(func.max(IndicatorValue.updated_at)).scalar_subquery(),
        select(func.max(IndexDefinition.updated_at))
        .where(IndexDefinition.active.is_(True))
        .scalar_subquery(),
    )
    if defined is None or modified is None:
        return None, None
    return issued, _latest(modified, defined)


SOCIAL_INDEX_COLUMNS: tuple[Column, ...] = (
    Column("district_number", _l("District number")),
    Column("district_name", _l("District")),
    Column("year", _l("Year"), "int"),
    Column("indexed", _l("Indexed"), "bool"),
    Column("status_sum", _l("Status sum"), "float"),
    Column("status_index", _l("Status index"), "float"),
    Column("status_class", _l("Status class"), "int"),
    Column("dynamic_sum", _l("Dynamics sum"), "float"),
    Column("dynamic_index", _l("Dynamics index"), "float"),
    Column("dynamic_class", _l("Dynamics class"), "int"),
    Column("rank", _l("Rank"), "int"),
    Column("left_out", _l("Reason left out")),
    Column("synthetic", _l("Synthetic demo data"), "bool"),
)


# --- access-barrier aggregates ------------------------------------------------------------


def _barrier_rows() -> Iterator[dict]:
    """The cells of both public aggregate tables (only those at the threshold or above, as
    :func:`app.barriers.services.summary` gives them), one row per cell."""
    summary = barriers.summary()
    tables = (("offer", summary["by_offer"]), ("district_from", summary["by_district"]))
    for table, entries in tables:
        for entry in entries:
            for code, people in entry["cells"].items():
                yield {
                    "table": table,
                    "district_number": entry["district"],
                    "district_name": entry["district_name"],
                    "offer_id": entry.get("offer_id"),
                    "offer": entry.get("offer", ""),
                    "barrier_type": code,
                    "barrier_name": barriers.barrier_label(code),
                    "people": people,
                    "threshold": summary["threshold"],
                }


def _barrier_dates() -> Dates:
    issued, reported, joined = _date_query(
        select(func.min(BarrierReport.created_at)).where(BarrierReport.visible()).scalar_subquery(),
        select(func.max(BarrierReport.created_at)).where(BarrierReport.visible()).scalar_subquery(),
        select(func.max(AffectedPerson.created_at)).scalar_subquery(),
    )
    return issued, (_latest(reported, joined) if reported is not None else None)


BARRIER_COLUMNS: tuple[Column, ...] = (
    Column("table", _l("Table")),
    Column("district_number", _l("District number")),
    Column("district_name", _l("District")),
    Column("offer_id", _l("Offer ID")),
    Column("offer", _l("Offer")),
    Column("barrier_type", _l("Barrier type code")),
    Column("barrier_name", _l("Barrier type")),
    Column("people", _l("Affected people"), "int"),
    Column("threshold", _l("Minimum cell count"), "int"),
)


# --- district boundaries ------------------------------------------------------------------


def _district_rows() -> Iterator[Any]:
    council = aliased(Council)
    query = (
        select(
            District.id.label("id"),
            District.number.label("district_number"),
            District.name.label("district_name"),
            District.area_km2,
            District.label_lat,
            District.label_lon,
            District.geometry,
            council.name.label("council"),
        )
        .select_from(District)
        .outerjoin(council, council.id == District.council_id)
    )
    yield from (row._asdict() for row in _pages(query, District.id))


def district_geometry(row) -> dict | None:
    """The full-precision shape as a MultiPolygon (one geometry type for the whole layer, as
    QGIS and GeoPackage want it), RFC 7946 winding (exterior rings counterclockwise)."""
    if not row["geometry"]:
        return None
    geometry = shape(json.loads(row["geometry"]))
    parts = [geometry] if geometry.geom_type == "Polygon" else list(geometry.geoms)
    multi = MultiPolygon([orient(part, 1.0) for part in parts])
    return json.loads(json.dumps(mapping(multi)))  # tuples → lists


def _district_dates() -> Dates:
    return _date_query(func.min(District.updated_at), func.max(District.updated_at))


DISTRICT_COLUMNS: tuple[Column, ...] = (
    Column("district_number", _l("District number")),
    Column("district_name", _l("District")),
    Column("council", _l("District council")),
    Column("area_km2", _l("Area (km²)"), "float"),
    Column("label_lat", _l("Label point latitude"), "float"),
    Column("label_lon", _l("Label point longitude"), "float"),
)


# --- the registry ---------------------------------------------------------------------------


def register_all() -> None:
    """Register the built-in datasets (from :func:`app.opendata.init_app`)."""
    register(
        Dataset(
            key="vorschlaege",
            title=_l("Proposals"),
            description=_l(
                "Residents' published proposals for their districts: title, text, category, "
                "workflow status, place and number of supports. Without names."
            ),
            columns=PROPOSAL_COLUMNS,
            rows=_proposal_rows,
            dates=_proposal_dates,
            point=_map_point_of_dict,
            themes=("SOCI", "GOVE", "REGI"),
            keywords=(_l("participation"), _l("proposals"), _l("districts")),
        )
    )
    register(
        Dataset(
            key="bedarfe",
            title=_l("Council needs"),
            description=_l(
                "Needs the district councils have posted: title, text, category, priority, "
                "status, place and number of supports. Without names."
            ),
            columns=NEED_COLUMNS,
            rows=_need_rows,
            dates=_need_dates,
            point=_map_point_of_dict,
            themes=("SOCI", "GOVE", "REGI"),
            keywords=(_l("district councils"), _l("needs"), _l("districts")),
        )
    )
    register(
        Dataset(
            key="angebote",
            title=_l("Education and social offers"),
            description=_l(
                "The catalogue of education and social offers (adult education, libraries, "
                "youth houses …) with type, provider, address and place."
            ),
            columns=OFFER_COLUMNS,
            rows=_offer_rows,
            dates=_offer_dates,
            point=lambda row: (row["lat"], row["lon"]),
            themes=("EDUC", "SOCI"),
            keywords=(_l("education"), _l("social offers")),
        )
    )
    register(
        Dataset(
            key="indikatoren",
            title=_l("Indicator values per district and year"),
            description=_l(
                "Every stored indicator value per district and year with numerator, "
                "denominator and source."
            ),
            columns=INDICATOR_COLUMNS,
            rows=_indicator_rows,
            dates=_indicator_dates,
            themes=("SOCI", "REGI"),
            keywords=(_l("indicators"), _l("social monitoring"), _l("districts")),
        )
    )
    register(
        Dataset(
            key="sozialindex",
            title=_l("Social index per district and year"),
            description=_l(
                "The social index (method of Berlin's Monitoring Soziale Stadtentwicklung) for "
                "every district and year: sums, indices, status and dynamics classes, rank."
            ),
            columns=SOCIAL_INDEX_COLUMNS,
            rows=_social_index_rows,
            dates=_social_index_dates,
            themes=("SOCI", "REGI"),
            keywords=(_l("social index"), _l("social monitoring"), _l("districts")),
        )
    )
    register(
        Dataset(
            key="barrieren",
            title=_l("Access barriers (aggregates)"),
            description=_l(
                "People affected by access barriers, counted per offer and barrier type and "
                "per district travelled from and barrier type. Cells with fewer people than "
                "the minimum cell count are left out, as on the public barrier pages."
            ),
            columns=BARRIER_COLUMNS,
            rows=_barrier_rows,
            dates=_barrier_dates,
            themes=("SOCI", "EDUC"),
            keywords=(_l("access barriers"), _l("participation"), _l("education")),
        )
    )
    register(
        Dataset(
            key="massnahmen",
            title=_l("Measures"),
            description=_l(
                "The city's measures in the districts: offices, districts, status, progress, "
                "dates, budgets, target indicators with the expected direction and the "
                "residents' inputs they take up."
            ),
            columns=measures.columns(),
            rows=measures.rows,
            dates=measures.dates,
            point=measures.point,
            themes=("GOVE", "REGI", "SOCI"),
            keywords=(_l("measures"), _l("districts")),
        )
    )
    register(
        Dataset(
            key="ortsteile",
            title=_l("District boundaries"),
            description=_l(
                "The boundaries of Erfurt's districts (Ortsteile) in full precision with "
                "number, name, council and area. Source: Landeshauptstadt Erfurt, Geoportal."
            ),
            columns=DISTRICT_COLUMNS,
            rows=_district_rows,
            dates=_district_dates,
            geometry=district_geometry,
            themes=("REGI",),
            keywords=(_l("districts"), _l("boundaries")),
        )
    )


def _map_point_of_dict(row: dict) -> tuple[float, float] | None:
    """A row's point, unless it was placed only "somewhere in the district" (its coordinates
    are then the district's label point, not a place): ``"geometry": null``."""
    return (row["lat"], row["lon"]) if row["place_from_map"] else None
