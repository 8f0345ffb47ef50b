"""Following things and telling followers what happened. Flush, never commit.

Each notification that should also be mailed gets an outbox row (:mod:`app.mail.services`)
in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..core import content_types
from ..core.time import utcnow
from ..extensions import db
from ..mail import services as mail
from .models import Follow, Notification

PAGE_SIZE = 30

# kind → the link of its notifications (``builder(target_type, target_id)``), for kinds that
# point somewhere else than the target's public page (the back office's item view)
_links: dict[str, Callable[[str, int], str | None]] = {}


# providers of the facts a mail names beside a notification (the new status, the public
# answer): ``provider(kind, target_type, target_id, details)`` returns what it adds; called in
# the event's transaction, so the mail says what was true when it happened
_detail_providers: list[Callable[[str, str, int, dict], dict | None]] = []


def register_details(provider: Callable[[str, str, int, dict], dict | None]) -> None:
    """Domains above add facts to their notifications' mails (see ``_detail_providers``)."""
    if provider not in _detail_providers:
        _detail_providers.append(provider)


def details_for(kind: str, target_type: str, target_id: int) -> dict:
    details: dict = {}
    for provider in _detail_providers:
        details.update(provider(kind, target_type, target_id, details) or {})
    return details


def register_link(kind: str, builder: Callable[[str, int], str | None]) -> None:
    """Notifications of ``kind`` link to ``builder(target_type, target_id)``; their target is
    loaded from the registry whatever its visibility (the reader may see it internally)."""
    _links[kind] = builder


class FollowError(ValueError):
    """Following this is not possible."""


def follow(user: Any, target_type: str, target_id: int) -> None:
    """Follow a registered target (idempotent, safe under concurrent clicks)."""
    target = content_types.commentable(target_type)
    if target is None or target.load(target_id) is None:
        raise FollowError(_("This cannot be followed."))
    if is_following(user, target_type, target_id):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Follow(user_id=user.id, target_type=target_type, target_id=target_id))
    except IntegrityError:
        pass  # followed meanwhile by a parallel request


def unfollow(user: Any, target_type: str, target_id: int) -> None:
    db.session.execute(
        delete(Follow).where(
            Follow.user_id == user.id,
            Follow.target_type == target_type,
            Follow.target_id == target_id,
        )
    )


def is_following(user: Any, target_type: str, target_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(Follow.id).where(
                Follow.user_id == user.id,
                Follow.target_type == target_type,
                Follow.target_id == target_id,
            )
        )
        is not None
    )


def follower_ids(target_type: str, target_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Follow.user_id).where(
                Follow.target_type == target_type, Follow.target_id == target_id
            )
        )
    )


def follower_ids_of_many(target_type: str, target_ids: Iterable[int]) -> dict[int, set[int]]:
    """The followers of many targets of one type, by target id (one query)."""
    ids = sorted(set(target_ids))
    found: dict[int, set[int]] = {}
    if ids:
        rows = db.session.execute(
            select(Follow.target_id, Follow.user_id).where(
                Follow.target_type == target_type, Follow.target_id.in_(ids)
            )
        )
        for target_id, user_id in rows:
            found.setdefault(target_id, set()).add(user_id)
    return found


def notify_users(
    user_ids: Iterable[int], *, kind: str, target_type: str, target_id: int, actor: Any = None
) -> int:
    actor_id = getattr(actor, "id", None)
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "target_type": target_type,
            "target_id": target_id,
            "actor_id": actor_id,
            "created_at": utcnow(),
            "channel": "app",
        }
        for user_id in sorted(set(user_ids))
        if user_id != actor_id
    ]
    if rows:
        inserted = db.session.execute(
            Notification.__table__.insert().returning(
                Notification.__table__.c.id, Notification.__table__.c.user_id
            ),
            rows,
        ).all()
        # In the same transaction: the mails of this event vanish with it on a rollback.
        mail.enqueue_notifications(
            [(row.id, row.user_id) for row in inserted],
            kind=kind,
            target_type=target_type,
            target_id=target_id,
            actor=actor,
            details=details_for(kind, target_type, target_id),
        )
    return len(rows)


def notify_followers(
    target_type: str,
    target_id: int,
    *,
    kind: str,
    actor: Any = None,
    exclude_user_ids: Iterable[int] = (),
    about: tuple[str, int] | None = None,
) -> int:
    """Notify everyone who follows ``(target_type, target_id)``, except the actor.

    ``about`` points the notification at another object, e.g. followers of a district
    are told about a new proposal in it: ``notify_followers("district", 5, about=("proposal", 9))``.
    """
    excluded = set(exclude_user_ids)
    recipients = [u for u in follower_ids(target_type, target_id) if u not in excluded]
    subject_type, subject_id = about or (target_type, target_id)
    return notify_users(
        recipients, kind=kind, target_type=subject_type, target_id=subject_id, actor=actor
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(user: Any) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def page_for(user: Any, page: int) -> tuple[list[dict], int]:
    """One page of the person's notifications, newest first, with their targets' titles and
    links (targets of one type are loaded together)."""

    total = db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id)
    )
    rows = db.session.scalars(
        select(Notification)
        .options(joinedload(Notification.actor))
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    by_type: dict[tuple[str, bool], set[int]] = {}
    for n in rows:
        by_type.setdefault((n.target_type, n.kind in _links), set()).add(n.target_id)
    loaded: dict[tuple[str, bool, int], Any] = {}
    for (target_type, internal), ids in by_type.items():
        target = (content_types.get if internal else content_types.commentable)(target_type)
        if target is not None:
            found = target.get_many_any(ids) if internal else target.get_many(ids)
            for target_id, obj in found.items():
                loaded[(target_type, internal, target_id)] = obj
    items = []
    for n in rows:
        internal = n.kind in _links
        target = (content_types.get if internal else content_types.commentable)(n.target_type)
        obj = loaded.get((n.target_type, internal, n.target_id))
        url = None
        if obj is not None:
            url = _links[n.kind](n.target_type, n.target_id) if internal else target.url(obj)
        items.append(
            {
                "notification": n,
                "title": target.title(obj) if obj is not None else _("(no longer available)"),
                "url": url,
                "text": describe(n.kind),
            }
        )
    return items, total


def describe(kind: str) -> str:
    texts = {
        "new_comment": _("New comment"),
        "reply": _("Reply to your comment"),
        "status_changed": _("Status changed"),
        "new_proposal": _("New proposal in a district you follow"),
        "affected_too": _("Someone else is affected too"),
        "content_hidden": _("Your contribution was hidden by the moderation"),
        "content_restored": _("Your contribution is visible again"),
        "content_approved": _("Your proposal has been approved and published"),
        "content_flagged": _("New report in the moderation queue"),
        "official_response": _("Official response"),
        "new_need": _("New need in a district you follow"),
        "note_mention": _("You were mentioned in an internal note"),
        "follow_original": _(
            "An input you follow is a duplicate of this one; follow it here to stay informed"
        ),
        "measure_linked_proposal": _("Your proposal is part of the measure"),
        "measure_linked_own": _("Your contribution is part of the measure"),
        "measure_linked": _("A contribution you support or follow is part of the measure"),
        "measure_updated": _("New status or progress of the measure"),
    }
    return texts.get(kind, kind)
