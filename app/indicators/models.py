"""Indicators, their values per district and year, imports, index definitions and links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
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

from ..core.time import utcnow
from ..extensions import db

#: Text shown as the source of synthetic demo data, everywhere it appears.
SYNTHETIC_SOURCE = "Synthetische Demodaten – keine echten Statistiken"


class Indicator(db.Model):
    """An indicator of the catalogue, e.g. the SGB II rate."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(160))
    unit: Mapped[str] = mapped_column(String(20))  # see services.UNITS
    topic: Mapped[str] = mapped_column(String(30))  # see services.TOPICS
    # +1: a higher value means more disadvantage; -1: less; 0: context only.
    direction: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(255), default="")
    licence: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class ImportBatch(db.Model):
    """One upload: pending (validated, nothing written), applied, rolled back or discarded."""

    __tablename__ = "indicator_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    stated_source: Mapped[str] = mapped_column(String(255), default="")
    layout: Mapped[str] = mapped_column(String(10), default="long")  # long | wide | demo
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # Normalised rows: [row number, district number, indicator code, year, value, num, den]
    rows: Mapped[list | None] = mapped_column(JSON)
    # Problems: {"row": n, "kind": "...", "column": "...", "text": "...", "detail": "..."}
    problems: Mapped[list | None] = mapped_column(JSON)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rolled_back_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    created_by = relationship("User", foreign_keys=[created_by_id])


class IndicatorValue(db.Model):
    """The value of one indicator for one district and year, with its provenance."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "district_id", "year", name="uq_indicator_value"),
        Index("ix_indicator_values_year", "indicator_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_import_batches.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class IndicatorValueChange(db.Model):
    """What a batch wrote over: the previous value (or none), so the batch can be rolled back."""

    __tablename__ = "indicator_value_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("indicator_import_batches.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    old_value: Mapped[float | None] = mapped_column(Float)
    old_numerator: Mapped[float | None] = mapped_column(Float)
    old_denominator: Mapped[float | None] = mapped_column(Float)
    old_batch_id: Mapped[int | None] = mapped_column(Integer)


class IndexDefinition(db.Model):
    """A social index definition: data, not code."""

    __tablename__ = "index_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status_codes: Mapped[list] = mapped_column(JSON, default=list)
    dynamic_codes: Mapped[list] = mapped_column(JSON, default=list)
    change_years: Mapped[int] = mapped_column(Integer, default=2)
    min_population: Mapped[int] = mapped_column(Integer, default=300)
    excluded: Mapped[list] = mapped_column(JSON, default=list)  # district numbers
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class IndicatorLink(db.Model):
    """A planner's link between a citizen input (proposal, need, barrier report …) and an
    indicator ("concerns child poverty"). The input is referenced generically by type and id."""

    __tablename__ = "indicator_links"
    __table_args__ = (
        UniqueConstraint("indicator_id", "input_type", "input_id", name="uq_indicator_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    input_type: Mapped[str] = mapped_column(String(40))
    input_id: Mapped[int] = mapped_column(Integer)
    # The input's district when linked (denormalised so a profile finds its links in one query).
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    indicator: Mapped[Indicator] = relationship()
