"""The back office's triage tools on work items: internal tags, internal notes with
@mentions, and undoing a duplicate. Internal only: nothing here is shown on public pages,
in the public API or in public exports. Services flush, never commit; every change is
audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import RoleAssignment, User
from ..core import content_types
from ..core.audit import record
from ..core.permissions import ADMIN, COUNCIL_ROLES, PLANNER
from ..core.time import utcnow
from ..districts.models import District
from ..extensions import db
from ..notifications import services as notifications
from . import services as workflow
from .models import DUPLICATE, NEW, StatusChange, Tag, WorkItem, WorkItemNote, WorkItemTag

TAG_MAX = 60
NOTE_MAX = 5000
MENTION = "note_mention"
FOLLOW_ORIGINAL = workflow.FOLLOW_ORIGINAL

# --- tags ------------------------------------------------------------------------------------


def tag_key(name: str) -> str:
    """The case-insensitive key of a tag name (spaces collapsed)."""
    return " ".join(name.split()).casefold()


def tags(*, include_hidden: bool = False) -> list[Tag]:
    """The tags offered (hidden and merged ones only with ``include_hidden``)."""
    query = select(Tag).order_by(Tag.name_key, Tag.id)
    if not include_hidden:
        query = query.where(Tag.hidden.is_(False))
    return list(db.session.scalars(query))


def tag_by_name(name: str | None) -> Tag | None:
    if not name or not name.strip():
        return None
    return db.session.scalar(select(Tag).where(Tag.name_key == tag_key(name)))


def tag_by_id(tag_id: int | None) -> Tag | None:
    return db.session.get(Tag, tag_id) if tag_id is not None else None


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise workflow.WorkflowError(_("Please enter a name for the tag."), "tag")
    if len(name) > TAG_MAX:
        raise workflow.WorkflowError(
            _("Please use at most %(max)d characters.", max=TAG_MAX), "tag"
        )
    return name


def create_tag(actor: Any, name: str) -> Tag:
    """A new tag (names are unique whatever their case). Audited."""
    name = _clean_name(name)
    if tag_by_name(name) is not None:
        raise workflow.WorkflowError(_("A tag with this name exists already."), "tag")
    tag = Tag(name=name, name_key=tag_key(name), created_by_id=getattr(actor, "id", None))
    db.session.add(tag)
    db.session.flush()
    record(actor, "workflow.tag_created", "workflow_tag", tag.id, after={"name": name})
    return tag


def _usable(tag: Tag) -> Tag:
    """The tag to put on items: a merged tag's target; a hidden tag is refused."""
    seen = set()
    while tag.merged_into_id is not None and tag.id not in seen:
        seen.add(tag.id)
        target = db.session.get(Tag, tag.merged_into_id)
        if target is None:
            break
        tag = target
    if tag.hidden:
        raise workflow.WorkflowError(
            _(
                "The tag “%(name)s” is hidden; show it again on the tags page or choose "
                "another name.",
                name=tag.name,
            ),
            "tag",
        )
    return tag


def tag_or_create(actor: Any, name: str) -> Tag:
    """The tag of this name, made if there is none. Two people creating the same new tag at
    once: the second insert hits the unique constraint on ``name_key``; its savepoint is
    rolled back and the tag the other one made is used (no error, no second tag)."""
    found = tag_by_name(name)
    if found is not None:
        return _usable(found)
    try:
        with db.session.begin_nested():
            return create_tag(actor, name)
    except IntegrityError:
        found = tag_by_name(name)
        if found is None:
            raise
        return _usable(found)


def rename_tag(actor: Any, tag: Tag, name: str) -> bool:
    """Rename a tag (its items keep it). A name another tag has is refused (merge instead).
    Audited; whether anything changed."""
    name = _clean_name(name)
    if name == tag.name:
        return False
    clash = tag_by_name(name)
    if clash is not None and clash.id != tag.id:
        raise workflow.WorkflowError(
            _("A tag with this name exists already; merge the two instead."), "tag"
        )
    before = tag.name
    try:
        with db.session.begin_nested():
            tag.name = name
            tag.name_key = tag_key(name)
            db.session.flush()
    except IntegrityError:
        raise workflow.WorkflowError(
            _("A tag with this name exists already; merge the two instead."), "tag"
        ) from None
    record(
        actor,
        "workflow.tag_renamed",
        "workflow_tag",
        tag.id,
        before={"name": before},
        after={"name": name},
    )
    return True


def set_tag_hidden(actor: Any, tag: Tag, hidden: bool) -> bool:
    """Hide a tag (not offered, not listed, its items keep it) or show it again. Audited."""
    if tag.hidden == hidden and (hidden or tag.merged_into_id is None):
        return False
    before = {"hidden": tag.hidden, "merged_into": tag.merged_into_id}
    tag.hidden = hidden
    if not hidden:
        tag.merged_into_id = None
    db.session.flush()
    record(
        actor,
        "workflow.tag_hidden" if hidden else "workflow.tag_shown",
        "workflow_tag",
        tag.id,
        before=before,
        after={"hidden": tag.hidden, "merged_into": tag.merged_into_id},
    )
    return True


