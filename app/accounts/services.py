"""Account operations. They flush, never commit: the request (or CLI command) commits."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit, content_types
from ..core.permissions import ADMIN, COUNCIL_MEMBER, COUNCIL_ROLES, MAYOR, PLANNER
from ..core.time import utcnow
from ..extensions import db
from .models import Office, RoleAssignment, User, new_session_token

ROLES = (COUNCIL_MEMBER, MAYOR, PLANNER, ADMIN)

OFFICES = (
    ("social-planning", "Sozialplanung", "Social planning"),
    ("education-planning", "Bildungsplanung", "Education planning"),
    ("youth-welfare-planning", "Jugendhilfeplanung", "Youth welfare planning"),
    ("urban-planning", "Stadtplanung", "Urban planning"),
    ("transport-planning", "Verkehrsplanung", "Transport planning"),
    ("health", "Gesundheitsamt", "Health"),
    ("adult-education", "Volkshochschule", "Adult education"),
)


class AccountError(ValueError):
    """A refused account operation, with a message for the user and the form field concerned."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class EmailTaken(AccountError):
    """Registration with an address that has an account: ``user`` is that account. The
    registration page must not say so (it would reveal who has an account)."""

    def __init__(self, user: User):
        super().__init__(_("An account with this e-mail address already exists."), "email")
        self.user = user


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register(email: str, display_name: str, password: str, locale: str | None = None) -> User:
    """A new, unconfirmed account. Raises :class:`EmailTaken` for an address that has one
    (after the display-name check and the password hashing, so that neither the answer nor
    its time depends on whether the address is known)."""
    email = normalize_email(email)
    if display_name_taken(display_name):
        raise AccountError(
            _("This display name is already taken. Please choose another."), "display_name"
        )
    password_hash = hash_password(password)
    existing = find_by_email(email)
    if existing is not None:
        raise EmailTaken(existing)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=password_hash,
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    return user


def display_name_taken(display_name: str, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.display_name) == display_name.strip().lower())
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None or not user.is_active or not user.password_hash:
        # Spend the same time as a real check so that timing does not reveal accounts.
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


_DUMMY_HASH = generate_password_hash("not-a-password", method="scrypt")


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the person (see :func:`end_sessions`)."""
    user.password_hash = hash_password(password)
    end_sessions(user)


def check_password(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


# --- sessions ----------------------------------------------------------------------------


def find_by_session_token(token: str) -> User | None:
    """The active account whose sessions carry ``token`` (Flask-Login's user loader)."""
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.session_token == token))
    return user if user is not None and user.is_active else None


def end_sessions(user: User) -> None:
    """Every session cookie and remember-me cookie issued so far stops working: they carry
    the old token. The caller logs the current client in again if it should stay."""
    user.session_token = new_session_token()
    db.session.flush()


# --- e-mailed tokens ---------------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    """Changes with the password and e-mail, so a used reset link stops working."""
    material = f"{user.password_hash}|{user.email}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"id": user.id, "fp": _fingerprint(user)})


def read_token(token: str, purpose: str, max_age: int) -> User | None:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user):
        return None
    return user


def confirm_email(user: User) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()


# --- own data ----------------------------------------------------------------------------

# What other domains store about a person comes from the content-type registry
# (``ContentType.personal_data``): its export, and what an account deletion erases.


def export_data(user: User) -> dict[str, Any]:
    """Everything stored about the person, as JSON-ready data."""
    return {
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "created_at": user.created_at.isoformat() if user.created_at else None,
            "email_confirmed_at": (
                user.email_confirmed_at.isoformat() if user.email_confirmed_at else None
            ),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        },
        **{part.key: part.export(user) for part in content_types.personal_data()},
        "roles": [
            {
                "role": a.role,
                "council": a.council.name if a.council else None,
                "office": a.office.slug if a.office else None,
                "granted_at": a.granted_at.isoformat() if a.granted_at else None,
            }
            for a in user.roles
        ],
    }


