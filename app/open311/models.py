"""Open311 clients: API keys (stored as SHA-256 hashes) and the tokens of requests that wait
for a council's approval.

A proposal that came in through the API names its client in ``Proposal.submitted_via``
(shown as "über <client>"); the person behind the request is not stored (see
``services.create_request``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db

NAME_MAX = 80


class ApiKey(db.Model):
    """A client's key. Only the SHA-256 hex digest of the secret is kept; the secret is shown
    once, when the key is created."""

    __tablename__ = "open311_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class RequestToken(db.Model):
    """The token answered for a request that waits for approval; it resolves to the
    proposal's id once the proposal is public."""

    __tablename__ = "open311_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("open311_api_keys.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    api_key = relationship(ApiKey, lazy="joined")