def merge_tag(actor: Any, source: Tag, target: Tag) -> int:
    """Merge ``source`` into ``target``: every item with ``source`` gets ``target`` (once),
    ``source`` is taken off and hidden, with a link to ``target``. Audited (one row, with
    the items); returns how many items were moved."""
    if source.id == target.id:
        raise workflow.WorkflowError(_("A tag cannot be merged into itself."), "target")
    if target.hidden:
        raise workflow.WorkflowError(_("Please choose a tag that is not hidden."), "target")
    item_ids = list(
        db.session.scalars(select(WorkItemTag.work_item_id).where(WorkItemTag.tag_id == source.id))
    )
    having = set(
        db.session.scalars(
            select(WorkItemTag.work_item_id).where(
                WorkItemTag.tag_id == target.id, WorkItemTag.work_item_id.in_(item_ids or [0])
            )
        )
    )
    moved = [i for i in item_ids if i not in having]
    if moved:
        db.session.execute(
            WorkItemTag.__table__.insert(),
            [{"work_item_id": i, "tag_id": target.id, "created_at": utcnow()} for i in moved],
        )
    db.session.execute(delete(WorkItemTag).where(WorkItemTag.tag_id == source.id))
    source.hidden = True
    source.merged_into_id = target.id
    db.session.flush()
    record(
        actor,
        "workflow.tag_merged",
        "workflow_tag",
        source.id,
        before={"name": source.name, "items": sorted(item_ids)},
        after={"merged_into": target.id, "name": target.name},
    )
    return len(item_ids)


def tag_counts() -> dict[int, int]:
    """How many items carry each tag (one query)."""
    rows = db.session.execute(
        select(WorkItemTag.tag_id, func.count(WorkItemTag.work_item_id)).group_by(
            WorkItemTag.tag_id
        )
    )
    return dict(rows.all())


def has_tag(item: WorkItem, tag: Tag) -> bool:
    return (
        db.session.scalar(
            select(WorkItemTag.tag_id).where(
                WorkItemTag.work_item_id == item.id, WorkItemTag.tag_id == tag.id
            )
        )
        is not None
    )


def add_tag(actor: Any, item: WorkItem, tag: Tag) -> bool:
    """Tag ``item`` (nothing if it has the tag already). Audited; whether it changed."""
    if has_tag(item, tag):
        return False
    db.session.add(WorkItemTag(work_item_id=item.id, tag_id=tag.id))
    record(
        actor,
        "workflow.tag_added",
        item.target_type,
        item.target_id,
        after={"tag_id": tag.id, "tag": tag.name},
        district_id=item.district_id,
    )
    db.session.flush()
    return True


def remove_tag(actor: Any, item: WorkItem, tag: Tag) -> bool:
    if not has_tag(item, tag):
        return False
    db.session.execute(
        delete(WorkItemTag).where(WorkItemTag.work_item_id == item.id, WorkItemTag.tag_id == tag.id)
    )
    record(
        actor,
        "workflow.tag_removed",
        item.target_type,
        item.target_id,
        before={"tag_id": tag.id, "tag": tag.name},
        district_id=item.district_id,
    )
    db.session.flush()
    return True


def tags_of(item: WorkItem) -> list[Tag]:
    return list(
        db.session.scalars(
            select(Tag)
            .join(WorkItemTag, WorkItemTag.tag_id == Tag.id)
            .where(WorkItemTag.work_item_id == item.id)
            .order_by(Tag.name_key)
        )
    )


def tag_names_by_item(item_ids: Iterable[int]) -> dict[int, list[str]]:
    """The tag names of many work items (one query), by work item id."""
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(WorkItemTag.work_item_id, Tag.name)
        .join(Tag, Tag.id == WorkItemTag.tag_id)
        .where(WorkItemTag.work_item_id.in_(ids))
        .order_by(WorkItemTag.work_item_id, Tag.name_key)
    )
    for item_id, name in rows:
        found.setdefault(item_id, []).append(name)
    return found


def tagged_condition(tag_ids: int | Iterable[int]):
    """SQL: the work item has the tag (one of the tags)."""
    ids = [tag_ids] if isinstance(tag_ids, int) else sorted(set(tag_ids))
    return WorkItem.id.in_(select(WorkItemTag.work_item_id).where(WorkItemTag.tag_id.in_(ids)))


# --- notes -----------------------------------------------------------------------------------


def readers(item: WorkItem) -> list[User]:
    """The people who may see ``item`` in the back office (and its notes): planners,
    admins, and the mayors and council members of its district's council."""
    council_id = (
        db.session.scalar(select(District.council_id).where(District.id == item.district_id))
        if item.district_id is not None
        else None
    )
    roles = RoleAssignment.role.in_((PLANNER, ADMIN))
    if council_id is not None:
        roles = or_(
            roles,
            RoleAssignment.role.in_(COUNCIL_ROLES) & (RoleAssignment.council_id == council_id),
        )
    return list(
        db.session.scalars(
            select(User).where(
                User.id.in_(select(RoleAssignment.user_id).where(roles)),
                User.deleted_at.is_(None),
                User.display_name.is_not(None),
            )
        )
    )


