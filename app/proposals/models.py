"""Proposals (Vorschläge) from residents: a category, a place in Erfurt, supports.

The place (plain ``lat``/``lon``, the district FK, ``place_from_map``) comes from
:class:`app.core.places.PlacedMixin`. Whether the author may still edit is derived (first
comment, support or status change locks it, see ``services.is_locked``), never stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.places import PlacedMixin
from ..core.time import utcnow
from ..extensions import db
from ..moderation.models import ModeratedMixin
from ..workflow.models import TrackedMixin

# Withdrawing is the author's act, not a workflow status: ``withdrawn_at``. Lists and the API
# still name it as a status ("withdrawn") beside the workflow's status keys.
WITHDRAWN = "withdrawn"

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
SUBMITTED_VIA_MAX = 80

# slug, German name, English name, icon code, colour (all ≥ 4.5:1 contrast on white), sort
CATEGORIES = (
    ("education", "Bildung", "Education", "book", "#1f5fa8", 10),
    ("children-youth", "Kinder und Jugend", "Children and youth", "child", "#b3261e", 20),
    ("seniors", "Seniorinnen und Senioren", "Seniors", "cane", "#6a4c93", 30),
    ("families", "Familien", "Families", "family", "#a04000", 40),
    ("mobility", "Mobilität und Verkehr", "Mobility and transport", "bus", "#2f4858", 50),
    ("green-play", "Grün und Spiel", "Green space and play", "tree", "#2e7d32", 60),
    ("housing", "Wohnen", "Housing", "house", "#7b5d2e", 70),
    ("health", "Gesundheit", "Health", "health", "#c2185b", 80),
    ("culture", "Kultur und Gemeinschaft", "Culture and community", "theatre", "#5d4037", 90),
    ("safety", "Sicherheit", "Safety", "shield", "#37474f", 100),
    ("other", "Sonstiges", "Other", "dot", "#555555", 110),
)


class Category(db.Model):
    """A proposal category. A table, so the city can add, rename or deactivate its own."""

    __tablename__ = "proposal_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    icon: Mapped[str] = mapped_column(String(30), default="dot")
    colour: Mapped[str] = mapped_column(String(7), default="#555555")
    sort: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str = "de") -> str:
        return self.name_en if locale == "en" else self.name_de


class Proposal(PlacedMixin, ModeratedMixin, TrackedMixin, db.Model):
    __tablename__ = "proposals"
    workflow_type = "proposal"

    @classmethod
    def public(cls):
        """The SQL condition for what the public sees of proposals (other domains select
        through it): not withdrawn, not hidden or pending by the moderation."""
        return and_(cls.withdrawn_at.is_(None), cls.visible())

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int] = mapped_column(ForeignKey("proposal_categories.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    photo: Mapped[str | None] = mapped_column(String(80))
    # The name of the Open311 client that submitted the proposal (no author then); shown as
    # "über <client>".
    submitted_via: Mapped[str | None] = mapped_column(String(SUBMITTED_VIA_MAX))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    category: Mapped[Category] = relationship(lazy="joined")
    author = relationship("User", lazy="joined")

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def public_status(self) -> str:
        """The status key, or ``withdrawn`` (lists and the API)."""
        return WITHDRAWN if self.is_withdrawn else self.status


class Support(db.Model):
    """One person supports one proposal (at most once: unique constraint)."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("user_id", "proposal_id", name="uq_proposal_support_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
