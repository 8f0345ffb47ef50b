"""The workflow's services: statuses, work items, status changes with their history,
offices by routing rules, due dates. Services flush, never commit; every change is audited.

Other domains call :func:`open_item` when an input is created and :func:`change_status`
for status changes; lists read the status key through :func:`status_key_column` and filter
with :func:`status_condition` (both correlated subqueries: no extra query per row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, null, select, text, union_all, update
from sqlalchemy.orm.attributes import set_committed_value

from ..core import content_types
from ..core.audit import record, record_changes, record_delete, record_save
from ..core.i18n import current_language
from ..core.time import as_utc, utcnow
from ..extensions import db
from ..notifications import services as notifications
from .models import (
    DUPLICATE,
    NEW,
    SEEDED_STATUSES,
    ResponseTarget,
    RoutingRule,
    StatusChange,
    WorkflowStatus,
    WorkItem,
    durations,
    pause_count_triggers_sql,
    rebuild_counts_sql,
    resume_count_triggers_sql,
)

DEFAULT_RESPONSE_DAYS = 30
# From this many rows on, a bulk write of work items counts the figures once afterwards
# instead of per row (per-row upserts of the same few count rows in one transaction grow
# PostgreSQL's row versions: 200,000 rows took more than ten minutes).
BULK_COUNT_ROWS = 5_000
_PAUSED = "workflow.counts_paused"  # session.info: inside bulk_counts()
FOLLOW_ORIGINAL = "follow_original"  # notification kind: follow the original of a duplicate


class WorkflowError(ValueError):
    """A workflow rule was broken; the message is translated. ``field`` names the form
    field it belongs to (or ``None``)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- statuses --------------------------------------------------------------------------------


def load_statuses() -> int:
    """Create the standard statuses that do not exist yet (idempotent); how many were made."""
    existing = set(db.session.scalars(select(WorkflowStatus.key)))
    created = 0
    for key, name_de, name_en, colour, closed, position in SEEDED_STATUSES:
        if key not in existing:
            db.session.add(
                WorkflowStatus(
                    key=key,
                    name_de=name_de,
                    name_en=name_en,
                    colour=colour,
                    closed=closed,
                    position=position,
                    active=True,
                )
            )
            created += 1
    db.session.flush()
    _forget_statuses()
    return created


def _all_statuses() -> dict[str, WorkflowStatus]:
    """All statuses by key, read once per request (or app context)."""
    cached = g.get("_workflow_statuses")
    if cached is None:
        rows = db.session.scalars(select(WorkflowStatus).order_by(WorkflowStatus.position))
        cached = {s.key: s for s in rows}
        g._workflow_statuses = cached
    return cached


def _forget_statuses() -> None:
    g.pop("_workflow_statuses", None)


def statuses(*, include_inactive: bool = False) -> list[WorkflowStatus]:
    """The statuses in their order (by default only the active ones)."""
    found = sorted(_all_statuses().values(), key=lambda s: (s.position, s.id))
    return [s for s in found if include_inactive or s.active]


def status_by_key(key: str | None) -> WorkflowStatus | None:
    return _all_statuses().get(key or "")


def status_keys() -> tuple[str, ...]:
    """The keys of all statuses (for filters)."""
    return tuple(s.key for s in statuses(include_inactive=True))


def status_label(key: str | None) -> str:
    """The public name of a status in the current language (the key if unknown)."""
    found = status_by_key(key)
    if found is None:
        return key or ""
    return found.name(current_language())


def status_choices() -> list[tuple[str, str]]:
    return [(s.key, s.name(current_language())) for s in statuses()]


def update_status(
    actor: Any,
    status: WorkflowStatus,
    *,
    name_de: str,
    name_en: str,
    colour: str,
    position: int,
    active: bool,
) -> bool:
    """Change a status' names, colour, order and whether it is offered (its key and the
    closed flag stay). Audited; returns whether anything changed."""
    if not active and status.key == NEW:
        raise WorkflowError(_("The status “new” is needed for new inputs."), "active")
    changed = record_changes(
        actor,
        status,
        {
            "name_de": name_de.strip(),
            "name_en": name_en.strip(),
            "colour": colour.lower(),
            "position": position,
            "active": active,
        },
        "workflow.status_edited",
        "workflow_status",
    )
    _forget_statuses()
    return bool(changed)


