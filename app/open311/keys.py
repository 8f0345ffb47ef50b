"""Open311 API keys: created (the secret shown once), listed, revoked; looked up by the
SHA-256 digest of the secret. Services flush, never commit; every change is audited."""

from __future__ import annotations

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.audit import record
from ..core.time import utcnow
from ..extensions import db
from .models import NAME_MAX, ApiKey

SECRET_BYTES = 32  # token_urlsafe(32): 43 URL-safe characters


class ApiKeyError(ValueError):
    """A rule for keys was broken; the message is translated."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(actor, name: str) -> tuple[ApiKey, str]:
    """A new key for the client ``name``; returns the key and its secret (never stored)."""
    name = (name or "").strip()
    if not name:
        raise ApiKeyError(_("Please enter the client's name."))
    if len(name) > NAME_MAX:
        raise ApiKeyError(_("The name may have at most %(max)d characters.", max=NAME_MAX))
    taken = db.session.scalar(
        select(ApiKey.id).where(func.lower(ApiKey.name) == name.lower()).limit(1)
    )
    if taken is not None:
        raise ApiKeyError(_("A key with this name exists already."))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(name=name, key_hash=digest(secret), created_by_id=getattr(actor, "id", None))
    db.session.add(key)
    db.session.flush()
    record(actor, "open311.key_created", "open311_key", key.id, after={"name": name})
    return key, secret


def list_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.name, ApiKey.id)))


def get_key(key_id: int) -> ApiKey | None:
    return db.session.get(ApiKey, key_id)


def revoke(actor, key: ApiKey) -> None:
    if key.revoked_at is not None:
        raise ApiKeyError(_("This key has already been revoked."))
    key.revoked_at = utcnow()
    record(
        actor,
        "open311.key_revoked",
        "open311_key",
        key.id,
        before={"active": True},
        after={"active": False, "name": key.name},
    )
    db.session.flush()


def active_key(secret: str | None) -> ApiKey | None:
    """The active key with this secret, or ``None``."""
    if not secret:
        return None
    return db.session.scalar(
        select(ApiKey).where(ApiKey.key_hash == digest(secret), ApiKey.revoked_at.is_(None))
    )
