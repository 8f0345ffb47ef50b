"""The one query behind ``/bedarfe/``, ``GET /api/v1/needs`` and the needs on ``/karte``.

Only visible needs (``Need.visible()``). The filters and the cursor pages are
:mod:`app.core.listing`'s (bbox, category, district, limit, cursor), like
``/api/v1/proposals``; needs add the priority and the status. Supports are counted by a
correlated subquery inside the same statement, so a page costs the same number of queries
however many rows it has. The HTML list pages with page numbers (:func:`page`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import and_, select

from ..comments import services as comment_services
from ..core import clusters, listing
from ..core.listing import DEFAULT_LIMIT, MAX_LIMIT, FilterError  # noqa: F401 - this API
from ..districts.models import Council, District
from ..extensions import db
from ..moderation.models import VISIBLE
from ..proposals.models import Category
from ..workflow import services as workflow
from ..workflow.models import STATUS_KEYS
from .models import PRIORITIES, Need
from .services import PRIORITY_ORDER, supports


@dataclass
class Filters(listing.Filters):
    search_type: ClassVar[str | None] = "need"
    choices: ClassVar[dict[str, tuple[str, ...]]] = {"priority": PRIORITIES, "status": STATUS_KEYS}

    priority: str | None = None
    status: str | None = None


def parse_filters(args, *, max_limit: int = MAX_LIMIT) -> Filters:
    """Read and check the filters; raise :class:`FilterError` with a translated message."""
    return Filters.parse(args, max_limit=max_limit)


def conditions(filters: Filters) -> list:
    where = [
        Need.visible(),
        *listing.conditions(
            Need, filters, category_model=Category, district_model=District, skip=("status",)
        ),
    ]
    if filters.status:
        where.append(workflow.status_condition("need", Need.id, filters.status))
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
    comments: int = 0  # the cards' counts and colour
    colour: str | None = None
    icon: str | None = None


def _query():
    return (
        select(
            Need.id,
            Need.title,
            Need.lat,
            Need.lon,
            Need.priority,
            workflow.status_key_column("need", Need.id),
            Need.author_role,
            Need.place_from_map,
            Need.created_at,
            Category.slug,
            Category.name_de,
            Category.name_en,
            District.number,
            District.name,
            Council.name,
            supports.count_subquery(),
            comment_services.count_subquery("need", Need),
            Category.colour,
            Category.icon,
        )
        .select_from(Need)
        .outerjoin(Category, Category.id == Need.category_id)
        .outerjoin(District, District.id == Need.district_id)
        .outerjoin(Council, Council.id == Need.council_id)
    )


def find(filters: Filters, *, with_total: bool = True) -> tuple[list[Row], int | None, int]:
    """One cursor page, newest first: ``(rows, next_cursor, total)``; one query, two if more
    pages (``total`` is ``None`` without ``with_total``)."""
    return listing.cursor_page(
        _query(), Need.id, conditions(filters), filters, Row, with_total=with_total
    )


def by_ids(ids: list[int] | None, *, where: list | None = None) -> list[Row]:
    """The rows of these needs (or of those matching ``where``), newest first: one query
    (none without ids)."""
    return listing.rows_by_ids(_query(), Need.id, Row, ids, where)


# The map's needs (app.core.clusters): the same conditions as the list.
SOURCE = clusters.Source(
    kind="need",
    model=Need,
    conditions=conditions,
    rows=by_ids,
    category_model=Category,
    district_model=District,
    visible=("moderation_state", VISIBLE),
)


def page(filters: Filters, number: int, size: int) -> tuple[list[Row], int]:
    """One numbered page for the HTML list (high priority first, then newest): two queries."""
    where = conditions(filters)
    query = (
        _query()
        .where(and_(*where))
        .order_by(PRIORITY_ORDER, Need.id.desc())
        .offset((number - 1) * size)
    )
    rows = [Row(*r) for r in db.session.execute(query.limit(size)).all()]
    return rows, listing.count(Need.id, where)