# --- routing and response targets ------------------------------------------------------------


def route(target_type: str, category_id: int | None, district_id: int | None) -> int | None:
    """The office responsible for a new input: the most specific matching rule wins
    (district and category > category > district > type only; a rule for the type beats
    the same rule for any type). One query."""
    found = db.session.scalars(
        select(RoutingRule).where(
            (RoutingRule.target_type == target_type) | RoutingRule.target_type.is_(None),
            (RoutingRule.category_id == category_id) | RoutingRule.category_id.is_(None),
            (RoutingRule.district_id == district_id) | RoutingRule.district_id.is_(None),
        )
    ).all()
    return best_office(found, target_type, category_id, district_id)


def best_office(
    candidates: Iterable[RoutingRule],
    target_type: str,
    category_id: int | None,
    district_id: int | None,
) -> int | None:
    """The office of the most specific rule among ``candidates`` that matches."""

    def matches(rule: RoutingRule) -> bool:
        return (
            rule.target_type in (None, target_type)
            and rule.category_id in (None, category_id)
            and rule.district_id in (None, district_id)
        )

    def rank(rule: RoutingRule) -> tuple[bool, bool, bool, bool]:
        return (
            rule.district_id is not None and rule.category_id is not None,
            rule.category_id is not None,
            rule.district_id is not None,
            rule.target_type is not None,
        )

    matching = [rule for rule in candidates if matches(rule)]
    return max(matching, key=rank).office_id if matching else None


def _office_and_days(
    target_type: str, category_id: int | None, district_id: int | None
) -> tuple[int | None, int]:
    """:func:`route` and :func:`response_days` in one query (items are opened on every
    new input)."""
    rule_rows = select(
        literal("rule").label("kind"),
        RoutingRule.office_id.label("value"),
        RoutingRule.target_type,
        RoutingRule.category_id,
        RoutingRule.district_id,
    ).where(
        (RoutingRule.target_type == target_type) | RoutingRule.target_type.is_(None),
        (RoutingRule.category_id == category_id) | RoutingRule.category_id.is_(None),
        (RoutingRule.district_id == district_id) | RoutingRule.district_id.is_(None),
    )
    target_rows = select(
        literal("target"),
        ResponseTarget.days,
        null(),
        ResponseTarget.category_id,
        null(),
    ).where(ResponseTarget.category_id == category_id)
    candidates, days = [], None
    for kind, value, rule_type, rule_category, rule_district in db.session.execute(
        union_all(rule_rows, target_rows)
    ):
        if kind == "target":
            days = value
        else:
            candidates.append(
                RoutingRule(
                    target_type=rule_type,
                    category_id=rule_category,
                    district_id=rule_district,
                    office_id=value,
                )
            )
    if days is None:
        days = response_days(None)
    return best_office(candidates, target_type, category_id, district_id), days


def response_days(category_id: int | None) -> int:
    if category_id is not None:
        days = db.session.scalar(
            select(ResponseTarget.days).where(ResponseTarget.category_id == category_id)
        )
        if days is not None:
            return days
    return int(current_app.config.get("WORKFLOW_DEFAULT_RESPONSE_DAYS", DEFAULT_RESPONSE_DAYS))


def due_date(
    category_id: int | None, created_at: datetime | None, *, days: int | None = None
) -> date:
    """The day the first answer is due: created + the category's target (or the default)."""
    created = as_utc(created_at) or utcnow()
    if days is None:
        days = response_days(category_id)
    return created.date() + timedelta(days=days)


def categories_for_choice() -> list[Any]:
    """The input categories (the proposals' table, read by name: no import upwards)."""
    from_table = db.metadata.tables["proposal_categories"]
    rows = db.session.execute(
        select(from_table.c.id, from_table.c.name_de, from_table.c.name_en).order_by(
            from_table.c.sort, from_table.c.id
        )
    ).all()
    return [_Named(id=r.id, name_de=r.name_de, name_en=r.name_en) for r in rows]


@dataclass(frozen=True)
class _Named:
    id: int
    name_de: str
    name_en: str


def rules() -> list[RoutingRule]:
    return list(db.session.scalars(select(RoutingRule).order_by(RoutingRule.id)))