def delete_account(user: User) -> None:
    """Erase personal data; public contributions stay, shown as from a deleted user."""
    audit.record(user, "account.deleted", "user", user.id)
    for part in content_types.personal_data():
        if part.erase is not None:
            part.erase(user)
    user.email = None
    user.display_name = None
    user.password_hash = None
    user.locale = None
    user.last_login_at = None
    user.deleted_at = utcnow()
    user.roles.clear()
    end_sessions(user)


# --- roles and offices -------------------------------------------------------------------


def load_offices() -> int:
    """Create the default offices if missing (idempotent); returns how many were created."""
    existing = set(db.session.scalars(select(Office.slug)))
    created = 0
    for slug, name_de, name_en in OFFICES:
        if slug not in existing:
            db.session.add(Office(slug=slug, name_de=name_de, name_en=name_en))
            created += 1
    db.session.flush()
    return created


def grant_role(
    actor: Any, user: User, role: str, council_id: int | None = None, office_id: int | None = None
) -> RoleAssignment:
    if role not in ROLES:
        raise AccountError(_("Unknown role."))
    if role in (MAYOR, COUNCIL_MEMBER):
        if council_id is None:
            raise AccountError(_("Please choose the council for this role."))
        office_id = None
    elif role == PLANNER:
        if office_id is None:
            raise AccountError(_("Please choose the office for this role."))
        council_id = None
    else:
        council_id = office_id = None
    if role == MAYOR:
        holder = db.session.scalar(
            select(RoleAssignment).where(
                RoleAssignment.role == MAYOR, RoleAssignment.council_id == council_id
            )
        )
        if holder is not None and holder.user_id != user.id:
            raise AccountError(_("This council already has a district mayor."))
    for existing in user.roles:
        if (existing.role, existing.council_id, existing.office_id) == (
            role,
            council_id,
            office_id,
        ):
            raise AccountError(_("This person already has this role."))
    assignment = RoleAssignment(
        role=role,
        council_id=council_id,
        office_id=office_id,
        granted_by_id=getattr(actor, "id", None),
    )
    user.roles.append(assignment)
    db.session.flush()
    audit.record(
        actor,
        "role.granted",
        "user",
        user.id,
        after={"role": role, "council_id": council_id, "office_id": office_id},
    )
    return assignment


def revoke_role(actor: Any, assignment: RoleAssignment) -> None:
    if assignment.role == ADMIN and assignment.user_id == getattr(actor, "id", None):
        remaining = db.session.scalar(
            select(func.count(RoleAssignment.id)).where(RoleAssignment.role == ADMIN)
        )
        if remaining <= 1:
            raise AccountError(_("You cannot remove the last admin role."))
    before = {
        "role": assignment.role,
        "council_id": assignment.council_id,
        "office_id": assignment.office_id,
    }
    user = assignment.user
    user.roles.remove(assignment)
    db.session.flush()
    audit.record(actor, "role.revoked", "user", user.id, before=before)


# --- councils ------------------------------------------------------------------------------


def role_holder_ids(roles: tuple[str, ...], council_id: int | None = None) -> list[int]:
    """The people (not deleted) holding one of ``roles`` – in ``council_id``, if given."""
    query = (
        select(RoleAssignment.user_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role.in_(roles), User.deleted_at.is_(None))
    )
    if council_id is not None:
        query = query.where(RoleAssignment.council_id == council_id)
    return sorted(set(db.session.scalars(query)))


def council_has_roles(council: Any) -> bool:
    """Whether anyone holds a role in ``council``."""
    return (
        db.session.scalar(
            select(RoleAssignment.id).where(RoleAssignment.council_id == council.id).limit(1)
        )
        is not None
    )


def council_people(council: Any) -> list[RoleAssignment]:
    """Mayor first, then members, with their users (one query)."""
    if council is None:
        return []
    rows = db.session.scalars(
        select(RoleAssignment)
        .join(User, RoleAssignment.user_id == User.id)
        .options(joinedload(RoleAssignment.user))
        .where(
            RoleAssignment.council_id == council.id,
            RoleAssignment.role.in_(COUNCIL_ROLES),
            User.deleted_at.is_(None),
        )
    ).all()
    return sorted(rows, key=lambda a: (a.role != MAYOR, (a.user.display_name or "").lower()))
