"""Location scenarios, their criteria, the board's decision and the read-only share links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db

TITLE_MAX = 200
TEXT_MAX = 10000


class LocationScenario(db.Model):
    """ "Where should the next site of programme X go?" – a set of weighted criteria."""

    __tablename__ = "location_scenarios"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    question: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(Text, default="")
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # The board's decision: which district, in words, why, when, and the measure it led to.
    decision_text: Mapped[str] = mapped_column(Text, default="")
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL")
    )
    measure_id: Mapped[int | None] = mapped_column(
        ForeignKey("measures.id", ondelete="SET NULL"), index=True
    )

    office = relationship("Office", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    decided_district = relationship("District", lazy="joined")
    measure = relationship("Measure", lazy="joined")
    criteria: Mapped[list[LocationCriterion]] = relationship(
        back_populates="scenario",
        cascade="all, delete-orphan",
        order_by="LocationCriterion.position",
        lazy="selectin",
    )


class LocationCriterion(db.Model):
    """One criterion of a scenario: its kind (see :mod:`.criteria`), its parameters (an
    indicator code, a barrier type, a category, an offer type), direction and weight."""

    __tablename__ = "location_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("location_scenarios.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # +1: a higher value means more need (a better site); -1: less; 0: the kind's default.
    direction: Mapped[int] = mapped_column(Integer, default=0)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    scenario: Mapped[LocationScenario] = relationship(back_populates="criteria")


class LocationShare(db.Model):
    """A read-only link for the board. Only the SHA-256 digest of the token is stored: the
    link is shown once, when it is made. Revocable, expiring; every opening is logged."""

    __tablename__ = "location_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("location_scenarios.id", ondelete="CASCADE"), index=True
    )
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    scenario: Mapped[LocationScenario] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id], lazy="joined")
    openings: Mapped[list[LocationShareOpening]] = relationship(
        cascade="all, delete-orphan",
        order_by="LocationShareOpening.opened_at.desc()",
        lazy="select",
        back_populates="share",
    )


class LocationShareOpening(db.Model):
    """One opening of a share link (no address, no browser: only when and with what outcome)."""

    __tablename__ = "location_share_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(
        ForeignKey("location_shares.id", ondelete="CASCADE"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # "shown", "expired" or "revoked"
    outcome: Mapped[str] = mapped_column(String(10), default="shown")

    share: Mapped[LocationShare] = relationship(back_populates="openings")