def response_targets() -> list[ResponseTarget]:
    return list(db.session.scalars(select(ResponseTarget).order_by(ResponseTarget.id)))


def save_rule(
    actor: Any,
    rule: RoutingRule | None,
    *,
    target_type: str | None,
    category_id: int | None,
    district_id: int | None,
    office_id: int,
) -> RoutingRule:
    """Add (``rule=None``) or change a routing rule; one rule per combination. Audited."""
    clash = db.session.scalar(
        select(RoutingRule.id).where(
            _is(RoutingRule.target_type, target_type),
            _is(RoutingRule.category_id, category_id),
            _is(RoutingRule.district_id, district_id),
        )
    )
    if clash is not None and (rule is None or clash != rule.id):
        raise WorkflowError(_("A rule for this combination exists already."), "office")
    return record_save(
        actor,
        rule,
        RoutingRule,
        {
            "target_type": target_type,
            "category_id": category_id,
            "district_id": district_id,
            "office_id": office_id,
        },
        "workflow.rule_saved",
        "workflow_routing_rule",
        _rule_snapshot,
    )


def delete_rule(actor: Any, rule: RoutingRule) -> None:
    before = _rule_snapshot(rule)
    record_delete(actor, rule, "workflow.rule_deleted", "workflow_routing_rule", before)


def _rule_snapshot(rule: RoutingRule) -> dict:
    return {
        "target_type": rule.target_type,
        "category_id": rule.category_id,
        "district_id": rule.district_id,
        "office_id": rule.office_id,
    }


def _is(column, value):
    return column.is_(None) if value is None else column == value


def save_target(actor: Any, category_id: int, days: int) -> ResponseTarget:
    """Set the response target of a category (one per category). Audited."""
    target = db.session.scalar(
        select(ResponseTarget).where(ResponseTarget.category_id == category_id)
    )
    before = {"days": target.days} if target is not None else None
    if target is None:
        target = ResponseTarget(category_id=category_id, days=days)
        db.session.add(target)
    target.days = days
    db.session.flush()
    record(
        actor,
        "workflow.target_saved",
        "workflow_response_target",
        target.id,
        before=before,
        after={"category_id": category_id, "days": days},
    )
    return target


def delete_target(actor: Any, target: ResponseTarget) -> None:
    before = {"category_id": target.category_id, "days": target.days}
    record_delete(actor, target, "workflow.target_deleted", "workflow_response_target", before)


# --- work items ------------------------------------------------------------------------------


def _tracked(target_type: str) -> content_types.ContentType:
    found = content_types.get(target_type)
    if found is None or found.tracked is None:
        raise LookupError(f"{target_type} is not a tracked content type")
    return found


def open_item(actor: Any, target_type: str, obj: Any) -> WorkItem:
    """The work item of a new input: status ``new``, the office from the routing rules, the
    due date from the category's target. Writes the first history row (the input's creation
    is audited by its domain; opening the item is no one's decision)."""
    content_type = _tracked(target_type)
    tracked = content_type.tracked
    district_id = tracked.district_of(content_type, obj)
    category_id = tracked.category_id(obj)
    created_at = tracked.created_at(obj) or utcnow()
    new = status_by_key(NEW)
    if new is None:
        raise LookupError("the workflow statuses are not loaded (flask setup)")
    office_id, days = _office_and_days(target_type, category_id, district_id)
    item = WorkItem(
        target_type=target_type,
        target_id=obj.id,
        status=new,
        office_id=office_id,
        due_on=due_date(category_id, created_at, days=days),
        district_id=district_id,
        category_id=category_id,
        created_at=created_at,
    )
    db.session.add(item)
    db.session.flush()
    db.session.add(
        StatusChange(
            work_item_id=item.id,
            from_status_id=None,
            to_status_id=new.id,
            actor_id=getattr(actor, "id", None),
            office_id=office_id,
            created_at=created_at,
        )
    )
    _remember(obj, item)
    db.session.flush()
    return item


def _remember(obj: Any, item: WorkItem) -> None:
    """Let ``obj.work_item`` (``TrackedMixin``) see the new item without another query."""
    if hasattr(type(obj), "work_item"):
        set_committed_value(obj, "work_item", item)


