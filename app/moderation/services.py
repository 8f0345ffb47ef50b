"""Moderation operations: hide, show again, approve, dismiss reports, flag; the queue.

Services flush, never commit. Every state change writes an audit row (``moderation.*``) with
the state before and after and the item's district, so a council can read its own entries.
The permission rule is checked here too (defence in depth): only the item's moderators act,
never on their own content.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts import services as accounts
from ..core.audit import AuditEntry, record
from ..core.permissions import COUNCIL_ROLES, PLANNER
from ..core.time import utcnow
from ..districts.models import District
from ..districts.permissions import audit_scope
from ..extensions import db
from ..notifications.services import notify_users
from .models import (
    HIDDEN,
    NOTE_MAX,
    PENDING_APPROVAL,
    PENDING_REVIEW,
    REASONS,
    VISIBLE,
    Flag,
)
from .permissions import can_flag, can_moderate_content
from .registry import Moderated, get_moderated, moderated_types


class ModerationError(ValueError):
    """A refused moderation request, with a message for the person."""


class StateError(ModerationError):
    """The item is not in a state that allows this action (e.g. showing a visible item)."""


class NotAllowed(PermissionError):
    """The actor may not moderate this item (wrong district, own content, no role)."""


def visible(model):
    """The SQL condition for public lists: ``model.moderation_state == VISIBLE``."""
    return model.moderation_state == VISIBLE


def threshold() -> int:
    return int(current_app.config.get("MODERATION_FLAG_THRESHOLD", 3))


def entry_for(target_type: str) -> Moderated | None:
    return get_moderated(target_type)


def _entry(target_type: str) -> Moderated:
    entry = get_moderated(target_type)
    if entry is None:
        raise ModerationError(_("This kind of content cannot be moderated."))
    return entry


def load_item(target_type: str, item_id: int) -> tuple[Moderated, Any] | None:
    """The registered type and the item (in any moderation state), or ``None``."""
    entry = get_moderated(target_type)
    if entry is None:
        return None
    obj = entry.load_any(item_id)
    return (entry, obj) if obj is not None else None


def district_of(entry: Moderated, obj) -> Any:
    """The item's district (a ``District``), or ``None`` (then only planners and admins)."""
    district_id = entry.district_id(obj)
    return db.session.get(District, district_id) if district_id is not None else None


def may_moderate(user, entry: Moderated, obj) -> bool:
    return can_moderate_content(user, district_of(entry, obj), entry.author_id(obj))


def may_flag(user, entry: Moderated, obj) -> bool:
    """Flag: contributors, not their own content, only items the public sees."""
    if obj.moderation_state != VISIBLE:
        return False
    if entry.is_public is not None and not entry.is_public(obj):
        return False
    return can_flag(user, entry.author_id(obj))


def _check(actor, entry: Moderated, obj) -> int | None:
    """Raise :class:`NotAllowed` unless ``actor`` moderates ``obj``; returns its district id."""
    district = district_of(entry, obj)
    if not can_moderate_content(actor, district, entry.author_id(obj)):
        raise NotAllowed(_("You are not allowed to moderate this content."))
    return district.id if district is not None else None


def _note(note: str | None) -> str | None:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ModerationError(_("At most %(n)d characters, please.", n=NOTE_MAX))
    return note or None


def _snapshot(obj) -> dict:
    return {"state": obj.moderation_state, "reason": obj.moderation_reason}


def _open_flags(target_type: str, item_id: int):
    return and_(
        Flag.target_type == target_type,
        Flag.target_id == item_id,
        Flag.resolved_at.is_(None),
    )


def open_flag_count(target_type: str, item_id: int) -> int:
    return db.session.scalar(select(func.count(Flag.id)).where(_open_flags(target_type, item_id)))


