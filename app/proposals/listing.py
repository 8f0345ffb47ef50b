"""The one query behind ``GET /api/v1/proposals``, the map page and its list view.

Only public proposals are listed (``Proposal.visible()``: not hidden or pending by the
moderation), and only public comments are counted. The filters, the cursor pages and the cap
are :mod:`app.core.listing`'s (bbox, category, district, limit, cursor); proposals add the
status (the workflow's key, or ``withdrawn``). The status and the counts of supports and
comments are read by subqueries inside the same statement, for the rows of the current page
only, so a page costs the same number of queries however many rows it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import case, select

from ..comments import services as comment_services
from ..core import clusters, listing
from ..core.listing import DEFAULT_LIMIT, MAX_LIMIT, FilterError  # noqa: F401 - this API
from ..districts.models import District
from ..moderation.models import VISIBLE
from ..workflow import services as workflow
from .models import WITHDRAWN, Category, Proposal
from .services import PUBLIC_STATUSES, supports


@dataclass
class Filters(listing.Filters):
    search_type: ClassVar[str | None] = "proposal"
    # the workflow's status keys and the author's "withdrawn"
    choices: ClassVar[dict[str, tuple[str, ...]]] = {"status": PUBLIC_STATUSES}

    status: str | None = None


def parse_filters(args, *, max_limit: int = MAX_LIMIT) -> Filters:
    """Read and check the filters; raise :class:`FilterError` with a translated message."""
    return Filters.parse(args, max_limit=max_limit)


def _conditions(filters: Filters):
    where = [
        Proposal.visible(),
        *listing.conditions(
            Proposal, filters, category_model=Category, district_model=District, skip=("status",)
        ),
    ]
    if filters.status == WITHDRAWN:
        where.append(Proposal.withdrawn_at.is_not(None))
    elif filters.status:
        where += [
            Proposal.withdrawn_at.is_(None),
            workflow.status_condition("proposal", Proposal.id, filters.status),
        ]
    return where


def status_column():
    """The public status of each row: the workflow key, or ``withdrawn``."""
    return case(
        (Proposal.withdrawn_at.is_not(None), WITHDRAWN),
        else_=workflow.status_key_column("proposal", Proposal.id),
    )


@dataclass
class Row:
    id: int
    title: str
    lat: float
    lon: float
    status: str
    category: str | None
    category_name_de: str | None
    category_name_en: str | None
    colour: str | None
    icon: str | None
    district: str | None
    district_name: str | None
    supports: int
    comments: int
    created_at: object = None  # the cards' age


def _query():
    # Counts as correlated subqueries inside the one statement: each is an index lookup for
    # the rows of this page only (grouping over the whole supports table first made
    # PostgreSQL scan it on every request).
    query = (
        select(
            Proposal.id,
            Proposal.title,
            Proposal.lat,
            Proposal.lon,
            status_column(),
            Category.slug,
            Category.name_de,
            Category.name_en,
            Category.colour,
            Category.icon,
            District.number,
            District.name,
            supports.count_subquery(),
            comment_services.count_subquery("proposal", Proposal),
            Proposal.created_at,
        )
        .select_from(Proposal)
        .outerjoin(Category, Category.id == Proposal.category_id)
        .outerjoin(District, District.id == Proposal.district_id)
    )
    return query


def find(filters: Filters, *, with_total: bool = True) -> tuple[list[Row], int | None, int | None]:
    """One page of proposals: ``(rows, next_cursor, total)``; one query, two if more pages."""
    return listing.cursor_page(
        _query(), Proposal.id, _conditions(filters), filters, Row, with_total=with_total
    )


def by_ids(ids: list[int] | None, *, where: list | None = None) -> list[Row]:
    """The rows of these proposals (or of those matching ``where``), newest first: one query
    (none without ids)."""
    return listing.rows_by_ids(_query(), Proposal.id, Row, ids, where)


def latest(
    limit: int, *, district_id: int | None = None, with_total: bool = True
) -> tuple[list[Row], int | None]:
    """The latest public proposals (withdrawn ones left out), of one district or the whole
    city, as rows with their counts, and how many there are: one query, two when there are
    more than ``limit`` (one without ``with_total``: then the total is ``None``)."""
    where = [*_conditions(Filters()), Proposal.withdrawn_at.is_(None)]
    if district_id is not None:
        where.append(Proposal.district_id == district_id)
    rows, _next, total = listing.cursor_page(
        _query(), Proposal.id, where, Filters(limit=limit), Row, with_total=with_total
    )
    return rows, total


def for_district(district_id: int, limit: int = 10) -> tuple[list[Row], int]:
    """The district page's latest proposals and how many there are."""
    rows, total = latest(limit, district_id=district_id)
    return rows, total or 0


# The map's proposals (app.core.clusters): the same conditions as the list.
SOURCE = clusters.Source(
    kind="proposal",
    model=Proposal,
    conditions=_conditions,
    rows=by_ids,
    category_model=Category,
    district_model=District,
    visible=("moderation_state", VISIBLE),
)
