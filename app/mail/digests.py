"""Daily (07:00) and weekly (Monday 07:00) digests, Europe/Berlin wall-clock time.

A digest collects the person's ``held`` rows of that frequency created up to the latest slot,
in one transaction that writes the digest row (idempotency key per person × frequency × slot)
and marks its items ``digested``: running the command twice, or from cron and the worker at
once, cannot make two digests of the same items. No items, no mail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import RoleAssignment, User
from ..core.time import as_utc, utcnow
from ..extensions import db
from . import kinds
from .messages import absolute_url, locale_of
from .models import DIGESTED, HELD, QUEUED, MailOutbox
from .services import mailable, mark_queued, preferences

ZONE = ZoneInfo("Europe/Berlin")
SEND_AT = time(7, 0)


def last_slot(now: datetime, frequency: str) -> datetime:
    """The latest digest time at or before ``now`` (UTC): 07:00 Berlin time of today or
    yesterday, weekly the latest Monday 07:00 — 05:00 UTC in summer, 06:00 UTC in winter."""
    local = as_utc(now).astimezone(ZONE)
    day = local.date()
    if frequency == kinds.WEEKLY:
        day -= timedelta(days=day.weekday())
    slot = datetime.combine(day, SEND_AT, tzinfo=ZONE)
    if slot > local:
        slot = datetime.combine(
            day - timedelta(days=7 if frequency == kinds.WEEKLY else 1), SEND_AT, tzinfo=ZONE
        )
    return slot.astimezone(UTC)


# --- staff digests ----------------------------------------------------------------------
# Domains above this package register what a member of staff should see each Monday, e.g. the
# moderation queue (app.moderation registers it). The planners' digest of the back-office work
# items assigned to them or their office plugs in here the same way (roles=("planner",)).


@dataclass(frozen=True)
class StaffSection:
    key: str
    title: Any  # a lazy string
    roles: tuple[str, ...]
    # ``loader(user)`` → ``[{"title", "url" (a path or absolute), "text"}]``, called inside a
    # request context bound to BASE_URL, in the person's language
    loader: Callable[[Any], list[dict[str, Any]]]


_STAFF_SECTIONS: dict[str, StaffSection] = {}


def register_staff_section(section: StaffSection) -> None:
    _STAFF_SECTIONS[section.key] = section


def staff_sections() -> list[StaffSection]:
    return list(_STAFF_SECTIONS.values())


def send_staff_digests(now: datetime | None = None) -> int:
    """Weekly (Monday 07:00) digests for staff: one row per person and week, only when one of
    their sections has something in it; the content is taken now, in their language."""
    now = as_utc(now) or utcnow()
    sections = staff_sections()
    roles = {role for section in sections for role in section.roles}
    if not roles:
        return 0
    slot = last_slot(now, kinds.WEEKLY)
    slot_label = slot.astimezone(ZONE).date().isoformat()
    users = db.session.scalars(
        select(User)
        .where(User.id.in_(select(RoleAssignment.user_id).where(RoleAssignment.role.in_(roles))))
        .order_by(User.id)
    ).all()
    users = [u for u in users if mailable(u)]
    prefs = preferences(u.id for u in users)
    keys = {
        f"staff:{u.id}:{slot_label}": u for u in users if prefs[u.id][kinds.STAFF] != kinds.NEVER
    }
    if not keys:
        return 0
    existing = set(
        db.session.scalars(
            select(MailOutbox.idempotency_key).where(MailOutbox.idempotency_key.in_(keys))
        )
    )
    app = current_app._get_current_object()
    written = 0
    for key, user in keys.items():
        if key in existing:
            continue
        with (
            app.test_request_context("/", base_url=app.config["BASE_URL"]),
            force_locale(locale_of(user)),
        ):
            content = []
            for section in sections:
                if not any(user.has_role(role) for role in section.roles):
                    continue
                items = [
                    {**item, "url": absolute_url(item.get("url"))} for item in section.loader(user)
                ]
                if items:
                    content.append(
                        {"key": section.key, "title": str(section.title), "items": items}
                    )
        if not content:
            continue  # nothing waiting: no mail
        db.session.add(
            MailOutbox(
                user_id=user.id,
                address=user.email,
                kind="staff_digest",
                category=kinds.STAFF,
                frequency=kinds.WEEKLY,
                payload={"sections": content, "slot": slot.isoformat()},
                idempotency_key=key,
                status=QUEUED,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        written += 1
    if written:
        db.session.flush()
        mark_queued()
    return written


def send_digests(now: datetime | None = None) -> int:
    """Write the due digest rows (flushes; the caller commits). Returns how many."""
    now = as_utc(now) or utcnow()
    written = 0
    for frequency, category in (
        (kinds.DAILY, kinds.DIGEST_DAILY),
        (kinds.WEEKLY, kinds.DIGEST_WEEKLY),
    ):
        slot = last_slot(now, frequency)
        held = db.session.execute(
            select(MailOutbox.id, MailOutbox.user_id)
            .where(
                MailOutbox.status == HELD,
                MailOutbox.frequency == frequency,
                MailOutbox.created_at <= slot,
            )
            .order_by(MailOutbox.user_id, MailOutbox.id)
        ).all()
        by_user: dict[int, list[int]] = {}
        for row_id, user_id in held:
            by_user.setdefault(user_id, []).append(row_id)
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(by_user)))}
        slot_label = slot.astimezone(ZONE).date().isoformat()
        for user_id, item_ids in by_user.items():
            user = users.get(user_id)
            if user is None or not mailable(user):
                continue
            digest = MailOutbox(
                user_id=user_id,
                address=user.email,
                kind="digest",
                category=category,
                frequency=frequency,
                payload={"items": item_ids, "slot": slot.isoformat()},
                idempotency_key=f"digest:{frequency}:{user_id}:{slot_label}",
                status=QUEUED,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            try:
                with db.session.begin_nested():
                    db.session.add(digest)
                    db.session.flush()
                    taken = db.session.execute(
                        update(MailOutbox)
                        .where(MailOutbox.id.in_(item_ids), MailOutbox.status == HELD)
                        .values(status=DIGESTED, digest_id=digest.id)
                    ).rowcount
                    if taken != len(item_ids):  # a parallel run took some: leave it to that
                        raise IntegrityError("digest race", None, ValueError())
            except IntegrityError:
                continue  # this slot's digest exists already
            written += 1
    if written:
        mark_queued()
    return written
