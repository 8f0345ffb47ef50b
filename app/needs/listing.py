"""The one query behind ``/bedarfe/``, ``GET /api/v1/needs`` and the needs on ``/karte``.

Only visible needs (``Need.visible()``). Filters in SQL: bbox on the indexed lat/lon,
category slug, district number, priority, status. Supports are counted by a correlated
subquery inside the same statement, so a page costs the same number of queries however many
rows it has. The API pages with a cursor (the last id, newest first) like
``/api/v1/proposals``; the HTML list pages with page numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..districts.models import Council, District
from ..extensions import db
from ..proposals.models import Category
from .models import PRIORITIES, STATUSES, Need, NeedSupport
from .services import PRIORITY_ORDER

DEFAULT_LIMIT = 500
MAX_LIMIT = 600


class FilterError(ValueError):
    """A filter value is invalid; the message is translated."""


@dataclass
class Filters:
    bbox: tuple[float, float, float, float] | None = None
    category: str | None = None
    district: str | None = None
    priority: str | None = None
    status: str | None = None
    limit: int = DEFAULT_LIMIT
    cursor: int | None = None

    def query_args(self, **changes) -> dict:
        values = {
            "bbox": ",".join(f"{v:g}" for v in self.bbox) if self.bbox else None,
            "category": self.category,
            "district": self.district,
            "priority": self.priority,
            "status": self.status,
            "limit": self.limit if self.limit != DEFAULT_LIMIT else None,
            "cursor": self.cursor,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def parse_filters(args, *, max_limit: int = MAX_LIMIT) -> Filters:
    """Read and check the filters; raise :class:`FilterError` with a translated message."""

    filters = Filters()
    raw = (args.get("bbox") or "").strip()
    if raw:
        try:
            bbox = tuple(float(p) for p in raw.split(","))
        except ValueError:
            bbox = ()
        if (
            len(bbox) != 4
            or any(v != v or v in (float("inf"), float("-inf")) for v in bbox)
            or not (-180 <= bbox[0] <= bbox[2] <= 180 and -90 <= bbox[1] <= bbox[3] <= 90)
        ):
            raise FilterError(
                _("The parameter “bbox” must be four numbers: minLon,minLat,maxLon,maxLat.")
            )
        filters.bbox = bbox  # type: ignore[assignment]
    category = (args.get("category") or "").strip()
    if category:
        if not re.fullmatch(r"[a-z0-9-]{1,40}", category):
            raise FilterError(_("The parameter “category” must be a category code."))
        filters.category = category
    district = (args.get("district") or "").strip()
    if district:
        if not re.fullmatch(r"\d{1,2}", district):
            raise FilterError(_("The parameter “district” must be a district number."))
        filters.district = f"{int(district):02d}"
    priority = (args.get("priority") or "").strip()
    if priority:
        if priority not in PRIORITIES:
            raise FilterError(
                _(
                    "The parameter “priority” must be one of: %(values)s.",
                    values=", ".join(PRIORITIES),
                )
            )
        filters.priority = priority
    status = (args.get("status") or "").strip()
    if status:
        if status not in STATUSES:
            raise FilterError(
                _("The parameter “status” must be one of: %(values)s.", values=", ".join(STATUSES))
            )
        filters.status = status
    raw = (args.get("limit") or "").strip()
    if raw:
        if not raw.isdigit() or not (1 <= int(raw) <= max_limit):
            raise FilterError(
                _("The parameter “limit” must be a whole number from 1 to %(max)d.", max=max_limit)
            )
        filters.limit = int(raw)
    raw = (args.get("cursor") or "").strip()
    if raw:
        if not raw.isdigit() or len(raw) > 12:
            raise FilterError(_("The parameter “cursor” must be a whole number."))
        filters.cursor = int(raw)
    return filters


def conditions(filters: Filters) -> list:
    where = [Need.visible()]
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        where += [Need.lat >= min_lat, Need.lat <= max_lat, Need.lon >= min_lon]
        where.append(Need.lon <= max_lon)
    if filters.category:
        where.append(
            Need.category_id.in_(select(Category.id).where(Category.slug == filters.category))
        )
    if filters.district:
        where.append(
            Need.district_id.in_(select(District.id).where(District.number == filters.district))
        )
    if filters.priority:
        where.append(Need.priority == filters.priority)
    if filters.status:
        where.append(Need.status == filters.status)
    return where


@dataclass
class Row:
    id: int
    title: str
    lat: float
    lon: float
    priority: str
    status: str
    author_role: str
    place_from_map: bool
    created_at: object
    category: str | None
    category_name_de: str | None
    category_name_en: str | None
    district: str | None
    district_name: str | None
    council_name: str | None
    supports: int


def _query(where, order):
    supports = (
        select(func.count(NeedSupport.id))
        .where(NeedSupport.need_id == Need.id)
        .correlate(Need)
        .scalar_subquery()
    )
    return (
        select(
            Need.id,
            Need.title,
            Need.lat,
            Need.lon,
            Need.priority,
            Need.status,
            Need.author_role,
            Need.place_from_map,
            Need.created_at,
            Category.slug,
            Category.name_de,
            Category.name_en,
            District.number,
            District.name,
            Council.name,
            supports,
        )
        .select_from(Need)
        .outerjoin(Category, Category.id == Need.category_id)
        .outerjoin(District, District.id == Need.district_id)
        .outerjoin(Council, Council.id == Need.council_id)
        .where(and_(*where))
        .order_by(*order)
    )


def find(filters: Filters) -> tuple[list[Row], int | None, int]:
    """One cursor page, newest first: ``(rows, next_cursor, total)``; one query, two if more
    pages."""
    where = conditions(filters)
    page_where = list(where)
    if filters.cursor is not None:
        page_where.append(Need.id < filters.cursor)
    query = _query(page_where, (Need.id.desc(),)).limit(filters.limit + 1)
    rows = [Row(*r) for r in db.session.execute(query).all()]
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        next_cursor = rows[-1].id
    if next_cursor is None and filters.cursor is None:
        total = len(rows)
    else:
        total = db.session.scalar(select(func.count(Need.id)).where(and_(*where)))
    return rows, next_cursor, total


def page(filters: Filters, number: int, size: int) -> tuple[list[Row], int]:
    """One numbered page for the HTML list (high priority first, then newest): two queries."""

    where = conditions(filters)
    query = _query(where, (PRIORITY_ORDER, Need.id.desc())).offset((number - 1) * size)
    rows = [Row(*r) for r in db.session.execute(query.limit(size)).all()]
    total = db.session.scalar(select(func.count(Need.id)).where(and_(*where)))
    return rows, total
