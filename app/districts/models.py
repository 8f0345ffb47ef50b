"""Districts (Ortsteile) and district councils (Ortsteilräte)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db


class Council(db.Model):
    """An elected district council; it covers one or more districts."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    # The council's own name, e.g. "Moskauer Platz"; the UI says "Ortsteilrat …".
    name: Mapped[str] = mapped_column(String(120))
    # Its English name where it has one (most are place names and stay as they are).
    name_en: Mapped[str | None] = mapped_column(String(120))
    # Pre-moderation: new proposals in the council's districts wait for approval.
    premoderation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    districts: Mapped[list[District]] = relationship(
        back_populates="council", order_by="District.number"
    )

    def label(self, locale: str = "de") -> str:
        """The name in ``locale``: the English one where it has one, else its own."""
        return (self.name_en or self.name) if locale == "en" else self.name


class District(db.Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(2), unique=True)  # "01" … "53"
    name: Mapped[str] = mapped_column(String(120))
    area_km2: Mapped[float] = mapped_column(Float)
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="SET NULL"), index=True
    )
    # GeoJSON geometry (WGS 84): full precision for assignment, simplified for browsers.
    # Deferred: every placed item eager-loads its district, and the shapes (~11.6 KB a row)
    # are read only by locate(), the districts GeoJSON and loading (which select them).
    geometry: Mapped[str] = mapped_column(Text, deferred=True)
    geometry_simplified: Mapped[str] = mapped_column(Text, deferred=True)
    label_lat: Mapped[float] = mapped_column(Float)
    label_lon: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    council: Mapped[Council | None] = relationship(back_populates="districts", lazy="joined")

    def __repr__(self) -> str:
        return f"<District {self.number} {self.name}>"
