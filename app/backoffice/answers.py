"""Public answers in the back office: a status change with its answer, drafts published
later, response templates rendered for one input. One rule for the item view and the bulk
actions: the input's audience (author, followers, supporters) hears ONCE per decision, and
only when the status or the answer's text changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..core import content_types
from ..core.i18n import localized
from ..districts.models import District
from ..extensions import db
from ..notifications import services as notifications
from ..responses import services as responses
from ..responses.models import ResponseDraft
from ..workflow import response_templates
from ..workflow import services as workflow
from ..workflow.models import DUPLICATE, ResponseTemplate, StatusChange, WorkItem

STATUS_CHANGED = "status_changed"
ANSWERED = "official_response"


@dataclass
class Decision:
    """What one status change with an answer did."""

    change: StatusChange | None  # the history row (``None``: the status stayed)
    response_id: int | None  # the new public answer (``None``: none, or the text was the same)

    @property
    def changed(self) -> bool:
        return self.change is not None or self.response_id is not None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def decide(
    actor: Any,
    item: WorkItem,
    obj: Any,
    status_key: str,
    answer: str = "",
    *,
    voice_key: str | None = None,
    duplicate_of: WorkItem | None = None,
) -> Decision:
    """Set ``status_key`` with the public ``answer`` (may be empty). An answer with the same
    text as the latest published one is not published again (it still counts as the answer
    a closing status needs). The audience is notified once: of the answer if there is a new
    one, else of the status change; a duplicate's followers get the invitation to the
    original instead. Raises ``WorkflowError``/``ResponseError``; the caller rolls back."""
    answer = (answer or "").strip()
    response_id = None
    linked_id = None
    if answer:
        respondable = content_types.respondable(item.target_type)
        if respondable is None:
            raise workflow.WorkflowError(_("This type of input cannot get a public answer."))
        latest = responses.latest(item.target_type, item.target_id)
        if latest is not None and _same_text(latest.body, answer):
            linked_id = latest.id
        else:
            # checked before anything is written: a refused status publishes no answer
            workflow.check_change(item, status_key, response_id=-1, duplicate_of=duplicate_of)
            response_id = responses.respond(
                actor, respondable, obj, answer, voice_key, notify=False
            ).id
            linked_id = response_id
    change = workflow.change_status(
        actor, item, status_key, response_id=linked_id, duplicate_of=duplicate_of
    )
    if status_key == DUPLICATE and response_id is None:
        return Decision(change, None)
    if response_id is not None or change is not None:
        notifications.notify_users(
            workflow.audience(item.target_type, item.target_id, obj),
            kind=ANSWERED if response_id is not None else STATUS_CHANGED,
            target_type=item.target_type,
            target_id=item.target_id,
            actor=actor,
        )
    return Decision(change, response_id)


# --- drafts ----------------------------------------------------------------------------------


def save_draft(
    actor: Any, item: WorkItem, obj: Any, status_key: str, answer: str, voice_key=None
) -> ResponseDraft:
    """Keep the answer and the status it sets for later. The status is checked now as it
    would be on publishing (a closing status with this answer is fine; "duplicate" is set
    directly, never drafted)."""
    respondable = content_types.respondable(item.target_type)
    if respondable is None:
        raise workflow.WorkflowError(_("This type of input cannot get a public answer."))
    if status_key == DUPLICATE:
        raise workflow.WorkflowError(_("A duplicate is marked directly, not as a draft."), "status")
    if not (answer or "").strip():
        raise workflow.WorkflowError(_("Please write the answer to keep as a draft."), "answer")
    target = workflow.check_change(item, status_key, response_id=-1)
    return responses.save_draft(
        actor,
        respondable,
        obj,
        answer,
        target.key if target is not None else None,
        voice_key,
    )


def publish_draft(actor: Any, item: WorkItem, obj: Any, draft: ResponseDraft) -> Decision:
    """Publish the draft: its status and its answer, signed as drafted; the draft goes."""
    status_key = draft.status_key or (item.status.key if item.status else workflow.NEW)
    decision = decide(actor, item, obj, status_key, draft.body, voice_key=draft.voice)
    responses.discard_draft(actor, draft, published=True)
    return decision


# --- templates -------------------------------------------------------------------------------


def _public_link(content_type: content_types.ContentType, obj: Any) -> str:
    url = content_type.url(obj) or ""
    if not url:
        return ""
    root = request.script_root if request else ""
    if root and url.startswith(root):
        url = url[len(root) :]
    return current_app.config["BASE_URL"].rstrip("/") + url


def template_text(template: ResponseTemplate, item: WorkItem, obj: Any) -> str:
    """The template's text for one input (its title, district, the template's office and
    the input's public link)."""
    content_type = content_types.get(item.target_type)
    district = db.session.scalar(select(District.name).where(District.id == item.district_id))
    return response_templates.render(
        template.body,
        response_templates.values(
            title=(content_type.title(obj) if content_type else "") or "",
            district=district or "",
            office=localized(template.office, "name") if template.office else "",
            link=_public_link(content_type, obj) if content_type else "",
        ),
    )


def template_voice(template: ResponseTemplate) -> str:
    """The answer is signed by the template's office."""
    return f"office:{template.office_id}"
