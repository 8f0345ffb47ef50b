"""The mail outbox and the per-person delivery preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.time import utcnow
from ..extensions import db

# Outbox states. ``held`` rows wait for the person's daily or weekly digest (``frequency``);
# ``digested`` ones went out inside the digest row ``digest_id``.
QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
SUPPRESSED = "suppressed"
HELD = "held"
DIGESTED = "digested"
STATUSES = (QUEUED, SENDING, SENT, FAILED, SUPPRESSED, HELD, DIGESTED)


class MailOutbox(db.Model):
    """One mail to one person, written in the transaction of the event that causes it."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_mail_outbox_idempotency_key"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        Index("ix_mail_outbox_held", "user_id", "status", "frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(30))  # a notification kind, or "digest"
    category: Mapped[str] = mapped_column(String(20))  # what an unsubscribe switches off
    frequency: Mapped[str] = mapped_column(String(12))  # immediately / daily / weekly
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # unique per recipient × event, e.g. "n:<notification id>" or "digest:daily:<user>:<slot>"
    idempotency_key: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(200))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MailPreference(db.Model):
    """How often a person wants mail of one category; no row means the category's default."""

    __tablename__ = "mail_preferences"
    __table_args__ = (UniqueConstraint("user_id", "category", name="uq_mail_preferences"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
