"""Response templates of the offices: a title, the answer's text with placeholders and
optionally the status the answer sets. Chosen in the item view's answer form and in the
inbox's bulk status change; the text is rendered per input.

Placeholders are ``{title}``, ``{district}``, ``{office}`` and ``{link}``, nothing else: a
template with any other ``{…}`` (or a lone brace) is refused on save. Rendering replaces
exactly these names by plain text (no ``str.format``: no attribute or index access), and
the answer is escaped wherever it is shown, like every answer.
Services flush, never commit; every change is audited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Office
from ..core.audit import record_delete, record_save
from ..core.permissions import is_admin
from ..extensions import db
from . import services as workflow
from .models import ResponseTemplate

PLACEHOLDERS = ("title", "district", "office", "link")
TITLE_MAX = 120
BODY_MAX = 5000
_BRACED = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The ``{…}`` names in ``text`` that are no placeholder, in their order (a lone ``{``
    or ``}`` counts as one, shown as the brace)."""
    found: list[str] = []
    for match in _BRACED.finditer(text or ""):
        name = match.group(1)
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    rest = _BRACED.sub("", text or "")
    for brace in "{}":
        if brace in rest and brace not in found:
            found.append(brace)
    return found


def _shown(name: str) -> str:
    return name if name in ("{", "}") else "{" + name + "}"


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (plain text)."""
    return _BRACED.sub(lambda m: str(values.get(m.group(1), m.group(0))), text or "")


def office_ids(user: Any) -> set[int]:
    """The offices whose templates ``user`` manages: a planner's offices (admins: all)."""
    if is_admin(user):
        return set(db.session.scalars(select(Office.id)))
    roles = getattr(user, "roles", None) or []
    return {r.office_id for r in roles if getattr(r, "office_id", None) is not None}


def templates_for(user: Any) -> list[ResponseTemplate]:
    """The templates of the person's offices, by office and title."""
    ids = office_ids(user)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(ResponseTemplate)
            .where(ResponseTemplate.office_id.in_(sorted(ids)))
            .order_by(ResponseTemplate.office_id, ResponseTemplate.title, ResponseTemplate.id)
        ).unique()
    )


def template_by_id(template_id: int | None) -> ResponseTemplate | None:
    return db.session.get(ResponseTemplate, template_id) if template_id is not None else None


def _snapshot(template: ResponseTemplate) -> dict:
    return {
        "office_id": template.office_id,
        "title": template.title,
        "body": template.body,
        "status": template.status.key if template.status is not None else None,
    }


def save_template(
    actor: Any,
    template: ResponseTemplate | None,
    *,
    office_id: int,
    title: str,
    body: str,
    status_key: str | None,
) -> ResponseTemplate:
    """Add (``template=None``) or change a template. Raises :class:`WorkflowError` (with the
    form field) for an unknown placeholder, a title used in the office already, an office
    that is not the person's or an unknown status; nothing is written then. Audited."""
    title = " ".join((title or "").split())
    body = (body or "").strip()
    if office_id not in office_ids(actor):
        raise workflow.WorkflowError(
            _("You can only manage your own office's templates."), "office"
        )
    if not title:
        raise workflow.WorkflowError(_("Please enter a title."), "title")
    if len(title) > TITLE_MAX:
        raise workflow.WorkflowError(
            _("Please use at most %(max)d characters.", max=TITLE_MAX), "title"
        )
    if not body:
        raise workflow.WorkflowError(_("Please write the text of the answer."), "body")
    if len(body) > BODY_MAX:
        raise workflow.WorkflowError(
            _("Please use at most %(max)d characters.", max=BODY_MAX), "body"
        )
    unknown = unknown_placeholders(body)
    if unknown:
        raise workflow.WorkflowError(
            _(
                "Unknown placeholder: %(names)s. Possible are %(known)s.",
                names=", ".join(_shown(n) for n in unknown),
                known=", ".join(_shown(n) for n in PLACEHOLDERS),
            ),
            "body",
        )
    status = None
    if status_key:
        status = workflow.status_by_key(status_key)
        if status is None or not status.active:
            raise workflow.WorkflowError(_("Please choose a status."), "status")
        if status.key == workflow.DUPLICATE:
            raise workflow.WorkflowError(
                _("A duplicate needs its original: it cannot come from a template."), "status"
            )
    clash = db.session.scalar(
        select(ResponseTemplate.id).where(
            ResponseTemplate.office_id == office_id, ResponseTemplate.title == title
        )
    )
    if clash is not None and (template is None or clash != template.id):
        raise workflow.WorkflowError(
            _("Your office has a template with this title already."), "title"
        )
    template = record_save(
        actor,
        template,
        ResponseTemplate,
        {"office_id": office_id, "title": title, "body": body, "status": status},
        "workflow.template_saved",
        "workflow_response_template",
        _snapshot,
    )
    db.session.refresh(template, ["office"])
    return template


def delete_template(actor: Any, template: ResponseTemplate) -> None:
    record_delete(
        actor,
        template,
        "workflow.template_deleted",
        "workflow_response_template",
        _snapshot(template),
    )


def values(*, title: str, district: str, office: str, link: str) -> dict[str, str]:
    """The placeholders' values for one input."""
    return {"title": title, "district": district, "office": office, "link": link}