@dataclass(frozen=True)
class ImportedItem:
    """An input loaded in bulk (demo data): its work item starts in ``status_key``."""

    target_id: int
    status_key: str
    district_id: int | None
    category_id: int | None
    created_at: datetime | None


def _execute_all(statements: Iterable[str]) -> None:
    for statement in statements:
        db.session.execute(text(statement))


@contextmanager
def bulk_counts(rows: int | None = None) -> Iterator[None]:
    """Bulk writes of work items inside this block skip the per-row count triggers; at the
    end the triggers are back and ``work_item_counts``/``work_item_days`` are counted afresh
    (one GROUP BY each), all in the caller's transaction: a rollback undoes it all. With
    ``rows`` below :data:`BULK_COUNT_ROWS` the triggers stay (cheaper for small loads); inside
    an outer block nothing more happens (the outer one counts once at its end)."""
    if (rows is not None and rows < BULK_COUNT_ROWS) or db.session.info.get(_PAUSED):
        yield
        return
    dialect = db.session.get_bind().dialect.name
    db.session.flush()
    _execute_all(pause_count_triggers_sql(dialect))
    db.session.info[_PAUSED] = True
    try:
        yield
    finally:
        db.session.info.pop(_PAUSED, None)
    db.session.flush()
    _execute_all(resume_count_triggers_sql(dialect))


def rebuild_counts() -> None:
    """Count the figures' kept counts afresh from the work items (a repair: ``flask workflow
    rebuild-counts``)."""
    db.session.flush()
    _execute_all(rebuild_counts_sql(db.session.get_bind().dialect.name))


def import_items(target_type: str, entries: Iterable[ImportedItem]) -> int:
    """Work items and their first history row for inputs loaded in bulk (demo data, no
    rules checked: a data load, not a decision). A few queries for any number."""
    entries = list(entries)
    if not entries:
        return 0
    all_rules = rules()
    targets = {t.category_id: t.days for t in response_targets()}
    default_days = response_days(None)
    rows = []
    for entry in entries:
        status = status_by_key(entry.status_key) or status_by_key(NEW)
        created_at = entry.created_at or utcnow()
        days = targets.get(entry.category_id, default_days)
        due_on = due_date(entry.category_id, created_at, days=days)
        closed_at = created_at if status.closed else None
        first_response_at = created_at if status.key != NEW else None
        rows.append(
            {
                "target_type": target_type,
                "target_id": entry.target_id,
                "status_id": status.id,
                "office_id": best_office(
                    all_rules, target_type, entry.category_id, entry.district_id
                ),
                "due_on": due_on,
                "district_id": entry.district_id,
                "category_id": entry.category_id,
                "created_at": created_at,
                "closed_at": closed_at,
                "first_response_at": first_response_at,
                "updated_at": created_at,
                # Core inserts bypass the mapper events that keep the durations
                **durations(
                    created_at=created_at,
                    first_response_at=first_response_at,
                    closed_at=closed_at,
                    due_on=due_on,
                    closed=status.closed,
                ),
            }
        )
    # Core inserts: one executemany each (the ORM's bulk insert splits the rows)
    with bulk_counts(len(rows)):
        db.session.execute(WorkItem.__table__.insert(), rows)
    made = db.session.execute(
        select(WorkItem.id, WorkItem.status_id, WorkItem.office_id, WorkItem.created_at).where(
            WorkItem.target_type == target_type,
            WorkItem.target_id.in_([e.target_id for e in entries]),
        )
    ).all()
    db.session.execute(
        StatusChange.__table__.insert(),
        [
            {
                "work_item_id": item_id,
                "from_status_id": None,
                "to_status_id": status_id,
                "office_id": office_id,
                "actor_id": None,
                "response_id": None,
                "created_at": created_at,
            }
            for item_id, status_id, office_id, created_at in made
        ],
    )
    db.session.flush()
    return len(made)


def item_for(target_type: str, target_id: int) -> WorkItem | None:
    return db.session.scalar(
        select(WorkItem).where(WorkItem.target_type == target_type, WorkItem.target_id == target_id)
    )


