"""Listing placed items (proposals, needs): filters, one filtered query, cursor pages, GeoJSON.

Written once, used by every placed domain's ``listing.py``, which keeps only what differs:
its extra filters (``Filters.choices``), its columns and counts, its row type. Filtering
happens in SQL (bbox on the indexed lat/lon, category slug, district number, the extra
filters, and the words ``q`` through the full-text search service :mod:`app.core.search` for
a domain that names its ``search_type``); a cursor page is one query, two when there are more
pages (then the ``total`` needs a count).

**Whole-city requests: cap and page.** A page holds at most ``MAX_LIMIT`` (600) items, newest
first, with a ``next`` cursor (the last id) for the following page and the ``total``
matching count. 600 features with the longest possible titles (120 two-byte characters) stay
under ~300 KB; with typical titles a full page is ~130 KB. The map shows the same page as
the list view and says how many more there are, so a person filters or pages instead of
loading 50,000 markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..extensions import db
from . import search
from .numbers import ID_MAX, ID_MIN, NumberError, arg_int, parse_int

DEFAULT_LIMIT = 500
MAX_LIMIT = 600


class FilterError(ValueError):
    """A filter value is invalid; the message is translated."""


@dataclass
class Filters:
    """The filters every placed listing has. A domain subclasses it with one field per extra
    filter and names their allowed values in ``choices`` (in the order of the parameters),
    and the type key of its full-text search in ``search_type`` (then ``q`` filters by words:
    all of them, in the title or text)."""

    choices: ClassVar[dict[str, tuple[str, ...]]] = {}
    search_type: ClassVar[str | None] = None

    bbox: tuple[float, float, float, float] | None = None
    category: str | None = None
    district: str | None = None
    q: str | None = None
    limit: int = DEFAULT_LIMIT
    cursor: int | None = None

    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        """The query parameters, in order."""
        words = ("q",) if cls.search_type else ()
        return ("bbox", "category", "district", *words, *cls.choices, "limit", "cursor")

    def query_args(self, **changes) -> dict:
        """Query-string arguments reproducing these filters (for links)."""
        values = {
            "bbox": ",".join(repr(float(v)) for v in self.bbox) if self.bbox else None,
            "category": self.category,
            "district": self.district,
            "q": self.q,
            **{name: getattr(self, name) for name in self.choices},
            "limit": self.limit if self.limit != DEFAULT_LIMIT else None,
            "cursor": self.cursor,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    @classmethod
    def for_page(cls, args, names: tuple[str, ...]):
        """Filters of an HTML list page from the parameters ``names`` of ``args``: with a
        bad value, no filters and the message to show (pages answer, APIs refuse)."""
        try:
            return cls.parse({k: v for k, v in args.items() if k in names}), None
        except FilterError as exc:
            return cls(), str(exc)

    @classmethod
    def parse(cls, args, *, max_limit: int = MAX_LIMIT):
        """Read and check the filters; raise :class:`FilterError` with a translated message."""

        filters = cls()
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
        try:
            district = parse_int(args.get("district"), low=0, high=99)
        except NumberError:
            raise FilterError(_("The parameter “district” must be a district number.")) from None
        if district is not None:
            filters.district = f"{district:02d}"
        if cls.search_type:
            # Any text is fine: the search service keeps only the words (letters and digits).
            words = " ".join((args.get("q") or "")[: search.MAX_QUERY_CHARS].split())
            filters.q = words or None
        for name, allowed in cls.choices.items():
            value = (args.get(name) or "").strip()
            if value:
                if value not in allowed:
                    raise FilterError(
                        _(
                            "The parameter “%(name)s” must be one of: %(values)s.",
                            name=name,
                            values=", ".join(allowed),
                        )
                    )
                setattr(filters, name, value)
        try:
            filters.limit = arg_int(
                "limit", low=1, high=max_limit, default=DEFAULT_LIMIT, args=args
            )
            filters.cursor = arg_int("cursor", low=ID_MIN, high=ID_MAX, args=args)
        except NumberError as exc:
            raise FilterError(exc.message) from None
        return filters


def conditions(
    model, filters: Filters, *, category_model, district_model, skip: tuple[str, ...] = ()
) -> list:
    """The SQL conditions of the shared filters for a :class:`~app.core.places.PlacedMixin`
    model with a ``category_id``; each extra filter compares the model's column of its name,
    except those in ``skip`` (the caller adds their conditions, e.g. the workflow status).
    Visibility and other rules of the domain are the caller's."""
    where = []
    if filters.bbox:
        where += model.in_bbox(filters.bbox)
    if filters.category:
        where.append(
            model.category_id.in_(
                select(category_model.id).where(category_model.slug == filters.category)
            )
        )
    if filters.district:
        where.append(
            model.district_id.in_(
                select(district_model.id).where(district_model.number == filters.district)
            )
        )
    for name in filters.choices:
        if name in skip:
            continue
        value = getattr(filters, name)
        if value:
            where.append(getattr(model, name) == value)
    if filters.search_type and filters.q:
        matching = search.condition(filters.search_type, model.id, filters.q)
        if matching is not None:  # punctuation only: no filter
            where.append(matching)
    return where


def cursor_page(query, id_column, where: list, filters: Filters, row, *, with_total: bool = True):
    """One page of ``query`` (a select of columns, without conditions or order), newest
    first: ``(rows, next_cursor, total)``, each row made by ``row(*columns)``; one query, two
    if more pages. ``total`` is ``None`` without ``with_total``."""
    page_where = list(where)
    if filters.cursor is not None:
        page_where.append(id_column < filters.cursor)
    query = query.where(and_(*page_where)).order_by(id_column.desc()).limit(filters.limit + 1)
    rows = [row(*r) for r in db.session.execute(query).all()]
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        next_cursor = rows[-1].id
    total = None
    if with_total and next_cursor is None and filters.cursor is None:
        total = len(rows)  # everything fits on the first page: no count query needed
    elif with_total:
        total = count(id_column, where)
    return rows, next_cursor, total


def count(id_column, where: list) -> int:
    return db.session.scalar(select(func.count(id_column)).where(and_(*where)))


def point_feature(lat: float, lon: float, properties: dict) -> dict:
    """A GeoJSON point feature (coordinates to 5 decimals, about 1 m)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": properties,
    }


def rows_by_ids(query, id_column, row_type, ids: list[int] | None, where: list | None = None):
    """The rows of ``query`` with these ids (or matching ``where``), newest first, as
    ``row_type``: one query (none without ids). The lists' and the map's single items."""
    if ids is not None and not ids:
        return []
    if ids is not None:
        query = query.where(id_column.in_(ids))
    if where:
        query = query.where(and_(*where))
    return [row_type(*r) for r in db.session.execute(query.order_by(id_column.desc())).all()]
