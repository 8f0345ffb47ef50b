"""Building the e-mail for an outbox row: text and HTML part, in the person's language,
absolute links from ``BASE_URL``, no tracking pixels, RFC 8058 one-click unsubscribe."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..core import content_types
from ..core.urls import external_url
from ..extensions import db
from . import kinds
from .models import MailOutbox
from .services import unsubscribe_token

_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in the source, and no line longer than 76 characters


# Builders of mails that are not notifications (registered by domains above the mail layer,
# e.g. the accessibility feedback for the city): ``kind -> builder(row) -> (subject, text,
# html)``, called under the row's language.
Builder = Callable[[MailOutbox], tuple[str, str, str]]
_BUILDERS: dict[str, Builder] = {}


def register_builder(kind: str, builder: Builder) -> None:
    _BUILDERS[kind] = builder


def message_id(idempotency_key: str) -> str:
    """The Message-ID of a row: derived from its idempotency key alone, so every attempt for
    the same row carries the same Message-ID (a retry after a crash between the server's
    acceptance and our status update repeats the same mail, never a different second one)."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"<{digest}@{host}>"


def locale_of(user: User | None) -> str:
    languages = current_app.config.get("LANGUAGES") or ("de", "en")
    if user is not None and user.locale in languages:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def absolute_url(path: str | None) -> str | None:
    """``url_for`` paths (built under a request context bound to ``BASE_URL``) made absolute."""
    if not path:
        return None
    if urlsplit(path).scheme:
        return path
    return request.host_url.rstrip("/") + path


def describe_item(row: MailOutbox) -> dict[str, Any]:
    """Title, link and text of one notification (loaded now: what was hidden or deleted in
    the meantime is not mailed; the author still sees the title of their own hidden item)."""
    payload = row.payload or {}
    entry = content_types.get(payload.get("target_type", ""))
    obj = None
    if entry is not None:
        obj = entry.load(payload.get("target_id"))
        if obj is None and row.category == kinds.OWN:
            candidate = entry.load_any(payload.get("target_id"))
            if candidate is not None and entry.author_id(candidate) == row.user_id:
                obj = candidate
    title = entry.title(obj) if obj is not None else _("(no longer available)")
    url = absolute_url(entry.url(obj)) if obj is not None else None
    text = kinds.KIND_TEXTS.get(row.kind)
    details = payload.get("details") or {}
    status = details.get("status") or {}
    answer = details.get("answer") or ""
    status_name = status.get(str(get_locale())) or status.get("de")
    progress = details.get("progress")
    status_line = None
    if status_name and progress is not None:  # a measure: its status and progress now
        status_line = _(
            "Now: status “%(status)s”, progress %(progress)d %%",
            status=status_name,
            progress=int(progress),
        )
    elif status_name and row.kind == "status_changed":
        status_line = _("New status: %(status)s", status=status_name)
    elif status_name:
        status_line = _("Status: %(status)s", status=status_name)
    return {
        "kind": row.kind,
        "text": str(text) if text is not None else row.kind,
        "title": title,
        "url": url,
        "actor": payload.get("actor"),
        "created_at": row.created_at,
        # the status's public name in the recipient's language, and the public answer, as
        # they were at the event (see app.notifications.services.register_details)
        "status_line": status_line,
        "answer_lines": answer.strip().splitlines() if obj is not None else [],
    }


def _digest_items(row: MailOutbox) -> list[dict[str, Any]]:
    ids = (row.payload or {}).get("items", [])
    if not ids:
        return []
    items = db.session.scalars(
        select(MailOutbox).where(MailOutbox.id.in_(ids)).order_by(MailOutbox.id)
    ).all()
    return [_described(item, None) for item in items]


def _described(row: MailOutbox, cache: dict | None) -> dict[str, Any]:
    if cache is None:
        return describe_item(row)
    payload = row.payload or {}
    own = row.category == kinds.OWN
    key = (payload.get("target_type"), payload.get("target_id"), row.kind, own and row.user_id)
    key += (str(get_locale()), payload.get("actor"))
    key += (json.dumps(payload.get("details"), sort_keys=True),)
    if key not in cache:
        cache[key] = describe_item(row)
    return cache[key]


def build(row: MailOutbox, user: User | None, cache: dict | None = None) -> MIMEMultipart:
    """The message for ``row``; call inside a request context bound to ``BASE_URL`` (the
    worker pushes one per batch). ``cache`` keeps item descriptions for a worker's pass."""
    config = current_app.config
    with force_locale(locale_of(user)):
        token = unsubscribe_token(row.user_id, row.category) if row.user_id else None
        unsubscribe_url = external_url("mail.unsubscribe", token=token) if token else None
        context: dict[str, Any] = {
            "user": user,
            "row": row,
            "unsubscribe_url": unsubscribe_url,
            "account_url": external_url("accounts.account", _anchor="mail"),
            "site_url": external_url("core.index"),
            "category_label": kinds.CATEGORY_LABELS.get(row.category, ""),
        }
        if row.kind in _BUILDERS:
            subject, text_body, html_body = _BUILDERS[row.kind](row)
            template = None
        elif row.kind == "staff_digest":
            context["sections"] = (row.payload or {}).get("sections", [])
            subject = _("Quartier: your weekly overview for the moderation")
            template = "mail/staff_digest"
        elif row.kind == "digest":
            items = _digest_items(row)
            context["items"] = items
            context["frequency"] = row.frequency
            if row.frequency == kinds.WEEKLY:
                subject = _("Quartier: your weekly summary (%(count)d)", count=len(items))
            else:
                subject = _("Quartier: your daily summary (%(count)d)", count=len(items))
            template = "mail/digest"
        else:
            item = _described(row, cache)
            context["item"] = item
            subject = _("Quartier: %(text)s – %(title)s", text=item["text"], title=item["title"])
            template = "mail/notification"
        if template is not None:
            text_body = render_template(template + ".txt", **context)
            html_body = render_template(template + ".html", **context)

    # The compat32 classes: three times cheaper to build and flatten than EmailMessage's
    # header parsing (see bench/mail_bench.py); the result is the same MIME structure.
    message = MIMEMultipart("alternative")
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = row.address
    message["Subject"] = Header(subject, "utf-8")
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(row.idempotency_key)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:  # every notification mail is non-transactional
        mailto = parseaddr(config.get("MAIL_UNSUBSCRIBE_MAILTO") or config["MAIL_DEFAULT_SENDER"])[
            1
        ]
        # the mailto link carries the same signed token (``flask mail inbound`` reads it)
        message["List-Unsubscribe"] = (
            f"<{unsubscribe_url}>, <mailto:{mailto}?subject=unsubscribe%20{token}>"
        )
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.attach(MIMEText(text_body, "plain", _UTF8_QP))
    message.attach(MIMEText(html_body, "html", _UTF8_QP))
    return message
