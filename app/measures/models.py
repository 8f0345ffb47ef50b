"""Measures (Maßnahmen): what the planning decides, its offices, districts, places,
milestones, target indicators, the inputs it takes up, and its immutable history.

Inputs (proposals, needs, barrier reports) are referenced by ``(input_type, input_id)``;
statuses are data (:class:`MeasureStatus`) with a default progress.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.history import HistoryIsImmutable, immutable  # noqa: F401 - HistoryIsImmutable: this API
from ..core.time import utcnow
from ..extensions import db

# key, German name, English name, default progress (None: keeps the progress), position
SEEDED_STATUSES = (
    ("idea", "Idee", "Idea", 0, 10),
    ("planned", "Geplant", "Planned", 10, 20),
    ("decided", "Beschlossen", "Decided", 25, 30),
    ("in_implementation", "In Umsetzung", "In implementation", 50, 40),
    ("done", "Abgeschlossen", "Done", 100, 50),
    ("stopped", "Gestoppt", "Stopped", None, 60),
)
STATUS_KEYS = tuple(row[0] for row in SEEDED_STATUSES)
UP, DOWN = "up", "down"
DIRECTIONS = (UP, DOWN)


class MeasureStatus(db.Model):
    """A status of measures; ``default_progress`` is set when a measure takes the status
    (``None``: the progress stays, e.g. "stopped")."""

    __tablename__ = "measure_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    default_progress: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str = "de") -> str:
        return self.name_en if locale == "en" else self.name_de


class Measure(db.Model):
    __tablename__ = "measures"
    __table_args__ = (Index("ix_measures_status_updated", "status_id", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    city_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("measure_statuses.id"), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    planned_start: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    actual_start: Mapped[date | None] = mapped_column(Date)
    actual_end: Mapped[date | None] = mapped_column(Date)
    budget_planned: Mapped[float | None] = mapped_column(Float)
    budget_spent: Mapped[float | None] = mapped_column(Float)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("measures.id", ondelete="SET NULL"), index=True
    )
    # The office's own judgement of the effect (shown beside the figures of effect monitoring)
    qualitative_assessment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    status: Mapped[MeasureStatus] = relationship(lazy="joined")
    parent = relationship("Measure", remote_side=[id], lazy="select")

    @property
    def start(self) -> date | None:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> date | None:
        return self.actual_end or self.planned_end


class MeasureOffice(db.Model):
    __tablename__ = "measure_offices"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MeasureDistrict(db.Model):
    __tablename__ = "measure_districts"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MeasurePlace(db.Model):
    """A point of a measure (a site), with its district."""

    __tablename__ = "measure_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(200), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))


class Milestone(db.Model):
    __tablename__ = "measure_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class MeasureIndicator(db.Model):
    """A target indicator of a measure and the direction it is expected to move."""

    __tablename__ = "measure_indicators"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    direction: Mapped[str] = mapped_column(String(4), default=UP)

    indicator = relationship("Indicator", lazy="joined")


class MeasureInput(db.Model):
    """An input (proposal, need, barrier report) taken up by a measure, with the reason."""

    __tablename__ = "measure_inputs"
    __table_args__ = (
        UniqueConstraint("measure_id", "input_type", "input_id", name="uq_measure_input"),
        Index("ix_measure_inputs_input", "input_type", "input_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    input_type: Mapped[str] = mapped_column(String(40))
    input_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MeasureHistory(db.Model):
    """One changed field of a measure: immutable."""

    __tablename__ = "measure_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor = relationship("User", lazy="joined")


immutable(MeasureHistory, "measure history")


class EffectComparison(db.Model):
    """The comparison group of a measure's target indicator, frozen when the measure starts
    (see :mod:`app.measures.effects`); a planner may change it, with the reason recorded."""

    __tablename__ = "measure_effect_comparisons"
    __table_args__ = (
        UniqueConstraint("measure_id", "indicator_id", name="uq_measure_effect_comparison"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    district_ids: Mapped[list] = mapped_column(JSON, default=list)
    # Empty for the automatic choice; the planner's reason when edited.
    reason: Mapped[str] = mapped_column(Text, default="")
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