def _resolve_flags(actor, target_type: str, item_id: int) -> int:
    result = db.session.execute(
        update(Flag)
        .where(_open_flags(target_type, item_id))
        .values(resolved_at=utcnow(), resolved_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _settle(actor, target_type: str, obj, state: str | None = None, reason=None, note=None) -> int:
    """Settle the item's open reports and, with ``state``, put it in that state (with
    ``reason`` and ``note``, stamped now); flushed. Returns the number of reports settled."""
    if state is not None:
        obj.moderation_state = state
        obj.moderation_reason = reason
        obj.moderation_note = note
        obj.moderated_at = utcnow()
    resolved = _resolve_flags(actor, target_type, obj.id)
    db.session.flush()
    return resolved


def _notify_author(entry: Moderated, obj, kind: str, actor) -> None:
    author_id = entry.author_id(obj)
    if author_id is None:
        return
    subject_type, subject_id = entry.subject_of(obj)
    notify_users(
        [author_id], kind=kind, target_type=subject_type, target_id=subject_id, actor=actor
    )


# --- actions --------------------------------------------------------------------------------


def hide(actor, target_type: str, obj, reason: str, note: str | None = None) -> None:
    """Hide with a reason from :data:`REASONS` (and a note). Settles the open reports. Hiding
    a hidden item again changes its reason; hiding a pending one rejects it."""
    entry = _entry(target_type)
    district_id = _check(actor, entry, obj)
    if reason not in REASONS:
        raise ModerationError(_("Please choose a reason."))
    note = _note(note)
    before = _snapshot(obj)
    if before == {"state": HIDDEN, "reason": reason} and obj.moderation_note == note:
        raise StateError(_("This content is already hidden for this reason."))
    resolved = _settle(actor, target_type, obj, HIDDEN, reason, note)
    record(
        actor,
        "moderation.hidden",
        target_type,
        obj.id,
        reason=f"{reason}: {note}" if note else reason,
        before=before,
        after={**_snapshot(obj), "note": note, "flags_resolved": resolved},
        district_id=district_id,
    )
    _notify_author(entry, obj, "content_hidden", actor)


def _show_again(
    actor,
    target_type: str,
    obj,
    note: str | None,
    *,
    allowed: tuple[str, ...],
    refusal: str,
    action: str,
    kind: str,
) -> Moderated:
    """Make a hidden or waiting item visible: reset its moderation state, settle its open
    reports, audit ``action`` and tell the author (``kind``). Raises :class:`StateError` with
    ``refusal`` when the item is in none of the ``allowed`` states."""
    entry = _entry(target_type)
    district_id = _check(actor, entry, obj)
    note = _note(note)
    if obj.moderation_state not in allowed:
        raise StateError(refusal)
    before = _snapshot(obj)
    resolved = _settle(actor, target_type, obj, VISIBLE)
    record(
        actor,
        action,
        target_type,
        obj.id,
        reason=note,
        before=before,
        after={**_snapshot(obj), "flags_resolved": resolved},
        district_id=district_id,
    )
    _notify_author(entry, obj, kind, actor)
    return entry


def unhide(actor, target_type: str, obj, note: str | None = None) -> None:
    """Show a hidden item (or one hidden automatically pending review) again."""
    _show_again(
        actor,
        target_type,
        obj,
        note,
        allowed=(HIDDEN, PENDING_REVIEW),
        refusal=_("This content is not hidden."),
        action="moderation.restored",
        kind="content_restored",
    )


def approve(actor, target_type: str, obj, note: str | None = None) -> None:
    """Pre-moderation: publish an item that waits for approval. The author hears of it, and
    the item's usual "new in your district" notification goes out now."""
    entry = _show_again(
        actor,
        target_type,
        obj,
        note,
        allowed=(PENDING_APPROVAL,),
        refusal=_("This content does not wait for approval."),
        action="moderation.approved",
        kind="content_approved",
    )
    if entry.on_published is not None:
        entry.on_published(obj)


def dismiss_flags(actor, target_type: str, obj, note: str | None = None) -> int:
    """The reports are unfounded: settle them; an item hidden pending review is shown again.
    Returns the number of reports settled."""
    entry = _entry(target_type)
    district_id = _check(actor, entry, obj)
    note = _note(note)
    open_count = open_flag_count(target_type, obj.id)
    if open_count == 0 and obj.moderation_state != PENDING_REVIEW:
        raise StateError(_("There are no open reports on this content."))
    before = {**_snapshot(obj), "open_flags": open_count}
    # an item hidden pending review is shown again; a hidden or visible one stays so
    state = VISIBLE if obj.moderation_state == PENDING_REVIEW else None
    resolved = _settle(actor, target_type, obj, state)
    record(
        actor,
        "moderation.flags_dismissed",
        target_type,
        obj.id,
        reason=note,
        before=before,
        after={**_snapshot(obj), "open_flags": 0},
        district_id=district_id,
    )
    return resolved


# --- flags ------------------------------------------------------------------------------------


def moderator_ids(district) -> list[int]:
    """Who hears of a report: the mayor and members of the district's council; where the
    district has no council (or the item none), the planners."""
    if district is not None and district.council_id is not None:
        return accounts.role_holder_ids(COUNCIL_ROLES, council_id=district.council_id)
    return accounts.role_holder_ids((PLANNER,))


def flag(reporter, target_type: str, obj, reason: str, text: str | None = None) -> bool:
    """A citizen reports an item (once per person and item). Returns ``False`` if this person
    had reported it already. The item's moderators hear of the first open report; at
    ``MODERATION_FLAG_THRESHOLD`` open reports a visible item is hidden pending review."""
    entry = _entry(target_type)
    if not may_flag(reporter, entry, obj):
        raise NotAllowed(_("You cannot report this content."))
    if reason not in REASONS:
        raise ModerationError(_("Please choose a reason."))
    text = _note(text)
    district = district_of(entry, obj)
    try:
        with db.session.begin_nested():
            db.session.add(
                Flag(
                    target_type=target_type,
                    target_id=obj.id,
                    district_id=district.id if district is not None else None,
                    reporter_id=reporter.id,
                    reason=reason,
                    text=text,
                )
            )
    except IntegrityError:
        return False
    count = open_flag_count(target_type, obj.id)
    author_id = entry.author_id(obj)
    recipients = [u for u in moderator_ids(district) if u not in (author_id, reporter.id)]
    subject_type, subject_id = entry.subject_of(obj)
    auto_hide = count >= threshold() and obj.moderation_state == VISIBLE
    if count == 1 or auto_hide:
        # No actor: moderators see the report's reason and text, not who sent it.
        notify_users(
            recipients, kind="content_flagged", target_type=subject_type, target_id=subject_id
        )
    if auto_hide:
        before = _snapshot(obj)
        reasons = Counter(
            db.session.scalars(select(Flag.reason).where(_open_flags(target_type, obj.id)))
        )
        obj.moderation_state = PENDING_REVIEW
        obj.moderation_reason = reasons.most_common(1)[0][0]
        obj.moderated_at = utcnow()
        db.session.flush()
        record(
            None,
            "moderation.auto_hidden",
            target_type,
            obj.id,
            reason=obj.moderation_reason,  # the most frequent reason of the reports
            before=before,
            after={**_snapshot(obj), "open_flags": count},
            district_id=district.id if district is not None else None,
        )
    return True


# --- the queue --------------------------------------------------------------------------------


@dataclass
class QueueItem:
    entry: Moderated
    obj: Any
    district: Any  # District or None
    flag_count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    oldest_flag: datetime | None = None

    @property
    def type(self) -> str:
        return self.entry.type

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def state(self) -> str:
        return self.obj.moderation_state

    @property
    def title(self) -> str:
        return self.entry.title(self.obj)

    @property
    def url(self) -> str:
        return self.entry.url(self.obj)


def queue(user, district_id: int | None = None, target_type: str | None = None) -> list[QueueItem]:
    """Items with open reports, hidden pending review or waiting for approval, in the
    districts ``user`` moderates (never their own content); most reported first, then the
    oldest report. Queries: the open flags, one per moderated type, the districts (plus what a
    type's ``load_many`` needs, e.g. the commented items)."""
    scope = audit_scope(user)  # None: everywhere (planners, admins)
    if district_id is not None:
        if scope is not None and district_id not in scope:
            return []
        scope = {district_id}
    types = [t for t in moderated_types() if target_type in (None, t.type)]
    if not types:
        return []

    flag_query = select(
        Flag.target_type, Flag.target_id, Flag.reason, Flag.text, Flag.created_at
    ).where(Flag.resolved_at.is_(None), Flag.target_type.in_([t.type for t in types]))
    if scope is not None:
        flag_query = flag_query.where(Flag.district_id.in_(scope))
    flags: dict[tuple[str, int], list] = {}
    for row in db.session.execute(flag_query.order_by(Flag.created_at, Flag.id)):
        flags.setdefault((row.target_type, row.target_id), []).append(row)

    loaded: list[tuple[Moderated, Any]] = []
    for entry in types:
        model = entry.model
        flagged = [item_id for (kind, item_id) in flags if kind == entry.type]
        pending = model.moderation_state.in_((PENDING_REVIEW, PENDING_APPROVAL))
        condition = or_(model.id.in_(flagged), pending) if flagged else pending
        ids = list(db.session.scalars(select(model.id).where(condition)))
        loaded.extend((entry, obj) for obj in entry.get_many_any(ids).values())

    district_ids = {entry.district_id(obj) for entry, obj in loaded} - {None}
    districts = {
        d.id: d for d in db.session.scalars(select(District).where(District.id.in_(district_ids)))
    }
    items = []
    for entry, obj in loaded:
        item_district = entry.district_id(obj)
        if scope is not None and item_district not in scope:
            continue
        district = districts.get(item_district)
        if not can_moderate_content(user, district, entry.author_id(obj)):
            continue
        rows = flags.get((entry.type, obj.id), [])
        items.append(
            QueueItem(
                entry=entry,
                obj=obj,
                district=district,
                flag_count=len(rows),
                reasons=dict(Counter(r.reason for r in rows).most_common()),
                texts=[r.text for r in rows if r.text],
                oldest_flag=rows[0].created_at if rows else None,
            )
        )
    far_future = datetime.max
    items.sort(
        key=lambda i: (
            -i.flag_count,
            (i.oldest_flag.replace(tzinfo=None) if i.oldest_flag else far_future),
            i.type,
            i.id,
        )
    )
    return items


def flags_for(target_type: str, item_id: int) -> list[Flag]:
    """All reports on one item, open ones first, newest first (for the item page)."""
    return list(
        db.session.scalars(
            select(Flag)
            .where(Flag.target_type == target_type, Flag.target_id == item_id)
            .order_by(Flag.resolved_at.is_not(None), Flag.created_at.desc(), Flag.id.desc())
        )
    )


def history(target_type: str, item_id: int, limit: int = 50) -> list:
    """The item's moderation entries in the audit log, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .options(joinedload(AuditEntry.actor))
            .where(
                AuditEntry.target_type == target_type,
                AuditEntry.target_id == item_id,
                AuditEntry.action.like("moderation.%"),
            )
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def moderated_district_choices(user) -> list:
    """The districts ``user`` moderates (all for planners and admins), for the queue filter."""
    scope = audit_scope(user)
    query = select(District).order_by(District.number)
    if scope is not None:
        query = query.where(District.id.in_(scope))
    return list(db.session.scalars(query))
