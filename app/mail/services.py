"""Writing the outbox, preferences, suppression and unsubscribe tokens. Flush, never commit.

Nothing here talks to a mail server: rows are written in the transaction of the event (so they
vanish with it when it rolls back) and :mod:`app.mail.worker` delivers them later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update

from ..accounts.models import User
from ..core import audit, content_types
from ..core.time import utcnow
from ..extensions import db
from . import kinds
from .models import (
    FAILED,
    HELD,
    QUEUED,
    SENDING,
    STATUSES,
    SUPPRESSED,
    MailOutbox,
    MailPreference,
)

UNSUBSCRIBE_SALT = "quartier.mail.unsubscribe"  # a salt of its own: no other token fits


# --- preferences ----------------------------------------------------------------------------


def preferences(user_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """``{user_id: {category: frequency}}`` with the defaults filled in (one query)."""
    ids = sorted(set(user_ids))
    result = {user_id: dict(kinds.DEFAULTS) for user_id in ids}
    if ids:
        rows = db.session.execute(
            select(MailPreference.user_id, MailPreference.category, MailPreference.frequency).where(
                MailPreference.user_id.in_(ids)
            )
        )
        for user_id, category, frequency in rows:
            if category in kinds.DEFAULTS:
                result[user_id][category] = frequency
    return result


def preferences_of(user: Any) -> dict[str, str]:
    return preferences([user.id])[user.id]


def set_preference(user: Any, category: str, frequency: str) -> None:
    if category not in kinds.CATEGORIES or frequency not in kinds.allowed_frequencies(category):
        raise ValueError(f"{category}={frequency}")
    row = db.session.scalar(
        select(MailPreference).where(
            MailPreference.user_id == user.id, MailPreference.category == category
        )
    )
    if row is None:
        db.session.add(MailPreference(user_id=user.id, category=category, frequency=frequency))
    else:
        row.frequency = frequency
        row.updated_at = utcnow()
    # What waits for a digest of this category follows the new choice.
    waiting = (MailOutbox.user_id == user.id, MailOutbox.category == category)
    if frequency == kinds.NEVER:
        db.session.execute(
            update(MailOutbox)
            .where(*waiting, MailOutbox.status.in_((QUEUED, HELD)))
            .values(status=SUPPRESSED, last_error="unsubscribed")
        )
    elif frequency == kinds.IMMEDIATELY:
        db.session.execute(
            update(MailOutbox)
            .where(*waiting, MailOutbox.status == HELD)
            .values(status=QUEUED, frequency=frequency, next_attempt_at=utcnow())
        )
    else:
        db.session.execute(
            update(MailOutbox)
            .where(*waiting, MailOutbox.status == HELD)
            .values(frequency=frequency)
        )
    db.session.flush()


def unsubscribe(user: Any, category: str) -> list[str]:
    """What a one-click unsubscribe does (idempotent): the category, or for a digest every
    category that goes into it, set to "never". Returns the categories switched off."""
    if category in kinds.DIGEST_CATEGORIES:
        frequency = kinds.DIGEST_CATEGORIES[category]
        targets = [c for c, f in preferences_of(user).items() if f == frequency]
    else:
        targets = [category]
    for target in targets:
        set_preference(user, target, kinds.NEVER)
    return targets


# --- unsubscribe tokens ---------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, category: str) -> str:
    return _serializer().dumps({"u": user_id, "c": category})


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and category of a valid token, else ``None``. Tokens do not expire: a mail
    read months later must still unsubscribe (RFC 8058)."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    category = data.get("c") if isinstance(data, dict) else None
    if category not in kinds.CATEGORIES and category not in kinds.DIGEST_CATEGORIES:
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or user.is_deleted:
        return None
    return user, data["c"]


# --- suppression ----------------------------------------------------------------------------


def suppress_address(user_id: int, error: str) -> None:
    """The mail server refused the address for good: nothing more goes to it (rows already
    claimed by a pass are included: the worker skips them)."""
    now = utcnow()
    db.session.execute(update(User).where(User.id == user_id).values(mail_suppressed_at=now))
    db.session.execute(
        update(MailOutbox)
        .where(MailOutbox.user_id == user_id, MailOutbox.status.in_((QUEUED, HELD, SENDING)))
        .values(status=SUPPRESSED, last_error=error[:1000])
    )


def reenable_mail(user: Any) -> None:
    user.mail_suppressed_at = None
    db.session.flush()


# --- personal data (the data export and account deletion) -------------------------------


def export_own(user: Any) -> dict[str, Any]:
    rows = db.session.scalars(
        select(MailOutbox).where(MailOutbox.user_id == user.id).order_by(MailOutbox.id)
    )
    return {
        "preferences": preferences_of(user),
        "suppressed_at": user.mail_suppressed_at.isoformat() if user.mail_suppressed_at else None,
        "mails": [
            {
                "kind": row.kind,
                "status": row.status,
                "created_at": row.created_at.isoformat() if row.created_at else None,
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            }
            for row in rows
        ],
    }


def erase_own(user: Any) -> None:
    """Account deletion: the outbox (with the address) and the preferences go."""
    db.session.execute(
        update(MailOutbox).where(MailOutbox.user_id == user.id).values(digest_id=None)
    )
    db.session.execute(delete(MailOutbox).where(MailOutbox.user_id == user.id))
    db.session.execute(delete(MailPreference).where(MailPreference.user_id == user.id))
    user.mail_suppressed_at = None


# --- admin ------------------------------------------------------------------------------


class ResendError(ValueError):
    """This row cannot be sent again."""


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    rows = db.session.execute(
        select(MailOutbox.status, func.count(MailOutbox.id)).group_by(MailOutbox.status)
    )
    counts.update(dict(rows.all()))
    return counts


def failed_rows(limit: int = 100) -> list[MailOutbox]:
    return list(
        db.session.scalars(
            select(MailOutbox)
            .where(MailOutbox.status == FAILED)
            .order_by(MailOutbox.id.desc())
            .limit(limit)
        )
    )


def resend(actor: Any, row: MailOutbox) -> None:
    """Queue a failed row again (a fresh set of attempts), audited."""
    if row.status != FAILED:
        raise ResendError(_("Only failed e-mails can be sent again."))
    user = db.session.get(User, row.user_id) if row.user_id is not None else None
    if user is not None and user.mail_suppressed_at is not None:
        raise ResendError(
            _("The address is suppressed: the person has to switch delivery on again first.")
        )
    before = {"status": row.status, "attempts": row.attempts, "last_error": row.last_error}
    row.status, row.attempts, row.next_attempt_at = QUEUED, 0, utcnow()
    row.last_error = None
    audit.record(
        actor, "mail.resent", "mail_outbox", row.id, before=before, after={"status": QUEUED}
    )


# --- the outbox -----------------------------------------------------------------------------


def mailable(user: User) -> bool:
    return bool(
        user.email
        and user.email_confirmed_at is not None
        and user.mail_suppressed_at is None
        and user.deleted_at is None
    )


def enqueue_notifications(
    notifications: list[tuple[int, int]],
    *,
    kind: str,
    target_type: str,
    target_id: int,
    actor: Any = None,
    details: dict | None = None,
) -> int:
    """Outbox rows for freshly inserted notifications ``[(notification_id, user_id)]``: only
    for confirmed, not suppressed addresses, and a preference other than "never". Immediate
    ones are queued, the others held for the person's digest. ``details``: facts the mail
    names (``status``: ``{"de": …, "en": …}``, ``answer``: the public answer's text), as
    they were at the event. Returns the rows written."""
    if not notifications:
        return 0
    user_ids = {user_id for _, user_id in notifications}
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
        if mailable(u)
    }
    if not users:
        return 0
    prefs = preferences(users)
    entry = content_types.get(target_type)
    target = entry.load_any(target_id) if entry is not None else None
    author_id = entry.author_id(target) if target is not None else None
    actor_name = actor.public_name if actor is not None else None
    now = utcnow()
    rows = []
    for notification_id, user_id in notifications:
        user = users.get(user_id)
        if user is None:
            continue
        category = kinds.category_of(kind, own=author_id == user_id)
        frequency = prefs[user_id][category]
        if frequency == kinds.NEVER:
            continue
        rows.append(
            {
                "user_id": user_id,
                "address": user.email,
                "kind": kind,
                "category": category,
                "frequency": frequency,
                "payload": {
                    "notification_id": notification_id,
                    "target_type": target_type,
                    "target_id": target_id,
                    "actor": actor_name,
                    **({"details": details} if details else {}),
                },
                "idempotency_key": f"n:{notification_id}",
                "status": QUEUED if frequency == kinds.IMMEDIATELY else HELD,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    if rows:
        db.session.execute(MailOutbox.__table__.insert(), rows)
        mark_queued()
    return len(rows)


def enqueue_message(
    address: str,
    *,
    kind: str,
    payload: dict[str, Any],
    idempotency_key: str,
    category: str = "service",
) -> None:
    """One mail to an address that belongs to no account (e.g. the city's office for
    accessibility feedback), queued for immediate delivery in the event's transaction.
    ``kind`` must have a builder registered with :func:`app.mail.messages.register_builder`;
    ``payload`` should hold ids rather than texts, so that personal data stays in one place."""
    now = utcnow()
    db.session.add(
        MailOutbox(
            user_id=None,
            address=address,
            kind=kind,
            category=category,
            frequency=kinds.IMMEDIATELY,
            payload=payload,
            idempotency_key=idempotency_key,
            status=QUEUED,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    db.session.flush()
    mark_queued()


def mark_queued() -> None:
    """Tell the development console flush (see :func:`app.mail.init_app`) to look."""
    if has_request_context():
        g.quartier_mail_queued = True
