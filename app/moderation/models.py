"""Moderation state shared by every moderated thing, and citizens' flags (reports).

Hide, don't delete: a moderated item keeps its text; ``moderation_state`` says who may see it.

* ``visible`` – public (the default);
* ``hidden`` – hidden by a moderator, with a reason; the author sees it with the reason;
* ``pending_review`` – hidden automatically after ``MODERATION_FLAG_THRESHOLD`` flags, until
  a moderator hides it for good or shows it again;
* ``pending_approval`` – pre-moderation: new in a district whose council approves first.

Only ``visible`` items appear in public lists, maps, counts and APIs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db

VISIBLE = "visible"
HIDDEN = "hidden"
PENDING_REVIEW = "pending_review"
PENDING_APPROVAL = "pending_approval"
STATES = (VISIBLE, HIDDEN, PENDING_REVIEW, PENDING_APPROVAL)

# The same list for hiding (moderators) and flagging (citizens).
REASONS = ("insult", "personal_data", "advertising", "off_topic", "duplicate", "other")
NOTE_MAX = 500


class ModeratedMixin:
    """Columns for every moderated model (proposals, needs, barrier reports, comments)."""

    moderation_state: Mapped[str] = mapped_column(
        String(20), default=VISIBLE, server_default=VISIBLE, index=True
    )
    moderation_reason: Mapped[str | None] = mapped_column(String(20))
    moderation_note: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @classmethod
    def visible(cls):
        """The SQL condition for public lists, maps, counts and APIs."""
        return cls.moderation_state == VISIBLE

    @property
    def is_visible(self) -> bool:
        return self.moderation_state == VISIBLE

    @property
    def is_hidden(self) -> bool:
        return self.moderation_state in (HIDDEN, PENDING_REVIEW)

    @property
    def is_pending_approval(self) -> bool:
        return self.moderation_state == PENDING_APPROVAL


class Flag(db.Model):
    """A citizen's report on a moderated item. ``district_id`` is the item's district when
    it was flagged, so a council's queue is one indexed query."""

    __tablename__ = "moderation_flags"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id", name="uq_moderation_flag"),
        Index("ix_moderation_flags_target", "target_type", "target_id"),
        Index("ix_moderation_flags_district_open", "district_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(String(NOTE_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    reporter = relationship("User", foreign_keys=[reporter_id])
