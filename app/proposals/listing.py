"""The one query behind ``GET /api/v1/proposals``, the map page and its list view.

Only public proposals are listed (``Proposal.visible()``: not hidden or pending by the
moderation), and only public comments are counted. Filtering happens in SQL (bbox on the
indexed lat/lon, category slug, district number, status); supports and comments are counted
by subqueries inside the same statement, for the rows of the current page only, so a page
costs the same number of queries however many rows it has.

**Whole-city requests: cap and page.** A page holds at most ``MAX_LIMIT`` (600) proposals,
newest first, with a ``next`` cursor (the last id) for the following page and the ``total``
matching count. 600 features with the longest possible titles (120 two-byte characters) stay
under ~300 KB; with typical titles a full page is ~130 KB. The map shows the same page as
the list view and says how many more there are, so a person filters or pages instead of
loading 50,000 markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..comments.models import Comment
from ..districts.models import District
from ..extensions import db
from .models import Category, Proposal, Support

DEFAULT_LIMIT = 500
MAX_LIMIT = 600
STATUSES = ("submitted", "in_review", "accepted", "rejected", "implemented", "withdrawn")


class FilterError(ValueError):
    """A filter value is invalid; the message is translated."""


@dataclass
class Filters:
    bbox: tuple[float, float, float, float] | None = None
    category: str | None = None
    district: str | None = None
    status: str | None = None
    limit: int = DEFAULT_LIMIT
    cursor: int | None = None

    def query_args(self, **changes) -> dict:
        """Query-string arguments reproducing these filters (for links)."""
        values = {
            "bbox": ",".join(f"{v:g}" for v in self.bbox) if self.bbox else None,
            "category": self.category,
            "district": self.district,
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


def _conditions(filters: Filters):

    conditions = [Proposal.status.in_(STATUSES), Proposal.visible()]
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        conditions += [
            Proposal.lat >= min_lat,
            Proposal.lat <= max_lat,
            Proposal.lon >= min_lon,
            Proposal.lon <= max_lon,
        ]
    if filters.category:
        conditions.append(
            Proposal.category_id.in_(select(Category.id).where(Category.slug == filters.category))
        )
    if filters.district:
        conditions.append(
            Proposal.district_id.in_(select(District.id).where(District.number == filters.district))
        )
    if filters.status:
        conditions.append(Proposal.status == filters.status)
    return conditions


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


def find(filters: Filters, *, with_total: bool = True) -> tuple[list[Row], int | None, int | None]:
    """One page of proposals: ``(rows, next_cursor, total)``; one query, two if more pages."""

    conditions = _conditions(filters)
    page_conditions = list(conditions)
    if filters.cursor is not None:
        page_conditions.append(Proposal.id < filters.cursor)
    # Counts as correlated subqueries inside the one statement: each is an index lookup for
    # the rows of this page only (grouping over the whole supports table first made
    # PostgreSQL scan it on every request).
    supports = (
        select(func.count(Support.id))
        .where(Support.proposal_id == Proposal.id)
        .correlate(Proposal)
        .scalar_subquery()
    )
    comments = (
        select(func.count(Comment.id))
        .where(
            Comment.target_type == "proposal",
            Comment.target_id == Proposal.id,
            Comment.deleted_at.is_(None),
            Comment.visible(),
        )
        .correlate(Proposal)
        .scalar_subquery()
    )
    query = (
        select(
            Proposal.id,
            Proposal.title,
            Proposal.lat,
            Proposal.lon,
            Proposal.status,
            Category.slug,
            Category.name_de,
            Category.name_en,
            Category.colour,
            Category.icon,
            District.number,
            District.name,
            supports,
            comments,
        )
        .select_from(Proposal)
        .outerjoin(Category, Category.id == Proposal.category_id)
        .outerjoin(District, District.id == Proposal.district_id)
        .where(and_(*page_conditions))
        .order_by(Proposal.id.desc())
        .limit(filters.limit + 1)
    )
    rows = [Row(*r) for r in db.session.execute(query).all()]
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        next_cursor = rows[-1].id
    total = None
    if with_total and next_cursor is None and filters.cursor is None:
        total = len(rows)  # everything fits on the first page: no count query needed
    elif with_total:
        total = db.session.scalar(select(func.count(Proposal.id)).where(and_(*conditions)))
    return rows, next_cursor, total
