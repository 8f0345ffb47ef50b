"""Accessibility feedback: stored, and mailed to the city through the outbox. Flush, never
commit."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core import audit
from ..core.permissions import active
from ..core.time import utcnow
from ..core.urls import external_url
from ..extensions import db
from ..mail import services as mail_services
from ..mail.models import MailOutbox
from .models import AccessibilityFeedback

MAIL_KIND = "accessibility_feedback"
PAGE_SIZE = 50


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def submit_feedback(
    *,
    description: str,
    page_url: str | None,
    name: str | None,
    email: str | None,
    user: Any,
    locale: str,
) -> AccessibilityFeedback:
    """Store the message and, when ``ACCESSIBILITY_FEEDBACK_EMAIL`` is set, queue one mail to
    that address (its payload holds only the row's id: the text stays in one place)."""
    row = AccessibilityFeedback(
        description=description.strip(),
        page_url=_clean(page_url),
        name=_clean(name),
        email=_clean(email),
        locale=locale,
        user_id=user.id if active(user) else None,
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    address = (current_app.config.get("ACCESSIBILITY_FEEDBACK_EMAIL") or "").strip()
    if address:
        mail_services.enqueue_message(
            address,
            kind=MAIL_KIND,
            payload={"feedback_id": row.id},
            idempotency_key=f"a11y:{row.id}",
        )
    return row


def build_mail(row: MailOutbox) -> tuple[str, str, str]:
    """The mail to the city for an outbox row (registered with the mail domain)."""
    feedback = db.session.get(AccessibilityFeedback, (row.payload or {}).get("feedback_id"))
    context = {
        "feedback": feedback,
        "list_url": external_url("legal.feedback_list"),
    }
    subject = _("Quartier: feedback on the accessibility of the website")
    if feedback is not None:
        subject = _(
            "Quartier: feedback on the accessibility of the website (no. %(id)d)", id=feedback.id
        )
    return (
        subject,
        render_template("legal/feedback_mail.txt", **context),
        render_template("legal/feedback_mail.html", **context),
    )


def feedback_page(page: int, *, open_only: bool) -> tuple[list[AccessibilityFeedback], int]:
    """One page of messages, newest first, and the total (two queries)."""
    condition = AccessibilityFeedback.handled_at.is_(None) if open_only else True
    total = db.session.scalar(
        select(func.count()).select_from(AccessibilityFeedback).where(condition)
    )
    rows = db.session.scalars(
        select(AccessibilityFeedback)
        .where(condition)
        .order_by(AccessibilityFeedback.created_at.desc(), AccessibilityFeedback.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return list(rows), int(total or 0)


def set_handled(actor: Any, feedback: AccessibilityFeedback, handled: bool) -> None:
    before = {"handled": feedback.handled_at is not None}
    if handled:
        feedback.handled_at, feedback.handled_by_id = utcnow(), actor.id
    else:
        feedback.handled_at, feedback.handled_by_id = None, None
    audit.record(
        actor,
        "accessibility_feedback.handled" if handled else "accessibility_feedback.reopened",
        "accessibility_feedback",
        feedback.id,
        before=before,
        after={"handled": handled},
    )
    db.session.flush()


# --- personal data (the data export and account deletion) -------------------------------


def export_own(user: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(AccessibilityFeedback)
        .where(AccessibilityFeedback.user_id == user.id)
        .order_by(AccessibilityFeedback.id)
    )
    return [
        {
            "created_at": row.created_at.isoformat() if row.created_at else None,
            "page_url": row.page_url,
            "name": row.name,
            "email": row.email,
            "description": row.description,
        }
        for row in rows
    ]


def erase_own(user: Any) -> None:
    """Account deletion: the person's messages lose their name, address and account link;
    the description of the barrier stays for the city to fix it."""
    for row in db.session.scalars(
        select(AccessibilityFeedback).where(AccessibilityFeedback.user_id == user.id)
    ):
        row.name = row.email = None
        row.user_id = None
