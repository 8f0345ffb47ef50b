"""The back office's services: the inbox filters, the one inbox query with its keyset pages,
the titles of a page (one batched load per type through the content-type registry), the
item view's data, the export rows and the navigation counts.

The inbox reads the workflow's ``work_items`` (status, office, assignee, district, category
and dates are copied there for exactly this list), so a page is ONE SQL statement whatever
the types; the inputs themselves are reached only through :mod:`app.core.content_types`
and their words through :mod:`app.core.search`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, or_, select, text, union_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE, aliased, lazyload

from ..accounts.models import Office, RoleAssignment, User
from ..comments import services as comments
from ..core import content_types, search
from ..core.i18n import current_language, localized
from ..core.numbers import NumberError, parse_id
from ..core.permissions import COUNCIL_ROLES, PLANNER
from ..core.time import as_utc, utcnow
from ..districts.models import Council, District
from ..extensions import db
from ..indicators import district_index, profile
from ..indicators.models import IndicatorLink
from ..measures import services as measures
from ..workflow import services as workflow
from ..workflow import triage
from ..workflow.models import DUPLICATE, StatusChange, WorkflowStatus, WorkItem

PAGE_SIZE = 50
EXPORT_BATCH = 1000
SORTS = ("oldest", "newest", "supported", "due")
FAR_FUTURE = date(9999, 12, 31)
UNASSIGNED = "unassigned"
MINE = "mine"


class FilterError(ValueError):
    """A filter value is invalid; the message is translated."""


def _categories():
    """The input categories' table (the proposals' table, read by name: no import of a
    domain below through its models)."""
    return db.metadata.tables["proposal_categories"]


# --- filters ----------------------------------------------------------------------------------


@dataclass
class InboxFilters:
    """The inbox's filters as given in the URL (all optional, all combinable)."""

    type: str | None = None
    district: str | None = None  # district number, "23"
    council: str | None = None  # council slug
    category: str | None = None  # category slug
    status: str | None = None  # status key
    status_type: str | None = None  # open | closed
    office: str | None = None  # office slug
    assignee: str | None = None  # unassigned | mine | user id
    created_from: date | None = None
    created_to: date | None = None
    overdue: bool = False
    answered: str | None = None  # yes | no
    tags: list[str] = field(default_factory=list)  # tag names (case-insensitive), any of them
    q: str | None = None
    sort: str = "oldest"
    cursor: str | None = None
    # the registered extra filters' raw URL values (see :func:`register_filter`)
    extra: dict[str, str] = field(default_factory=dict)
    # resolved ids and values (not URL parameters)
    ids: dict[str, Any] = field(default_factory=dict, repr=False)

    PARAMETERS = (
        "type",
        "district",
        "council",
        "category",
        "status",
        "status_type",
        "office",
        "assignee",
        "created_from",
        "created_to",
        "overdue",
        "answered",
        "tags",
        "q",
        "sort",
    )
    # the URL name of a field where it differs
    URL_NAMES = {"tags": "tag"}

    def query_args(self, **changes: Any) -> dict[str, str]:
        """Query-string arguments reproducing these filters (for links; without the cursor
        unless given in ``changes``)."""
        values: dict[str, Any] = {}
        for name in self.PARAMETERS:
            value = getattr(self, name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "1" if value else None
            values[self.URL_NAMES.get(name, name)] = value
        for name, raw in self.extra.items():
            values[name] = raw
        if values.get("sort") == "oldest":
            values["sort"] = None
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", [])}

    @property
    def active(self) -> bool:
        return any(
            getattr(self, f.name) not in (None, "", False, [], {})
            for f in fields(self)
            if f.name not in ("sort", "cursor", "ids")
        )


def _text(args, name: str) -> str | None:
    value = (args.get(name) or "").strip()
    return value or None


def _day(args, name: str) -> date | None:
    raw = _text(args, name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(
            _("The parameter “%(name)s” must be a date like 2025-01-31.", name=name)
        ) from None


def _unknown(name: str) -> FilterError:
    return FilterError(_("The value of the filter “%(name)s” is not known.", name=name))


def _id_of(name: str, id_column, key_column, value: str) -> int:
    """The id of the row that a filter value names; :class:`FilterError` if there is none."""
    found = db.session.scalar(select(id_column).where(key_column == value))
    if found is None:
        raise _unknown(name)
    return found


MAX_TAGS = 10
SUPPORTS_MAX = 1_000_000


@dataclass(frozen=True)
class ExtraFilter:
    """A filter of the inbox beyond the built-in ones: its URL parameter ``name``,
    ``parse(raw)`` → value (raise :class:`FilterError` for a bad one) and
    ``condition(value)`` → an SQL criterion on :class:`WorkItem`. Registered with
    :func:`register_filter` (e.g. "linked to a measure" by the measures' domain)."""

    name: str
    parse: Callable[[str], Any]
    condition: Callable[[Any], Any]


EXTRA_FILTERS: dict[str, ExtraFilter] = {}


def register_filter(extra: ExtraFilter) -> None:
    EXTRA_FILTERS[extra.name] = extra


def yes_no(name: str) -> Callable[[str], bool]:
    """``parse`` of a yes/no filter."""

    def parse(raw: str) -> bool:
        if raw not in ("yes", "no"):
            raise _unknown(name)
        return raw == "yes"

    return parse


def _parse_supports(raw: str) -> int:
    """A whole number from 0 (ASCII digits only)."""
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 7 or int(raw) > SUPPORTS_MAX:
        raise FilterError(
            _("The filter “%(name)s” needs a whole number of at least 0.", name="supports")
        )
    return int(raw)


def linked_condition(linked: bool):
    """SQL: the input is linked to an indicator (``linked``) or to none; per type of input
    with indicator links, through the links' ``(input_type, input_id)``."""
    parts = []
    for content_type in content_types.tracked_types():
        if content_type.indicator is None:
            continue
        parts.append(
            and_(
                WorkItem.target_type == content_type.name,
                WorkItem.target_id.in_(
                    select(IndicatorLink.input_id).where(
                        IndicatorLink.input_type == content_type.indicator.kind
                    )
                ),
            )
        )
    condition = or_(*parts) if parts else false()
    return condition if linked else ~condition


register_filter(ExtraFilter("supports", _parse_supports, lambda n: WorkItem.support_count >= n))
register_filter(ExtraFilter("indicator", yes_no("indicator"), linked_condition))


def _parse_measure(raw: str) -> bool | int:
    """``yes`` / ``no`` (linked to any measure or to none) or a measure's id."""
    if raw in ("yes", "no"):
        return raw == "yes"
    try:
        measure_id = parse_id(raw, name="measure")
    except NumberError:
        measure_id = None
    if measure_id is None or not measures.measure_exists(measure_id):
        raise FilterError(
            _(
                "The filter “%(name)s” needs “yes”, “no” or the number of an existing measure.",
                name="measure",
            )
        )
    return measure_id


def measure_condition(value: bool | int):
    """SQL: the work item's input is linked to a measure (``True``), to none (``False``) or
    to the measure with the id ``value``."""
    if isinstance(value, bool):
        linked = measures.linked_condition(WorkItem.target_type, WorkItem.target_id)
        return linked if value else ~linked
    return measures.linked_condition(WorkItem.target_type, WorkItem.target_id, value)


MEASURE_MATCHES_SHOWN = 5


def _parse_linked_measure(raw: str) -> int:
    """The measure a search field names: its number, or words of its title (the one
    measure whose title contains them, or is exactly them). A clear message for none and
    for several."""
    found = measures.find_measures(raw, limit=MEASURE_MATCHES_SHOWN + 1)
    exact = [mid for mid, title in found if title.strip().casefold() == raw.casefold()]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise FilterError(_("No measure has the number or a title with “%(value)s”.", value=raw))
    shown = "; ".join(f"{title} ({mid})" for mid, title in found[:MEASURE_MATCHES_SHOWN])
    raise FilterError(
        _(
            "Several measures match “%(value)s”: %(measures)s. Please type more of the title "
            "or the measure's number.",
            value=raw,
            measures=shown + ("; …" if len(found) > MEASURE_MATCHES_SHOWN else ""),
        )
    )


# measures sit below the back office: the back office registers their filters ("measure":
# yes / no / an id, e.g. from a link; "linked_measure": the search field's number or title)
register_filter(ExtraFilter("measure", _parse_measure, measure_condition))
register_filter(ExtraFilter("linked_measure", _parse_linked_measure, measure_condition))


def parse_filters(args, user: Any) -> InboxFilters:
    """Read and check the filters of ``args``; raise :class:`FilterError` (translated)."""
    filters = InboxFilters()
    ids = filters.ids
    filters.type = _text(args, "type")
    if filters.type is not None:
        known = content_types.get(filters.type)
        if known is None or known.tracked is None:
            raise _unknown("type")
    table = _categories()
    lookups = (  # filter name → (id column, column the URL names the row by)
        ("district", District.id, District.number),
        ("council", Council.id, Council.slug),
        ("category", table.c.id, table.c.slug),
        ("status", WorkflowStatus.id, WorkflowStatus.key),
    )
    for name, id_column, key_column in lookups:
        value = _text(args, name)
        setattr(filters, name, value)
        if value is not None:
            ids[name] = _id_of(name, id_column, key_column, value)
    filters.status_type = _text(args, "status_type")
    if filters.status_type not in (None, "open", "closed"):
        raise _unknown("status_type")
    filters.office = _text(args, "office")
    if filters.office is not None:
        ids["office"] = _id_of("office", Office.id, Office.slug, filters.office)
    filters.assignee = _text(args, "assignee")
    if filters.assignee == MINE:
        ids["assignee"] = getattr(user, "id", None)
    elif filters.assignee not in (None, UNASSIGNED):
        try:
            ids["assignee"] = parse_id(filters.assignee, name="assignee")
        except NumberError as exc:
            raise FilterError(str(exc)) from None
    filters.created_from = _day(args, "created_from")
    filters.created_to = _day(args, "created_to")
    overdue = _text(args, "overdue")
    if overdue not in (None, "1"):
        raise _unknown("overdue")
    filters.overdue = overdue == "1"
    filters.answered = _text(args, "answered")
    if filters.answered not in (None, "yes", "no"):
        raise _unknown("answered")
    raw_tags = args.getlist("tag") if hasattr(args, "getlist") else [args.get("tag") or ""]
    names = [n.strip() for n in raw_tags if n and n.strip()][:MAX_TAGS]
    if names:
        found_ids = []
        for name in names:
            found = triage.tag_by_name(name)
            if found is None:
                raise _unknown("tag")
            found_ids.append(found.id)
        filters.tags = names
        ids["tag"] = found_ids
    for extra in EXTRA_FILTERS.values():
        raw = _text(args, extra.name)
        if raw is not None:
            ids[f"extra:{extra.name}"] = extra.parse(raw)
            filters.extra[extra.name] = raw
    filters.q = _text(args, "q")
    if filters.q is not None and len(filters.q) > search.MAX_QUERY_CHARS:
        filters.q = filters.q[: search.MAX_QUERY_CHARS]
    filters.sort = _text(args, "sort") or "oldest"
    if filters.sort not in SORTS:
        raise _unknown("sort")
    filters.cursor = _text(args, "cursor")
    if filters.cursor is not None:
        ids["cursor"] = _parse_cursor(filters.sort, filters.cursor)
    return filters


def for_page(args, user: Any) -> tuple[InboxFilters, str | None]:
    """The filters of the inbox page; with a bad value, no filters and the message."""
    try:
        return parse_filters(args, user), None
    except FilterError as exc:
        return InboxFilters(), str(exc)


# --- scope and conditions ----------------------------------------------------------------------


def council_district_ids(user: Any, *, everything: bool) -> set[int] | None:
    """The districts the person reads in the inbox: ``None`` (all) for planners and admins
    (``everything``), else the districts of their councils (mayor or member)."""
    if everything:
        return None
    council_ids = user.council_ids(COUNCIL_ROLES)
    if not council_ids:
        return set()
    return set(db.session.scalars(select(District.id).where(District.council_id.in_(council_ids))))


def _council_district_ids(council_id: int) -> list[int]:
    """The ids of a council's districts (one small query)."""
    found = db.session.scalars(select(District.id).where(District.council_id == council_id))
    return sorted(found) or [0]


def _overdue(today: date):
    return and_(WorkItem.first_response_at.is_(None), WorkItem.due_on < today)


def conditions(filters: InboxFilters, scope: set[int] | None) -> list:
    """The WHERE criteria of the inbox under ``filters`` for the person's ``scope``."""
    ids = filters.ids
    where: list = []
    if scope is not None:
        where.append(WorkItem.district_id.in_(sorted(scope)) if scope else false())
    if filters.type:
        where.append(WorkItem.target_type == filters.type)
    else:
        where.append(WorkItem.target_type.in_([t.name for t in content_types.tracked_types()]))
    if "district" in ids:
        where.append(WorkItem.district_id == ids["district"])
    if "council" in ids:
        # the council's districts as values, not a subquery: the planner then knows how few
        # rows (district, status) holds for them (SQLite otherwise walks every unanswered item)
        where.append(WorkItem.district_id.in_(_council_district_ids(ids["council"])))
    if "category" in ids:
        where.append(WorkItem.category_id == ids["category"])
    if "status" in ids:
        where.append(WorkItem.status_id == ids["status"])
    if filters.status_type:
        where.append(WorkflowStatus.closed.is_(filters.status_type == "closed"))
    if "office" in ids:
        where.append(WorkItem.office_id == ids["office"])
    if filters.assignee == UNASSIGNED:
        where.append(WorkItem.assignee_id.is_(None))
    elif "assignee" in ids:
        where.append(WorkItem.assignee_id == ids["assignee"])
    if filters.created_from:
        where.append(WorkItem.created_at >= _start_of(filters.created_from))
    if filters.created_to:
        where.append(WorkItem.created_at < _start_of(filters.created_to, plus_one=True))
    if filters.overdue:
        where.append(_overdue(utcnow().date()))
    if filters.answered == "yes":
        where.append(WorkItem.first_response_at.is_not(None))
    elif filters.answered == "no":
        where.append(WorkItem.first_response_at.is_(None))
    if "tag" in ids:
        where.append(triage.tagged_condition(ids["tag"]))
    for extra in EXTRA_FILTERS.values():
        key = f"extra:{extra.name}"
        if key in ids:
            where.append(extra.condition(ids[key]))
    if search.has_words(filters.q):
        where.append(_words_condition(filters))
    return where


def _start_of(day: date, *, plus_one: bool = False) -> datetime:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start + timedelta(days=1) if plus_one else start


def search_key(content_type: content_types.ContentType) -> str | None:
    """The full-text search key of a type (the search entry on the same model)."""
    for key, entry in search.registered().items():
        if entry.model is content_type.model:
            return key
    return None


# Up to this many matches of a type, the inbox reads their ids first and filters by them.
FEW_MATCHES = 1000


def _words_condition(filters: InboxFilters):
    """Per type: its work items whose input matches the words; the types OR-ed (a type
    without a search entry matches nothing).

    Speed (200,000 inputs, bench/inbox_bench.py): per type one query reads up to
    :data:`FEW_MATCHES` + 1 matching ids. With few matches (a rare word) the condition is
    ``target_id IN (those ids)``, which the databases drive from the ``(target_type,
    target_id)`` index. With many (a common word: 40,000 for "Spielplatz" in the bench) the
    database walks the other filters' index in the page's order and checks each candidate
    against the matches until the page is full. On SQLite the matches are ONE common table
    expression shared by both halves of the default order (:func:`_page_statement`),
    compared with ``target_id + 0``, an expression and not the indexed column, so that
    SQLite does not look every match up and sort them all (what it did, 3× slower).
    PostgreSQL checks each candidate's stored vector by its primary key
    (:func:`app.core.search.row_matches`): until then it collected all 40,000 matches from
    the GIN index and rechecked them, once per half (EXPLAIN ANALYZE of "3 filters + full
    text" at 200,000 inputs on the loaded bench machine: 522 ms → 64 ms, the candidates
    ~300 primary-key probes)."""
    parts = []
    for content_type in content_types.tracked_types():
        if filters.type and content_type.name != filters.type:
            continue
        key = search_key(content_type)
        if key is None:
            continue
        matches = search.matching_ids(key, filters.q)
        few = db.session.scalars(matches.limit(FEW_MATCHES + 1)).all()
        if not few:
            continue  # no part: an OR with a false part keeps SQLite from the index
        if len(few) <= FEW_MATCHES:
            condition = WorkItem.target_id.in_(few)
        elif db.session.get_bind().dialect.name == "sqlite":
            shared = matches.cte(f"inbox_words_{content_type.name}")
            condition = (WorkItem.target_id + 0).in_(select(shared.c.id))
        else:
            # PostgreSQL: per candidate one probe of the input's stored vector (EXISTS), so
            # the database walks the other filters' index in the page's order and stops
            # when the page is full, instead of collecting all matches per half
            condition = search.row_matches(key, WorkItem.target_id, filters.q)
        parts.append(and_(WorkItem.target_type == content_type.name, condition))
    return or_(*parts) if parts else false()


# --- sorting and the cursor ------------------------------------------------------------------


def _answered_flag():
    return case((WorkItem.first_response_at.is_(None), 0), else_=1)


def _due():
    return func.coalesce(WorkItem.due_on, FAR_FUTURE)


def _order(sort: str) -> list:
    if sort == "newest":
        return [WorkItem.created_at.desc(), WorkItem.id.desc()]
    if sort == "due":
        return [_due().asc(), WorkItem.id.asc()]
    if sort == "supported":
        return [WorkItem.support_count.desc(), WorkItem.id.desc()]
    return [_answered_flag().asc(), WorkItem.created_at.asc(), WorkItem.id.asc()]


def _bad_cursor() -> FilterError:
    return FilterError(_("The page link is not valid; please start from the first page."))


def _parse_cursor(sort: str, raw: str) -> tuple:
    parts = raw.split("~")
    try:
        item_id = parse_id(parts[-1])
        if item_id is None:
            raise ValueError
        if sort == "oldest" and len(parts) == 3 and parts[0] in ("0", "1"):
            return (int(parts[0]), as_utc(datetime.fromisoformat(parts[1])), item_id)
        if sort == "newest" and len(parts) == 2:
            return (as_utc(datetime.fromisoformat(parts[0])), item_id)
        if sort == "due" and len(parts) == 2:
            return (date.fromisoformat(parts[0]), item_id)
        if sort == "supported" and len(parts) == 2 and parts[0].isdigit():
            return (int(parts[0]), item_id)
    except (ValueError, NumberError):
        pass
    raise _bad_cursor()


def _cursor_of(sort: str, row: Any) -> str:
    created = as_utc(row.created_at).isoformat()
    if sort == "newest":
        return f"{created}~{row.id}"
    if sort == "due":
        return f"{(row.due_on or FAR_FUTURE).isoformat()}~{row.id}"
    if sort == "supported":
        return f"{row.support_count}~{row.id}"
    return f"{0 if row.first_response_at is None else 1}~{created}~{row.id}"


def _after(sort: str, cursor: tuple):
    """Keyset: the rows after ``cursor`` in the order of ``sort``."""
    if sort == "newest":
        created, item_id = cursor
        return or_(
            WorkItem.created_at < created,
            and_(WorkItem.created_at == created, WorkItem.id < item_id),
        )
    if sort == "due":
        due, item_id = cursor
        return or_(_due() > due, and_(_due() == due, WorkItem.id > item_id))
    if sort == "supported":
        supports, item_id = cursor
        return or_(
            WorkItem.support_count < supports,
            and_(WorkItem.support_count == supports, WorkItem.id < item_id),
        )
    flag, created, item_id = cursor
    answered = _answered_flag()
    return or_(
        answered > flag,
        and_(
            answered == flag,
            or_(
                WorkItem.created_at > created,
                and_(WorkItem.created_at == created, WorkItem.id > item_id),
            ),
        ),
    )


# --- the inbox query ------------------------------------------------------------------------


def _statement(where: list):
    assignee = aliased(User)
    categories = _categories()
    return (
        select(
            WorkItem.id,
            WorkItem.target_type,
            WorkItem.target_id,
            WorkItem.created_at,
            WorkItem.due_on,
            WorkItem.first_response_at,
            WorkItem.closed_at,
            WorkItem.assignee_id,
            WorkItem.support_count,
            District.number.label("district_number"),
            District.name.label("district_name"),
            WorkflowStatus.key.label("status_key"),
            WorkflowStatus.name_de.label("status_de"),
            WorkflowStatus.name_en.label("status_en"),
            WorkflowStatus.colour.label("status_colour"),
            WorkflowStatus.closed.label("status_closed"),
            Office.name_de.label("office_de"),
            Office.name_en.label("office_en"),
            assignee.display_name.label("assignee_name"),
            categories.c.name_de.label("category_de"),
            categories.c.name_en.label("category_en"),
        )
        .join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
        .outerjoin(District, District.id == WorkItem.district_id)
        .outerjoin(Office, Office.id == WorkItem.office_id)
        .outerjoin(assignee, assignee.id == WorkItem.assignee_id)
        .outerjoin(categories, categories.c.id == WorkItem.category_id)
        .where(*where)
    )


def _ids_in_order(where: list, order: list, limit: int):
    """The ids of the first ``limit`` work items under ``where`` in ``order``: only the work
    items and their status (what the conditions read), so the database walks an index in
    that order and stops after ``limit`` rows, without joining the names of every row."""
    return (
        select(WorkItem.id)
        .join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .subquery()
    )


def _page_statement(where: list, sort: str, cursor: tuple | None, limit: int):
    """The statement of one page: ``limit`` rows under ``where`` after ``cursor`` in the order
    of ``sort``, ONE statement. The page's ids come first from the work items alone (in the
    order of an index: (support_count, id), (created_at, id), (first_response_at,
    created_at, id)); the default order (without an answer first, then oldest first) is the
    union of its two halves, each in its index's order. Then the rows with their names."""
    if sort != "oldest":
        if cursor is not None:
            where = [*where, _after(sort, cursor)]
        ids = select(_ids_in_order(where, _order(sort), limit).c.id)
    else:
        halves = []
        for flag, half in (
            (0, WorkItem.first_response_at.is_(None)),
            (1, WorkItem.first_response_at.is_not(None)),
        ):
            part_where = [*where, half]
            if cursor is not None:
                if cursor[0] > flag:
                    continue
                if cursor[0] == flag:
                    part_where.append(
                        or_(
                            WorkItem.created_at > cursor[1],
                            and_(WorkItem.created_at == cursor[1], WorkItem.id > cursor[2]),
                        )
                    )
            order = [WorkItem.created_at.asc(), WorkItem.id.asc()]
            halves.append(select(_ids_in_order(part_where, order, limit).c.id))
        ids = union_all(*halves) if len(halves) > 1 else halves[0]
    return _statement([WorkItem.id.in_(ids)]).order_by(*_order(sort)).limit(limit)


@dataclass
class InboxRow:
    """One row of the inbox (and of the export)."""

    id: int
    target_type: str
    target_id: int
    type_label: str
    title: str
    public_url: str | None
    district_number: str | None
    district_name: str | None
    category: str | None
    status_key: str
    status: str
    status_colour: str
    closed: bool
    office: str | None
    assignee: str | None
    created_at: datetime
    due_on: date | None
    first_response_at: datetime | None
    closed_at: datetime | None
    age_days: int
    overdue: bool
    lat: float | None = None
    lon: float | None = None
    tags: list[str] = field(default_factory=list)
    supports: int = 0
    comments: int = 0

    @property
    def status_type(self) -> str:
        return "closed" if self.closed else "open"


def _load_for_export(
    content_type: content_types.ContentType, ids: list[int], keep: list
) -> dict[int, Any]:
    """The inputs of an export batch: like ``get_many_any``, but only the inputs' own rows,
    and the rows their many-to-one relationships point at (what titles, links and places
    read: a barrier report's offer) each in ONE ``SELECT … IN`` per relationship and batch,
    nothing below them. Those rows go into the session (held in ``keep`` for the batch), so
    reading ``obj.offer`` finds it there without a query, and a relationship nobody reads
    (the author) costs one small query, not an object per input. The models' default joined
    loads bring the author with their roles, councils and offices — seven objects per input,
    a quarter of the export's time (cProfile, bench/inbox_bench.py). A type with its own
    ``load_many`` keeps it."""
    if content_type.load_many is not None or content_type.model is None:
        return content_type.get_many_any(ids)
    model = content_type.model
    mapper = sa_inspect(model)
    objects = db.session.scalars(
        select(model).where(model.id.in_(sorted(set(ids)))).options(lazyload("*"))
    ).all()
    keep.extend(objects)
    for rel in mapper.relationships:
        if rel.direction is not MANYTOONE or len(rel.local_remote_pairs) != 1:
            continue
        local, remote = rel.local_remote_pairs[0]
        target = rel.mapper
        if list(target.primary_key) != [remote]:
            continue  # not a plain foreign key to the primary key: left to its loader
        key = mapper.get_property_by_column(local).key
        values = sorted({v for v in (getattr(obj, key) for obj in objects) if v is not None})
        if values:
            keep.extend(
                db.session.scalars(
                    select(target.class_).where(remote.in_(values)).options(lazyload("*"))
                ).all()
            )
    return {obj.id: obj for obj in objects}


_PROBE_ID = 987_654_321


@dataclass(frozen=True)
class _IdOnly:
    """An input of which only the id is known (for :func:`_url_template`)."""

    id: int


def _url_template(content_type: content_types.ContentType, sample: Any) -> str | None:
    """The type's link with a placeholder id, if its link depends on the id alone: built
    once per export batch instead of ``url_for`` per row (a tenth of the export's time).
    Checked on a real input of the batch; any doubt (another attribute read, the id twice,
    another result) gives ``None``, and the rows build their links one by one."""
    try:
        template = content_type.url(_IdOnly(_PROBE_ID))
    except (AttributeError, TypeError, ValueError, LookupError):
        return None
    marker = str(_PROBE_ID)
    if not template or template.count(marker) != 1:
        return None
    if content_type.url(sample) != template.replace(marker, str(sample.id)):
        return None
    return template


def _link(content_type, obj: Any, templates: dict[str, str | None]) -> str | None:
    template = templates.get(content_type.name)
    if template is None:
        return content_type.url(obj)
    return template.replace(str(_PROBE_ID), str(obj.id))


def _rows(found: list, today: date, *, with_comments: bool = False) -> list[InboxRow]:
    """The page's rows with titles: ONE batched load per type through the registry (and,
    for the export, the lighter load of :func:`_load_for_export` and one count of comments
    per type). Type labels are translated once per type, not per row."""
    english = current_language() == "en"
    by_type: dict[str, list[int]] = {}
    for row in found:
        by_type.setdefault(row.target_type, []).append(row.target_id)
    loaded: dict[str, dict[int, Any]] = {}
    keep: list = []  # the export's related rows, held while the batch is built
    templates: dict[str, str | None] = {}  # the export's links by type (see _url_template)
    labels: dict[str, str] = {}
    for type_name, target_ids in by_type.items():
        content_type = content_types.get(type_name)
        labels[type_name] = str(content_type.label or type_name) if content_type else ""
        if content_type is None:
            loaded[type_name] = {}
        elif with_comments:
            loaded[type_name] = _load_for_export(content_type, target_ids, keep)
            sample = next(iter(loaded[type_name].values()), None)
            if sample is not None:
                templates[type_name] = _url_template(content_type, sample)
        else:
            loaded[type_name] = content_type.get_many_any(target_ids)
    tags = triage.tag_names_by_item(row.id for row in found)
    comment_counts: dict[str, dict[int, int]] = {}
    if with_comments:
        for type_name, target_ids in by_type.items():
            comment_counts[type_name] = comments.counts(type_name, target_ids)
    now = utcnow()
    rows = []
    for row in found:
        content_type = content_types.get(row.target_type)
        obj = loaded.get(row.target_type, {}).get(row.target_id)
        point = (
            content_type.tracked.point_of(obj)
            if obj is not None and content_type is not None and content_type.tracked
            else None
        )
        created = as_utc(row.created_at)
        rows.append(
            InboxRow(
                id=row.id,
                target_type=row.target_type,
                target_id=row.target_id,
                type_label=labels[row.target_type],
                title=(content_type.title(obj) if obj is not None else "") or _("(without title)"),
                public_url=_link(content_type, obj, templates) if obj is not None else None,
                district_number=row.district_number,
                district_name=row.district_name,
                category=(row.category_en if english else row.category_de) or row.category_de,
                status_key=row.status_key,
                status=row.status_en if english else row.status_de,
                status_colour=row.status_colour,
                closed=bool(row.status_closed),
                office=(row.office_en if english else row.office_de) or row.office_de,
                assignee=row.assignee_name,
                created_at=created,
                due_on=row.due_on,
                first_response_at=as_utc(row.first_response_at),
                closed_at=as_utc(row.closed_at),
                age_days=max((now - created).days, 0),
                overdue=row.first_response_at is None
                and row.due_on is not None
                and row.due_on < today,
                lat=point[0] if point else None,
                lon=point[1] if point else None,
                tags=tags.get(row.id, []),
                supports=row.support_count or 0,
                comments=comment_counts.get(row.target_type, {}).get(row.target_id, 0),
            )
        )
    return rows


def _coordinate(obj: Any, name: str) -> float | None:
    value = getattr(obj, name, None) if obj is not None else None
    return float(value) if isinstance(value, int | float) else None


def _no_parallel_workers() -> None:
    """PostgreSQL: no parallel workers for the rest of this transaction (the request). A page
    reads 51 rows walking an index in its order; the planner, which guesses 2 % for any
    prefix search (``word:*``, whatever the word), expects to walk thousands of rows and
    starts two workers, whose start-up cost the whole page on a loaded 2-core machine (EXPLAIN
    ANALYZE at 200,000 inputs, "full text only": 358 ms until the first row of the gather,
    40 ms for the same walk without workers)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


@dataclass
class InboxPage:
    rows: list[InboxRow]
    next_cursor: str | None


def inbox_page(filters: InboxFilters, scope: set[int] | None) -> InboxPage:
    """One page (:data:`PAGE_SIZE` rows) in the order of ``filters.sort``, after its cursor:
    one statement, plus one load per type of the rows for the titles."""
    where = conditions(filters, scope)
    _no_parallel_workers()
    found = db.session.execute(
        _page_statement(where, filters.sort, filters.ids.get("cursor"), PAGE_SIZE + 1)
    ).all()
    more = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    next_cursor = _cursor_of(filters.sort, found[-1]) if more and found else None
    return InboxPage(_rows(found, utcnow().date()), next_cursor)


def export_rows(filters: InboxFilters, scope: set[int] | None) -> Iterator[InboxRow]:
    """Every row under ``filters`` (all pages), in keyset batches of :data:`EXPORT_BATCH`:
    never more than one batch in memory."""
    base = conditions(filters, scope)
    cursor = None
    while True:
        found = db.session.execute(
            _page_statement(list(base), filters.sort, cursor, EXPORT_BATCH)
        ).all()
        if not found:
            return
        yield from _rows(found, utcnow().date(), with_comments=True)
        if len(found) < EXPORT_BATCH:
            return
        # the batch's inputs are not kept: the session's identity map holds them weakly
        cursor = _parse_cursor(filters.sort, _cursor_of(filters.sort, found[-1]))


# --- choices for the filter form ---------------------------------------------------------------


def filter_choices(scope: set[int] | None) -> dict[str, list[tuple[str, str]]]:
    """The values offered in the filter form (a handful of small queries; the measures are
    not listed: a search field finds them, :func:`measure_suggestions`)."""
    district_query = select(District.number, District.name).order_by(District.number)
    council_query = select(Council.slug, Council.name).order_by(Council.name)
    if scope is not None:
        district_query = district_query.where(District.id.in_(sorted(scope) or [0]))
        council_query = council_query.where(
            Council.id.in_(select(District.council_id).where(District.id.in_(sorted(scope) or [0])))
        )
    categories = _categories()
    category_rows = db.session.execute(
        select(categories.c.slug, categories.c.name_de, categories.c.name_en).order_by(
            categories.c.sort, categories.c.id
        )
    ).all()
    english = current_language() == "en"
    status_rows = db.session.scalars(
        select(WorkflowStatus).order_by(WorkflowStatus.position, WorkflowStatus.id)
    )
    offices = db.session.scalars(select(Office).order_by(Office.id))
    return {
        "type": [(t.name, str(t.label or t.name)) for t in content_types.tracked_types()],
        "district": [(n, f"{n} {name}") for n, name in db.session.execute(district_query)],
        "council": [(slug, name) for slug, name in db.session.execute(council_query)],
        "category": [(s, (en if english else de) or de) for s, de, en in category_rows],
        "status": [(s.key, s.name(current_language())) for s in status_rows],
        "office": [(o.slug, localized(o, "name")) for o in offices],
        "tag": [(t.name, t.name) for t in triage.tags()],
    }


def measure_suggestions(text: str) -> list[dict[str, Any]]:
    """The search field's suggestions: measures by number or title (at most 10)."""
    return [{"id": mid, "title": title} for mid, title in measures.find_measures(text)]


# --- navigation counts -----------------------------------------------------------------------


def nav_counts(user: Any) -> dict[str, int]:
    """For a planner's navigation: work items assigned to them and still open, and overdue
    items (first answer past due). One query (two index lookups: assignee × open statuses,
    unanswered × due date), cached per request."""
    cached = g.get("_inbox_counts")
    if cached is not None:
        return cached
    today = utcnow().date()
    open_ids = [s.id for s in workflow.statuses(include_inactive=True) if not s.closed]
    mine = (
        select(func.count(WorkItem.id))
        .where(WorkItem.assignee_id == user.id, WorkItem.status_id.in_(open_ids or [0]))
        .scalar_subquery()
    )
    overdue = select(func.count(WorkItem.id)).where(_overdue(today)).scalar_subquery()
    found_mine, found_overdue = db.session.execute(select(mine, overdue)).one()
    g._inbox_counts = {"mine": int(found_mine or 0), "overdue": int(found_overdue or 0)}
    return g._inbox_counts


# --- the item view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InternalEntry:
    """One line of the internal status timeline: time, status, actor and office."""

    at: datetime
    status: str
    actor: str | None
    office: str | None
    response_id: int | None


def internal_timeline(item: WorkItem) -> list[InternalEntry]:
    """The item's status history for the back office, oldest first (one query)."""
    english = current_language() == "en"
    rows = db.session.execute(
        select(
            StatusChange.created_at,
            StatusChange.response_id,
            WorkflowStatus.name_de,
            WorkflowStatus.name_en,
            User.display_name,
            Office.name_de.label("office_de"),
            Office.name_en.label("office_en"),
        )
        .join(WorkflowStatus, WorkflowStatus.id == StatusChange.to_status_id)
        .outerjoin(User, User.id == StatusChange.actor_id)
        .outerjoin(Office, Office.id == StatusChange.office_id)
        .where(StatusChange.work_item_id == item.id)
        .order_by(StatusChange.created_at, StatusChange.id)
    ).all()
    return [
        InternalEntry(
            at=as_utc(r.created_at),
            status=r.name_en if english else r.name_de,
            actor=r.display_name,
            office=(r.office_en if english else r.office_de) or r.office_de,
            response_id=r.response_id,
        )
        for r in rows
    ]


def input_texts(content_type: content_types.ContentType, obj: Any) -> list[str]:
    """The input's texts (its searchable text columns other than the title)."""
    key = search_key(content_type)
    if key is None:
        return []
    title = content_type.title(obj)
    texts = []
    for name in search.registered()[key].columns:
        value = getattr(obj, name, None)
        if value and value != title:
            texts.append(value)
    return texts


def planners() -> list[User]:
    """The people who can be assigned: every planner (with their office roles loaded)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role == PLANNER))
            )
            .order_by(User.display_name, User.id)
        )
    )


def offices() -> list[Office]:
    return list(db.session.scalars(select(Office).order_by(Office.id)))


def office_by_id(office_id: int | None) -> Office | None:
    return db.session.get(Office, office_id) if office_id is not None else None


def user_by_id(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None else None


@dataclass
class DistrictFacts:
    district: District
    index_class: str | None
    indicators: list[tuple[str, float, int, str]]  # name, value, year, unit


def district_facts(district_id: int | None) -> DistrictFacts | None:
    """The district with its social-index class and up to five key indicators (latest
    values), from the indicators' services."""
    if district_id is None:
        return None
    district = db.session.get(District, district_id)
    if district is None:
        return None
    index_class = None
    definition = district_index.active_definition()
    if definition is not None:
        computed = district_index.social_index(definition)
        area = computed.by_number.get(district.number)
        if area is not None:
            index_class = district_index.status_label(area.status_class)
    key_rows = [row for row in profile.district_profile(district) if row.latest is not None][:5]
    return DistrictFacts(
        district,
        index_class,
        [
            (
                localized(row.indicator, "name"),
                row.latest,
                row.latest_year,
                getattr(row.indicator, "unit", "") or "",
            )
            for row in key_rows
        ],
    )


# --- similar inputs nearby and duplicate candidates -------------------------------------------

NEARBY_M = 1000
NEARBY_SCAN = 300  # at most this many rows of each type inside the box are measured
NEARBY_SHOWN = 10
EARTH_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def title_words(title: str) -> set[str]:
    """The stemmed words of a title that say something (stop words and 1–2 letters out):
    the same on SQLite and PostgreSQL, no trigram extension needed."""
    return {w for w in search.lexemes(title) if len(w) > 2}


def similar_title(a: str, b: str) -> bool:
    """Similar: they share a stemmed word ("Spielplätze" ~ "Spielplatz")."""
    return bool(title_words(a) & title_words(b))


@dataclass(frozen=True)
class Nearby:
    target_type: str
    target_id: int
    title: str
    type_label: str
    status: str
    distance_m: int
    similar: bool
    is_duplicate: bool


def _placed(model) -> bool:
    table = getattr(model, "__table__", None)
    return table is not None and "lat" in table.c and "lon" in table.c


def similar_nearby(item: WorkItem, obj: Any, scope: set[int] | None = None) -> list[Nearby]:
    """Inputs of the same category within :data:`NEARBY_M` metres, nearest first (similar
    titles first among equals), inside the person's ``scope`` (their council's districts;
    ``None``: all): per placed type ONE query over a lat/lon box (bounded by
    :data:`NEARBY_SCAN`), the exact distance in Python, then one load per type for titles."""
    lat, lon = _coordinate(obj, "lat"), _coordinate(obj, "lon")
    if lat is None or lon is None or item.category_id is None:
        return []
    dlat = NEARBY_M / 111_320
    dlon = NEARBY_M / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    english = current_language() == "en"
    title = ""
    own_type = content_types.get(item.target_type)
    if own_type is not None:
        title = own_type.title(obj) or ""
    found: list[tuple[float, str, int, str]] = []
    for content_type in content_types.tracked_types():
        model = content_type.model
        if not _placed(model):
            continue
        rows = db.session.execute(
            select(
                model.id,
                model.lat,
                model.lon,
                WorkflowStatus.key,
                WorkflowStatus.name_de,
                WorkflowStatus.name_en,
            )
            .join(
                WorkItem,
                and_(WorkItem.target_type == content_type.name, WorkItem.target_id == model.id),
            )
            .join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
            .where(
                WorkItem.category_id == item.category_id,
                WorkItem.id != item.id,
                *([WorkItem.district_id.in_(sorted(scope) or [0])] if scope is not None else []),
                model.lat.between(lat - dlat, lat + dlat),
                model.lon.between(lon - dlon, lon + dlon),
            )
            .order_by(WorkItem.id.desc())
            .limit(NEARBY_SCAN)
        ).all()
        for row_id, row_lat, row_lon, key, name_de, name_en in rows:
            metres = distance_m(lat, lon, row_lat, row_lon)
            if metres <= NEARBY_M:
                found.append(
                    (metres, content_type.name, row_id, key, name_en if english else name_de)
                )
    by_type: dict[str, list[int]] = {}
    for _m, type_name, row_id, _k, _s in found:
        by_type.setdefault(type_name, []).append(row_id)
    loaded = {
        type_name: content_types.get(type_name).get_many_any(ids)
        for type_name, ids in by_type.items()
    }
    result = []
    for metres, type_name, row_id, key, status in found:
        other = loaded[type_name].get(row_id)
        if other is None:
            continue
        content_type = content_types.get(type_name)
        other_title = content_type.title(other) or ""
        result.append(
            Nearby(
                target_type=type_name,
                target_id=row_id,
                title=other_title or _("(without title)"),
                type_label=str(content_type.label or type_name),
                status=status,
                distance_m=round(metres),
                similar=similar_title(title, other_title),
                is_duplicate=key == DUPLICATE,
            )
        )
    result.sort(key=lambda n: (n.distance_m, not n.similar, n.target_type, n.target_id))
    return result[:NEARBY_SHOWN]


def duplicate_candidates(nearby: list[Nearby]) -> list[Nearby]:
    """Of the inputs nearby: those with a similar title that are no duplicate themselves
    (a duplicate of a duplicate is refused)."""
    return [n for n in nearby if n.similar and not n.is_duplicate]