def items_for(target_type: str, target_ids: Iterable[int]) -> dict[int, WorkItem]:
    """The work items of many inputs of one type, by input id (one query)."""
    ids = sorted(set(target_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(WorkItem).where(WorkItem.target_type == target_type, WorkItem.target_id.in_(ids))
    )
    return {item.target_id: item for item in rows}


def ensure_item(actor: Any, target_type: str, obj: Any) -> WorkItem:
    """The input's work item, opened now if it has none yet."""
    return item_for(target_type, obj.id) or open_item(actor, target_type, obj)


def change_status(
    actor: Any,
    item: WorkItem,
    status_key: str,
    *,
    response_id: int | None = None,
    duplicate_of: WorkItem | None = None,
    answered_by: tuple[str, int] | None = None,
) -> StatusChange | None:
    """Move ``item`` to the status ``status_key``: a history row, an audit row, the
    ``closed_at`` and ``first_response_at`` bookkeeping. A closed status needs the public
    answer (``response_id``) or another public record that answers it (``answered_by``,
    e.g. ``("measure", 5)``: the measure that took the input up); ``duplicate`` needs the
    original (``duplicate_of``). Raises :class:`WorkflowError` (nothing written). ``None``
    if the status stays the same."""
    target = check_change(
        item,
        status_key,
        response_id=response_id,
        duplicate_of=duplicate_of,
        answered=answered_by is not None,
    )
    if target is None:
        return None
    previous = item.status
    now = utcnow()
    change = StatusChange(
        work_item_id=item.id,
        from_status_id=previous.id if previous is not None else None,
        to_status_id=target.id,
        actor_id=getattr(actor, "id", None),
        office_id=item.office_id,
        response_id=response_id,
        created_at=now,
    )
    db.session.add(change)
    item.status = target
    item.duplicate_of_id = duplicate_of.id if target.key == DUPLICATE else None
    item.closed_at = now if target.closed else None
    if item.first_response_at is None:
        item.first_response_at = now
    record(
        actor,
        "workflow.status_changed",
        item.target_type,
        item.target_id,
        before={"status": previous.key if previous is not None else None},
        after={
            "status": target.key,
            "response_id": response_id,
            "duplicate_of": duplicate_of.id if target.key == DUPLICATE else None,
            **({"answered_by": list(answered_by)} if answered_by is not None else {}),
        },
        district_id=item.district_id,
    )
    if target.key == DUPLICATE:
        invite_followers_to_original(actor, item, duplicate_of)
    db.session.flush()
    return change


def invite_followers_to_original(actor: Any, item: WorkItem, original: WorkItem) -> int:
    """The duplicate's followers are told about the original (a notification with its link,
    not a follow; no supports move); those who follow the original already are left out."""
    already = notifications.follower_ids(original.target_type, original.target_id)
    return notifications.notify_followers(
        item.target_type,
        item.target_id,
        kind=FOLLOW_ORIGINAL,
        actor=actor,
        exclude_user_ids=already,
        about=(original.target_type, original.target_id),
    )


def check_change(
    item: WorkItem,
    status_key: str,
    *,
    response_id: int | None = None,
    duplicate_of: WorkItem | None = None,
    answered: bool = False,
) -> WorkflowStatus | None:
    """The rules of :func:`change_status` without writing anything: the target status, or
    ``None`` if nothing would change; raises :class:`WorkflowError`."""
    target = status_by_key(status_key)
    if target is None or (not target.active and target.id != item.status_id):
        raise WorkflowError(_("Please choose a status."), "status")
    if target.id == item.status_id and target.key != DUPLICATE:
        return None
    if target.key == DUPLICATE:
        _check_duplicate(item, duplicate_of)
    elif target.closed and response_id is None and not answered:
        raise WorkflowError(_("A public answer is needed before this status can be set."), "status")
    return target


def _check_duplicate(item: WorkItem, original: WorkItem | None) -> None:
    if original is None:
        raise WorkflowError(_("Please name the original this is a duplicate of."), "duplicate_of")
    if original.id == item.id:
        raise WorkflowError(_("An item cannot be a duplicate of itself."), "duplicate_of")
    if original.status is not None and original.status.key == DUPLICATE:
        raise WorkflowError(
            _("The original is itself a duplicate; please name its original."), "duplicate_of"
        )
    has_copies = db.session.scalar(
        select(WorkItem.id)
        .join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
        .where(WorkItem.duplicate_of_id == item.id, WorkflowStatus.key == DUPLICATE)
        .limit(1)
    )
    if has_copies is not None:
        raise WorkflowError(
            _(
                "Other inputs are marked as duplicates of this one; it cannot become a "
                "duplicate itself (they would be duplicates of a duplicate)."
            ),
            "duplicate_of",
        )


ResponseLookup = Callable[[str, int], "int | None"]
_response_lookup: ResponseLookup | None = None


def set_response_lookup(lookup: ResponseLookup) -> None:
    """Installed by the official responses' domain: ``lookup(type, id)`` → the id of the
    item's latest public answer (the workflow imports no domain above it)."""
    global _response_lookup
    _response_lookup = lookup


def latest_response_id(target_type: str, target_id: int) -> int | None:
    if _response_lookup is None:
        return None
    return _response_lookup(target_type, target_id)


MAIL_DETAIL_KINDS = ("status_changed", "official_response")


def mail_details(kind: str, target_type: str, target_id: int, details: dict) -> dict | None:
    """For the mails of a status change or a public answer: the item's (new) status by its
    public name in both languages, and for a status change the answer it was given with
    (``response_id``, which the responses' domain turns into the text)."""
    if kind not in MAIL_DETAIL_KINDS:
        return None
    item = item_for(target_type, target_id)
    if item is None or item.status is None:
        return None
    found: dict = {"status": {"de": item.status.name_de, "en": item.status.name_en}}
    if kind == "status_changed":
        response_id = db.session.scalar(
            select(StatusChange.response_id)
            .where(StatusChange.work_item_id == item.id)
            .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
            .limit(1)
        )
        if response_id is not None:
            found["response_id"] = response_id
    return found


def note_response(target_type: str, target_id: int, when: datetime | None = None) -> None:
    """A public answer was given: the first one sets ``first_response_at``."""
    item = item_for(target_type, target_id)
    if item is not None and item.first_response_at is None:
        item.first_response_at = when or utcnow()
        db.session.flush()


def assign(actor: Any, item: WorkItem, office: Any, assignee: Any = None) -> bool:
    """Make ``office`` (and optionally the person ``assignee`` in it) responsible. Audited;
    returns whether anything changed."""
    office_id = getattr(office, "id", None)
    assignee_id = getattr(assignee, "id", None)
    if assignee is not None and office_id is None:
        raise WorkflowError(_("Please choose the office first."), "office")
    if assignee is not None and office_id not in _office_ids(assignee):
        raise WorkflowError(_("This person does not work in the chosen office."), "assignee")
    before = {"office_id": item.office_id, "assignee_id": item.assignee_id}
    if (item.office_id, item.assignee_id) == (office_id, assignee_id):
        return False
    item.office_id = office_id
    item.assignee_id = assignee_id
    record(
        actor,
        "workflow.assigned",
        item.target_type,
        item.target_id,
        before=before,
        after={"office_id": office_id, "assignee_id": assignee_id},
        district_id=item.district_id,
    )
    db.session.flush()
    return True


def _office_ids(user: Any) -> set[int]:
    roles = getattr(user, "roles", None) or []
    return {r.office_id for r in roles if getattr(r, "office_id", None) is not None}


# --- public timeline -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the public status timeline: when, which status (public name, key and
    colour) and the public answer it was given with (its id; nothing internal)."""

    at: datetime
    status: str
    key: str
    colour: str = "#555555"
    response_id: int | None = None


def timeline(target_type: str, target_id: int) -> list[TimelineEntry]:
    """The status history for the public page, oldest first: time, public status name and
    colour, the id of the public answer given with it; no actor, office, assignee or
    internal notes. One query."""
    rows = db.session.execute(
        select(
            StatusChange.created_at,
            WorkflowStatus.key,
            WorkflowStatus.name_de,
            WorkflowStatus.name_en,
            WorkflowStatus.colour,
            StatusChange.response_id,
        )
        .join(WorkItem, WorkItem.id == StatusChange.work_item_id)
        .join(WorkflowStatus, WorkflowStatus.id == StatusChange.to_status_id)
        .where(WorkItem.target_type == target_type, WorkItem.target_id == target_id)
        .order_by(StatusChange.created_at, StatusChange.id)
    ).all()
    english = current_language() == "en"
    return [
        TimelineEntry(
            at=as_utc(at),
            status=(name_en if english else name_de),
            key=key,
            colour=colour or "#555555",
            response_id=response_id,
        )
        for at, key, name_de, name_en, colour, response_id in rows
    ]


# --- SQL helpers for other domains' lists ----------------------------------------------------


def status_key_column(target_type: str, id_column) -> Any:
    """The status key of each row as a correlated subquery (``new`` without a work item)."""
    key = (
        select(WorkflowStatus.key)
        .join(WorkItem, WorkItem.status_id == WorkflowStatus.id)
        .where(WorkItem.target_type == target_type, WorkItem.target_id == id_column)
        .correlate(id_column.table)
        .scalar_subquery()
    )
    return func.coalesce(key, NEW)


def status_condition(target_type: str, id_column, key: str) -> Any:
    """SQL: the row's status is ``key`` (rows without a work item count as ``new``)."""
    with_status = select(WorkItem.target_id).join(
        WorkflowStatus, WorkflowStatus.id == WorkItem.status_id
    )
    matching = with_status.where(WorkItem.target_type == target_type, WorkflowStatus.key == key)
    if key != NEW:
        return id_column.in_(matching)
    others = with_status.where(WorkItem.target_type == target_type, WorkflowStatus.key != NEW)
    return ~id_column.in_(others)


