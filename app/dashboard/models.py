"""When a council member last looked at their council's dashboard ("new since last visit")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DashboardVisit(db.Model):
    __tablename__ = "dashboard_visits"
    __table_args__ = (UniqueConstraint("user_id", "council_id", name="uq_dashboard_visit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"))
    # The visit before the current one: "new" means created after this.
    previous_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
