"""Bulk actions of the inbox: assign an office/person, add a tag, change the status with one
public answer, on a selection (rows ticked, or every item matching the filter, re-evaluated
here). All or nothing: the route commits only when every item succeeded and rolls back
otherwise; each item gets its line in the summary and its own audit rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..core import content_types
from ..extensions import db
from ..responses.services import ResponseError, respond
from ..workflow import services as workflow
from ..workflow import triage
from ..workflow.models import WorkflowStatus, WorkItem
from ..workflow.permissions import can_assign, can_change_status
from . import services
from .permissions import can_see_inbox_item

CAP = 500
ACTIONS = ("assign", "tag", "status")


class SelectionError(ValueError):
    """The selection cannot be used (bad keys, too many); the message is translated."""


@dataclass
class Target:
    key: str  # "type-id"
    target_type: str
    target_id: int
    item: WorkItem | None = None
    obj: Any = None


@dataclass
class Outcome:
    key: str
    title: str
    url: str | None
    ok: bool
    message: str


@dataclass
class Action:
    kind: str  # assign | tag | status
    office: Any = None
    person: Any = None
    tag: Any = None
    status_key: str | None = None
    answer: str = ""


def _too_many() -> SelectionError:
    return SelectionError(
        _(
            "Please select at most %(cap)d inputs at once, for example with a narrower filter.",
            cap=CAP,
        )
    )


def parse_keys(keys: list[str]) -> list[tuple[str, int]]:
    """``["proposal-12", …]`` → ``[("proposal", 12), …]`` (duplicates dropped)."""
    found: dict[tuple[str, int], None] = {}
    for raw in keys:
        type_name, _sep, number = (raw or "").strip().rpartition("-")
        if not type_name or not number.isdigit():
            raise SelectionError(_("The selection is not valid; please select again."))
        found[(type_name, int(number))] = None
    if not found:
        raise SelectionError(_("Please select at least one input."))
    if len(found) > CAP:
        raise _too_many()
    return list(found)


def matching(filters: services.InboxFilters, scope: set[int] | None) -> list[tuple[str, int]]:
    """Every item under ``filters`` (re-evaluated now), at most :data:`CAP`."""
    statement = (
        select(WorkItem.target_type, WorkItem.target_id)
        .join(WorkflowStatus, WorkflowStatus.id == WorkItem.status_id)
        .where(*services.conditions(filters, scope))
        .order_by(WorkItem.id)
        .limit(CAP + 1)
    )
    found = [tuple(row) for row in db.session.execute(statement)]
    if len(found) > CAP:
        raise _too_many()
    if not found:
        raise SelectionError(_("No inputs match these filters."))
    return found


def load(pairs: list[tuple[str, int]]) -> list[Target]:
    """The work items and inputs of the selection: a few queries per type."""
    targets = [Target(f"{t}-{i}", t, i) for t, i in pairs]
    by_type: dict[str, list[int]] = {}
    for target in targets:
        by_type.setdefault(target.target_type, []).append(target.target_id)
    for type_name, ids in by_type.items():
        content_type = content_types.get(type_name)
        if content_type is None or content_type.tracked is None:
            continue
        items = workflow.items_for(type_name, ids)
        objs = content_type.get_many_any(ids)
        for target in targets:
            if target.target_type == type_name:
                target.item = items.get(target.target_id)
                target.obj = objs.get(target.target_id)
    return targets


def _allowed(actor: Any, action: Action, item: WorkItem, scope: set[int] | None) -> bool:
    if not can_see_inbox_item(actor, item, scope):
        return False
    if action.kind == "status":
        return can_change_status(actor, item)
    return can_assign(actor, item)


def _one(actor: Any, action: Action, target: Target) -> str:
    item = target.item
    if action.kind == "assign":
        changed = workflow.assign(actor, item, action.office, action.person)
        return _("Assigned.") if changed else _("Nothing has changed.")
    if action.kind == "tag":
        changed = triage.add_tag(actor, item, action.tag)
        return _("Tagged.") if changed else _("Had the tag already.")
    response_id = None
    if action.answer:
        respondable = content_types.respondable(target.target_type)
        if respondable is None:
            raise workflow.WorkflowError(_("This type of input cannot get a public answer."))
        response_id = respond(actor, respondable, target.obj, action.answer, notify=False).id
    change = services.change_status(actor, item, action.status_key, response_id=response_id)
    if change is not None:
        return _("Status changed.")
    return _("The public answer has been published.") if response_id else _("Nothing has changed.")


def apply(actor: Any, action: Action, targets: list[Target], scope: set[int] | None):
    """Do ``action`` on every target, each in a savepoint; returns the outcomes and whether
    all succeeded. The caller commits only if all did, and rolls back otherwise."""
    outcomes: list[Outcome] = []
    for target in targets:
        content_type = content_types.get(target.target_type)
        title = ""
        url = None
        if target.item is not None and target.obj is not None and content_type is not None:
            title = content_type.title(target.obj) or _("(without title)")
            url = url_for(
                "backoffice.item", type_name=target.target_type, target_id=target.target_id
            )
        if target.item is None or target.obj is None:
            outcomes.append(
                Outcome(target.key, target.key, None, False, _("This input does not exist."))
            )
            continue
        if not _allowed(actor, action, target.item, scope):
            outcomes.append(
                Outcome(target.key, title, url, False, _("You may not change this input."))
            )
            continue
        try:
            with db.session.begin_nested():
                message = _one(actor, action, target)
        except (workflow.WorkflowError, ResponseError) as exc:
            outcomes.append(Outcome(target.key, title, url, False, str(exc)))
            continue
        outcomes.append(Outcome(target.key, title, url, True, message))
    return outcomes, all(o.ok for o in outcomes)
