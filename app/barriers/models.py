"""Offers catalogue and access-barrier reports.

Privacy by structure: :class:`BarrierReport` holds only the public, descriptive part (offer,
district travelled from, free text, visibility). The personal details – who is affected, the
age group, participation benefits – live in :class:`AffectedPerson`, one row per person
(the reporter first, then everyone who says "this affects me too"). Those rows are shown
individually only to the person themself, planners and admins; everyone else sees them only as
thresholded aggregates (see ``services.summary``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
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
from ..moderation.models import ModeratedMixin
from ..workflow.models import TrackedMixin

# Barrier types are data (table ``barrier_types``, names in German and English, an order and
# whether they are offered); the codes are stored in reports and stay stable (API, exports).
# code, German name, English name, position – the seeded rows (migration 0021 seeds the same).
SEEDED_BARRIER_TYPES = (
    ("transport", "Keine oder schlechte Verbindung mit Bus und Bahn",
     "No or poor public transport connection", 10),
    ("travel_cost", "Fahrtkosten", "Cost of travel", 20),
    ("escort", "Braucht Begleitung", "Needs an escort", 30),
    ("physical", "Nicht barrierefrei erreichbar", "Physical accessibility", 40),
    ("times_childcare", "Öffnungszeiten oder Kinderbetreuung", "Opening times or childcare", 50),
    ("language_information", "Sprache oder Information", "Language or information", 60),
    ("offer_cost", "Kosten des Angebots", "Cost of the offer itself", 70),
    ("other", "Andere Barriere", "Other barrier", 80),
)  # fmt: skip
#: The codes (fixed; their order only numbers the bits of the summary's fingerprint).
BARRIER_TYPES = tuple(row[0] for row in SEEDED_BARRIER_TYPES)
AFFECTED = ("self", "child", "relative", "client")
AGE_GROUPS = ("under_18", "18_29", "30_49", "50_64", "65_79", "80_plus")
BENEFITS = ("yes", "no", "not_stated")
VISIBILITY_PUBLIC = "public"
VISIBILITY_ADMINISTRATION = "administration"
VISIBILITIES = (VISIBILITY_PUBLIC, VISIBILITY_ADMINISTRATION)
# Hiding a report is moderation (``moderation_state``); its status is the workflow's.


class BarrierType(db.Model):
    """A kind of access barrier: its code is fixed, an admin page edits the names in both
    languages, the order and whether it is offered for new reports (an inactive type is still
    shown on the reports that have it)."""

    __tablename__ = "barrier_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str = "de") -> str:
        return self.name_en if locale == "en" else self.name_de


class OfferType(db.Model):
    """A kind of offer (library, youth house …). A table, so the city can add its own."""

    __tablename__ = "offer_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))


class Offer(db.Model):
    """An education or social offer or facility at a place in Erfurt."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_lat_lon", "lat", "lon"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type_id: Mapped[int] = mapped_column(ForeignKey("offer_types.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    provider: Mapped[str] = mapped_column(String(200), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    type: Mapped[OfferType] = relationship(lazy="joined")
    district = relationship("District", lazy="joined")


class BarrierReport(ModeratedMixin, TrackedMixin, db.Model):
    """The public, descriptive part of a report (no personal details here)."""

    __tablename__ = "barrier_reports"
    workflow_type = "barrier_report"
    __table_args__ = (
        Index("ix_barrier_reports_offer", "offer_id"),
        Index("ix_barrier_reports_visibility", "visibility"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    offer_text: Mapped[str | None] = mapped_column(String(200))
    district_from_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # The public barrier types of the report (the reporter's choice), comma-separated codes.
    barrier_codes: Mapped[str] = mapped_column(String(200), default="")
    # Number of affected people (reporter + "affects me too"); shown only at the threshold.
    affected_count: Mapped[int] = mapped_column(default=1)
    visibility: Mapped[str] = mapped_column(String(20), default=VISIBILITY_PUBLIC)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    offer: Mapped[Offer | None] = relationship(lazy="joined")
    district_from = relationship("District", lazy="joined")
    author = relationship("User", lazy="joined")
    affected_people: Mapped[list[AffectedPerson]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="AffectedPerson.id",
        lazy="select",
    )

    @property
    def barrier_types(self) -> list[str]:
        return [code for code in self.barrier_codes.split(",") if code]

    @property
    def is_public(self) -> bool:
        """Meant for the public (the reporter's choice); moderation may still hide it."""
        return self.visibility == VISIBILITY_PUBLIC


class AffectedPerson(db.Model):
    """One person affected by a report, with their personal details (never public)."""

    __tablename__ = "barrier_affected_people"
    __table_args__ = (UniqueConstraint("report_id", "user_id", name="uq_barrier_affected_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("barrier_reports.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    is_reporter: Mapped[bool] = mapped_column(Boolean, default=False)
    affected: Mapped[str] = mapped_column(String(20))
    age_group: Mapped[str] = mapped_column(String(20))
    participation_benefits: Mapped[str] = mapped_column(String(20), default="not_stated")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[BarrierReport] = relationship(back_populates="affected_people")
    barriers: Mapped[list[AffectedBarrier]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AffectedBarrier.barrier_type"
    )

    @property
    def barrier_types(self) -> list[str]:
        chosen = {b.barrier_type for b in self.barriers}
        return [code for code in BARRIER_TYPES if code in chosen]


class AffectedBarrier(db.Model):
    """A barrier type one affected person chose (association table: person × type)."""

    __tablename__ = "barrier_affected_types"
    __table_args__ = (Index("ix_barrier_affected_types_type", "barrier_type"),)

    affected_id: Mapped[int] = mapped_column(
        ForeignKey("barrier_affected_people.id", ondelete="CASCADE"), primary_key=True
    )
    barrier_type: Mapped[str] = mapped_column(String(30), primary_key=True)
