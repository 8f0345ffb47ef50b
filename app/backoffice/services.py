"""The back office's services: the inbox filters, the one inbox query with its keyset pages,
the titles of a page (one batched load per type through the content-type registry), the
item view's data, the export rows and the navigation counts.

The inbox reads the workflow's ``work_items`` (status, office, assignee, district, category
and dates are copied there for exactly this list), so a page is ONE SQL statement whatever
the types; the inputs themselves are reached only through :mod:`app.core.content_types`
and their words through :mod:`app.core.search`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import Office, RoleAssignment, User
from ..core import content_types, search
from ..core.i18n import current_language, localized
from ..core.numbers import NumberError, parse_id
from ..core.permissions import COUNCIL_ROLES, PLANNER
from ..core.time import as_utc, utcnow
from ..districts.models import Council, District
from ..extensions import db
from ..indicators import district_index, profile
from ..notifications import services as notifications
from ..responses import services as responses
from ..responses.models import OfficialResponse
from ..workflow import services as workflow
from ..workflow import triage
from ..workflow.models import DUPLICATE, StatusChange, WorkflowStatus, WorkItem

PAGE_SIZE = 50
EXPORT_BATCH = 500
SORTS = ("oldest", "newest", "due")
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
    tag: str | None = None  # tag name (case-insensitive)
    q: str | None = None
    sort: str = "oldest"
    cursor: str | None = None
    # resolved ids (not URL parameters)
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
        "tag",
        "q",
        "sort",
    )

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
            values[name] = value
        if values.get("sort") == "oldest":
            values["sort"] = None
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return any(
            getattr(self, f.name) not in (None, "", False)
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
    filters.tag = _text(args, "tag")
    if filters.tag is not None:
        found = triage.tag_by_name(filters.tag)
        if found is None:
            raise _unknown("tag")
        ids["tag"] = found.id
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
        where.append(
            WorkItem.district_id.in_(
                select(District.id).where(District.council_id == ids["council"])
            )
        )
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


def _words_condition(filters: InboxFilters):
    """Per type: its work items whose input matches the words; the types OR-ed (a type
    without a search entry matches nothing)."""
    parts = []
    for content_type in content_types.tracked_types():
        if filters.type and content_type.name != filters.type:
            continue
        key = search_key(content_type)
        if key is None:
            continue
        parts.append(
            and_(
                WorkItem.target_type == content_type.name,
                WorkItem.target_id.in_(search.matching_ids(key, filters.q)),
            )
        )
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
    except (ValueError, NumberError):
        pass
    raise _bad_cursor()


def _cursor_of(sort: str, row: Any) -> str:
    created = as_utc(row.created_at).isoformat()
    if sort == "newest":
        return f"{created}~{row.id}"
    if sort == "due":
        return f"{(row.due_on or FAR_FUTURE).isoformat()}~{row.id}"
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

    @property
    def status_type(self) -> str:
        return "closed" if self.closed else "open"


def _rows(found: list, today: date) -> list[InboxRow]:
    """The page's rows with titles: ONE batched load per type through the registry."""
    english = current_language() == "en"
    by_type: dict[str, list[int]] = {}
    for row in found:
        by_type.setdefault(row.target_type, []).append(row.target_id)
    loaded: dict[str, dict[int, Any]] = {}
    for type_name, target_ids in by_type.items():
        content_type = content_types.get(type_name)
        loaded[type_name] = content_type.get_many_any(target_ids) if content_type else {}
    tags = triage.tag_names_by_item(row.id for row in found)
    now = utcnow()
    rows = []
    for row in found:
        content_type = content_types.get(row.target_type)
        obj = loaded.get(row.target_type, {}).get(row.target_id)
        created = as_utc(row.created_at)
        rows.append(
            InboxRow(
                id=row.id,
                target_type=row.target_type,
                target_id=row.target_id,
                type_label=str(content_type.label or row.target_type) if content_type else "",
                title=(content_type.title(obj) if obj is not None else "") or _("(without title)"),
                public_url=content_type.url(obj) if obj is not None else None,
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
                lat=_coordinate(obj, "lat"),
                lon=_coordinate(obj, "lon"),
                tags=tags.get(row.id, []),
            )
        )
    return rows


def _coordinate(obj: Any, name: str) -> float | None:
    value = getattr(obj, name, None) if obj is not None else None
    return float(value) if isinstance(value, int | float) else None


@dataclass
class InboxPage:
    rows: list[InboxRow]
    next_cursor: str | None


def inbox_page(filters: InboxFilters, scope: set[int] | None) -> InboxPage:
    """One page (:data:`PAGE_SIZE` rows) in the order of ``filters.sort``, after its cursor:
    one statement, plus one load per type of the rows for the titles."""
    where = conditions(filters, scope)
    if "cursor" in filters.ids:
        where.append(_after(filters.sort, filters.ids["cursor"]))
    found = db.session.execute(
        _statement(where).order_by(*_order(filters.sort)).limit(PAGE_SIZE + 1)
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
        where = list(base)
        if cursor is not None:
            where.append(_after(filters.sort, cursor))
        found = db.session.execute(
            _statement(where).order_by(*_order(filters.sort)).limit(EXPORT_BATCH)
        ).all()
        if not found:
            return
        yield from _rows(found, utcnow().date())
        if len(found) < EXPORT_BATCH:
            return
        # the batch's inputs are not kept: the session's identity map holds them weakly
        cursor = _parse_cursor(filters.sort, _cursor_of(filters.sort, found[-1]))


# --- choices for the filter form ---------------------------------------------------------------


def filter_choices(scope: set[int] | None) -> dict[str, list[tuple[str, str]]]:
    """The values offered in the filter form (a handful of small queries)."""
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


# --- navigation counts -----------------------------------------------------------------------


def nav_counts(user: Any) -> dict[str, int]:
    """For a planner's navigation: work items assigned to them and still open, and overdue
    items (first answer past due). One query, cached per request."""
    cached = g.get("_inbox_counts")
    if cached is not None:
        return cached
    today = utcnow().date()
    mine, overdue = db.session.execute(
        select(
            func.count(
                case((and_(WorkItem.assignee_id == user.id, WorkflowStatus.closed.is_(False)), 1))
            ),
            func.count(case((_overdue(today), 1))),
        ).join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
    ).one()
    g._inbox_counts = {"mine": int(mine or 0), "overdue": int(overdue or 0)}
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


def change_status(
    actor: Any, item: WorkItem, status_key: str, *, response_id=None, duplicate_of=None
):
    """The back office's status change: the workflow's, and the input's followers (its author
    among them) are told once. With a public answer (published with ``notify=False``) the
    answer's notification is that one message, sent after the status is set so that its mail
    names the new status; a duplicate's followers get the invitation to the original instead."""
    change = workflow.change_status(
        actor, item, status_key, response_id=response_id, duplicate_of=duplicate_of
    )
    if response_id is not None:
        response = db.session.get(OfficialResponse, response_id)
        target = content_types.respondable(item.target_type)
        if response is not None and target is not None:
            responses.notify_published(actor, target, response)
    elif change is not None and status_key != DUPLICATE:
        notifications.notify_followers(
            item.target_type, item.target_id, kind="status_changed", actor=actor
        )
    return change
