"""Official responses (offizielle Antworten) of a district mayor or a planning office.

The response stores in whose name it was given (role, council or office) at the time, so a
later change of roles does not rewrite history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db

BODY_MAX = 5000


class OfficialResponse(db.Model):
    __tablename__ = "official_responses"
    __table_args__ = (Index("ix_official_responses_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(20))  # "mayor" or "planner"
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id", ondelete="SET NULL"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author = relationship("User", lazy="joined")
    council = relationship("Council", lazy="joined")
    office = relationship("Office", lazy="joined")


class ResponseDraft(db.Model):
    """A drafted public answer, published later: kept apart from the published answers (a
    draft never shows through a public query). One per input; the status it will set when
    published (``None``: the status stays), in whose name (office or council) it is given."""

    __tablename__ = "official_response_drafts"
    __table_args__ = (
        UniqueConstraint("target_type", "target_id", name="uq_official_response_drafts_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voice: Mapped[str] = mapped_column(String(40))  # "office:<id>" or "mayor:<council id>"
    body: Mapped[str] = mapped_column(Text)
    status_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    author = relationship("User", lazy="joined")