def status_order(target_type: str, id_column) -> Any:
    """An ORDER BY expression: the statuses' configured order."""
    position = (
        select(WorkflowStatus.position)
        .join(WorkItem, WorkItem.status_id == WorkflowStatus.id)
        .where(WorkItem.target_type == target_type, WorkItem.target_id == id_column)
        .correlate(id_column.table)
        .scalar_subquery()
    )
    return case((position.is_(None), 0), else_=position)


def counts_by_status(target_type: str, id_column, where: Iterable = ()) -> dict[str, int]:
    """How many rows of ``id_column``'s table (under ``where``) have each status key."""
    key = status_key_column(target_type, id_column).label("status_key")
    rows = db.session.execute(
        select(key, func.count(id_column)).where(and_(True, *where)).group_by(key)
    ).all()
    return dict(rows)


# --- supports and the audience of an answer ----------------------------------------------------


def _type_of_supports(supports: Any) -> content_types.ContentType | None:
    for content_type in content_types.tracked_types():
        if content_type.tracked.supports is supports:
            return content_type
    return None


def recount_supports(supports: Any, item_id: int) -> None:
    """After a support was added or withdrawn (``app.core.supports.on_change``): the work
    item's ``support_count`` is counted again (one UPDATE, right whatever ran before)."""
    content_type = _type_of_supports(supports)
    if content_type is None:
        return
    model = supports.model
    db.session.execute(
        update(WorkItem)
        .where(WorkItem.target_type == content_type.name, WorkItem.target_id == item_id)
        .values(
            support_count=select(func.count(model.id))
            .where(supports.item_id == item_id)
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )


def supporter_ids(target_type: str, target_id: int) -> list[int]:
    content_type = content_types.get(target_type)
    supports = content_type.tracked.supports if content_type and content_type.tracked else None
    return supports.supporter_ids(target_id) if supports is not None else []


def audience(target_type: str, target_id: int, obj: Any = None) -> set[int]:
    """Who hears of a status change or a published answer: the input's author, its
    followers and its supporters (each once)."""
    people = set(notifications.follower_ids(target_type, target_id))
    people.update(supporter_ids(target_type, target_id))
    content_type = content_types.get(target_type)
    if obj is not None and content_type is not None:
        author_id = content_type.author_id(obj)
        if author_id is not None:
            people.add(author_id)
    return people


def recount_all_supports() -> int:
    """Every work item's ``support_count`` counted again (one UPDATE per type with
    supports): after supports were written in bulk (demo data, imports)."""
    updated = 0
    for content_type in content_types.tracked_types():
        supports = content_type.tracked.supports
        if supports is None:
            continue
        model = supports.model
        count = (
            select(func.count(model.id))
            .where(supports.item_id == WorkItem.target_id)
            .correlate(WorkItem)
            .scalar_subquery()
        )
        result = db.session.execute(
            update(WorkItem)
            .where(WorkItem.target_type == content_type.name)
            .values(support_count=count)
            .execution_options(synchronize_session=False)
        )
        updated += result.rowcount or 0
    return updated
