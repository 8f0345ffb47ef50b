"""Users, offices and role assignments."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.time import utcnow
from ..extensions import db


class Office(db.Model):
    """A planning office (Fachamt). A table, so a city can add its own."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name_de: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))


def new_session_token() -> str:
    """A fresh random session token (32 URL-safe characters)."""
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the account is deleted; unique while it exists (stored lower-case).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the mail server refused the address for good (5xx): no notification mail
    # until the person switches mail on again on the account page.
    mail_suppressed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What sessions and remember-me cookies carry instead of the id (Flask-Login's alternative
    # id). A new value ends every session of the person: logout, "log out on all other
    # devices", a password change or reset, account deletion.
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, index=True, default=new_session_token
    )

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleAssignment.user_id",
    )

    def get_id(self) -> str:  # Flask-Login: stored in the session and the remember cookie
        if self.session_token is None:  # not flushed yet
            self.session_token = new_session_token()
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot log in
        return self.deleted_at is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def has_role(self, role: str) -> bool:
        return any(assignment.role == role for assignment in self.roles)

    def council_ids(self, roles: tuple[str, ...]) -> set[int]:
        return {a.council_id for a in self.roles if a.role in roles and a.council_id is not None}

    @property
    def public_name(self) -> str:

        if self.is_deleted or not self.display_name:
            return gettext("Deleted user")
        return self.display_name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class RoleAssignment(db.Model):
    """A role beyond "citizen" (which everyone has): council member, mayor, planner, admin."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "council_id", "office_id", name="uq_role_assignment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), index=True)
    council_id: Mapped[int | None] = mapped_column(
        ForeignKey("councils.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    council = relationship("Council", lazy="joined")
    office: Mapped[Office | None] = relationship(lazy="joined")
