"""Local needs (Bedarfe) posted by district councils, supports and links to proposals.

A need belongs to a council and lies in one of its districts. The place is a point the
council member set on the map, or the district's label point (``place_from_map`` false); its
columns come from :class:`app.core.places.PlacedMixin`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.places import PlacedMixin
from ..core.time import utcnow
from ..extensions import db
from ..moderation.models import ModeratedMixin
from ..workflow.models import TrackedMixin

PRIORITIES = ("high", "medium", "low")

TITLE_MAX = 120
DESCRIPTION_MAX = 5000


class Need(PlacedMixin, ModeratedMixin, TrackedMixin, db.Model):
    __tablename__ = "needs"
    workflow_type = "need"
    extra_table_args = (Index("ix_needs_district_state", "district_id", "moderation_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("proposal_categories.id"), index=True)
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The author's role when posting ("mayor" or "council_member"), shown with the council.
    author_role: Mapped[str] = mapped_column(String(20))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    category = relationship("Category", lazy="joined")
    council = relationship("Council", lazy="joined")
    author = relationship("User", lazy="joined")


class NeedSupport(db.Model):
    """One person supports one need (at most once)."""

    __tablename__ = "need_supports"
    __table_args__ = (UniqueConstraint("user_id", "need_id", name="uq_need_support_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NeedProposalLink(db.Model):
    """A citizen's proposal that expresses the same need."""

    __tablename__ = "need_proposal_links"

    need_id: Mapped[int] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