def mentioned(body: str, candidates: Iterable[User]) -> list[User]:
    """The people named as ``@Display Name`` in ``body`` (case-insensitive; the longest
    name wins; a name must end at a word boundary). Unknown names stay plain text."""
    by_length = sorted(
        (u for u in candidates if u.display_name), key=lambda u: -len(u.display_name)
    )
    lowered = body.casefold()
    found: dict[int, User] = {}
    for match in re.finditer("@", body):
        rest = lowered[match.end() :]
        for user in by_length:
            name = user.display_name.casefold()
            if rest.startswith(name):
                following = rest[len(name) : len(name) + 1]
                if not following or not (following.isalnum() or following == "_"):
                    found.setdefault(user.id, user)
                    break
    return list(found.values())


def add_note(actor: Any, item: WorkItem, body: str) -> tuple[WorkItemNote, list[User]]:
    """An internal note on ``item``; the people it @mentions (among those who may see the
    item) are notified in the app. Audited (without the text). Returns the note and the
    mentioned people."""
    body = (body or "").strip()
    if not body:
        raise workflow.WorkflowError(_("Please write a note."), "body")
    if len(body) > NOTE_MAX:
        raise workflow.WorkflowError(
            _("Please use at most %(max)d characters.", max=NOTE_MAX), "body"
        )
    note = WorkItemNote(work_item_id=item.id, author_id=getattr(actor, "id", None), body=body)
    db.session.add(note)
    db.session.flush()
    people = [u for u in mentioned(body, readers(item)) if u.id != getattr(actor, "id", None)]
    notifications.notify_users(
        [u.id for u in people],
        kind=MENTION,
        target_type=item.target_type,
        target_id=item.target_id,
        actor=actor,
    )
    record(
        actor,
        "workflow.note_added",
        item.target_type,
        item.target_id,
        after={"note_id": note.id, "mentioned": sorted(u.id for u in people)},
        district_id=item.district_id,
    )
    return note, people


def notes_of(item: WorkItem) -> list[WorkItemNote]:
    """The item's notes, oldest first, with their authors (one query)."""
    return list(
        db.session.scalars(
            select(WorkItemNote)
            .where(WorkItemNote.work_item_id == item.id)
            .order_by(WorkItemNote.created_at, WorkItemNote.id)
        ).unique()
    )


# --- duplicates ------------------------------------------------------------------------------


def previous_open_status(item: WorkItem) -> str:
    """The open status the item had before it became a duplicate (``new`` if none)."""
    rows = db.session.execute(
        select(StatusChange.from_status_id, StatusChange.to_status_id)
        .where(StatusChange.work_item_id == item.id)
        .order_by(StatusChange.created_at.desc(), StatusChange.id.desc())
    ).all()
    by_id = {s.id: s for s in workflow.statuses(include_inactive=True)}
    for from_id, to_id in rows:
        to_status = by_id.get(to_id)
        if to_status is not None and to_status.key == DUPLICATE:
            before = by_id.get(from_id)
            if before is not None and not before.closed and before.active:
                return before.key
    return NEW


def undo_duplicate(actor: Any, item: WorkItem) -> StatusChange:
    """ "Not a duplicate": back to the open status before, the link to the original goes
    (supports were never moved). Audited."""
    if item.status is None or item.status.key != DUPLICATE:
        raise workflow.WorkflowError(_("This input is not marked as a duplicate."), "status")
    original_id = item.duplicate_of_id
    change = workflow.change_status(actor, item, previous_open_status(item))
    record(
        actor,
        "workflow.duplicate_undone",
        item.target_type,
        item.target_id,
        before={"duplicate_of": original_id},
        after={"status": item.status.key},
        district_id=item.district_id,
    )
    db.session.flush()
    return change


def original_of(item: WorkItem | None) -> WorkItem | None:
    """The original of a duplicate (``None`` otherwise)."""
    if item is None or item.duplicate_of_id is None:
        return None
    if item.status is None or item.status.key != DUPLICATE:
        return None
    return db.session.get(WorkItem, item.duplicate_of_id)


def public_original(target_type: str, target_id: int) -> dict[str, str] | None:
    """For the public page of a duplicate: the original's title and public link (``None``
    if the input is no duplicate or the original is not public)."""
    original = original_of(workflow.item_for(target_type, target_id))
    if original is None:
        return None
    content_type = content_types.get(original.target_type)
    obj = content_type.load(original.target_id) if content_type is not None else None
    url = content_type.url(obj) if obj is not None else None
    if not url:
        return None
    return {"title": content_type.title(obj) or "", "url": url}
