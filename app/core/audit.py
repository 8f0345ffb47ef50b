"""Audit log: every role change, moderation, triage and status change writes a row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .time import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[int | None]
    # The district the target lies in, if any: lets a council read its districts' entries.
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User", foreign_keys=[actor_id])


def record(
    actor: Any,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    reason: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    district_id: int | None = None,
) -> AuditEntry:
    """Add an audit row to the current transaction (flushed, not committed)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        district_id=district_id,
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_diff(
    actor: Any,
    action: str,
    target_type: str,
    target_id: int | None,
    before: dict,
    after: dict,
    *,
    district_id: int | None = None,
) -> list[str]:
    """Audit what differs between two snapshots of the same keys: one row with only the
    changed keys (sorted) before and after, none when nothing changed. Returns the keys."""
    changed = sorted(k for k in after if after[k] != before[k])
    if changed:
        record(
            actor,
            action,
            target_type,
            target_id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            district_id=district_id,
        )
    return changed


def record_changes(
    actor: Any,
    obj: Any,
    values: dict[str, Any],
    action: str,
    target_type: str,
    *,
    district_id: int | None = None,
) -> list[str]:
    """Set the attributes ``values`` names on ``obj``, flush, and audit the ones whose value
    changed (:func:`record_diff`). Returns the changed attributes, sorted."""
    before = {k: getattr(obj, k) for k in values}
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.flush()
    after = {k: getattr(obj, k) for k in values}
    return record_diff(actor, action, target_type, obj.id, before, after, district_id=district_id)


def record_save(
    actor: Any,
    obj: Any | None,
    model: Callable[[], Any],
    values: dict[str, Any],
    action: str,
    target_type: str,
    snapshot: Callable[[Any], dict],
) -> Any:
    """Add (``obj=None``: a new ``model()``) or change a row: set ``values``, flush, and
    audit the whole ``snapshot`` before (``None`` for a new row) and after. Returns the row."""
    before = snapshot(obj) if obj is not None else None
    if obj is None:
        obj = model()
        db.session.add(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    db.session.flush()
    record(actor, action, target_type, obj.id, before=before, after=snapshot(obj))
    return obj


def record_delete(actor: Any, obj: Any, action: str, target_type: str, before: dict) -> None:
    """Audit a row's deletion with what it was (``before``), then delete it (flushed)."""
    record(actor, action, target_type, obj.id, before=before)
    db.session.delete(obj)
    db.session.flush()


# Actions in words (the audit log page, the moderation item's history); domains add theirs
# with register_actions.
ACTION_LABELS = {
    "account.deleted": _l("Account deleted"),
    "role.granted": _l("Role granted"),
    "role.revoked": _l("Role revoked"),
    "council.created": _l("Council created"),
    "council.renamed": _l("English name of a council changed"),
    "district.council_changed": _l("Council of a district changed"),
    "moderation.hidden": _l("Content hidden"),
    "moderation.restored": _l("Content shown again"),
    "moderation.approved": _l("Content approved"),
    "moderation.flags_dismissed": _l("Reports dismissed"),
    "moderation.auto_hidden": _l("Content hidden automatically after reports"),
    # Before issue 4 barrier reports had their own remove/restore (now moderation).
    "barrier_report.removed": _l("Barrier report removed from public view"),
    "barrier_report.restored": _l("Barrier report restored"),
    "proposal.held_for_approval": _l("Proposal held for approval (pre-moderation)"),
    "proposal.withdrawn": _l("Proposal withdrawn"),
    "need.created": _l("Need posted"),
    "need.edited": _l("Need edited"),
    "need.status_changed": _l("Status of a need changed"),
    "official_response.published": _l("Official response published"),
    "official_response.edited": _l("Official response edited"),
    "council.premoderation_changed": _l("Pre-moderation switched"),
    "mail.resent": _l("Failed e-mail queued again"),
}


def register_actions(labels: Mapping[str, Any]) -> None:
    """Name a domain's audit actions in words, from its ``init_app`` (the audit log page and
    its action filter, the moderation item's history). Registering the same labels again
    (another app in the same process) changes nothing; another label for an action that
    already has one is a programming error."""
    for action, label in labels.items():
        known = ACTION_LABELS.get(action)
        if known is not None and known is not label and str(known) != str(label):
            raise ValueError(f"The audit action {action!r} already has another label.")
        ACTION_LABELS[action] = label


def known_actions() -> set[str]:
    """The actions that have a label (the audit log's filter offers them even before they
    happen)."""
    return set(ACTION_LABELS)


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label else action
