"""Official responses: publish, edit, list, count. Flush, never commit.

In whose name a response is given is taken from the actor's roles, never from the form
alone: a district mayor answers for the council of the target's district; a planner for
their office (a planner with several offices picks one). Admins are not planners – without
a planner role they give no official responses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import lazyload

from ..core.audit import record
from ..core.content_types import ContentType
from ..core.i18n import localized
from ..core.permissions import MAYOR, PLANNER
from ..core.time import as_utc, utcnow
from ..extensions import db
from ..notifications import services as notifications
from ..workflow import services as workflow
from .models import BODY_MAX, OfficialResponse, ResponseDraft
from .permissions import can_respond_officially

ROLE_MAYOR = "mayor"
ROLE_PLANNER = "planner"


class ResponseError(ValueError):
    """A refused response, with a message for the person and the form field concerned."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Voice:
    """One capacity in which a person can answer: ``mayor:<council>`` or ``office:<office>``."""

    key: str
    role: str
    council: Any = None
    office: Any = None

    @property
    def label(self) -> str:
        return " · ".join(voice_parts(self.role, self.council, self.office))


def voice_parts(role: str, council: Any, office: Any) -> list[str]:
    """The badge after "Official response": role and council, or the office."""
    if role == ROLE_MAYOR:
        parts = [_("District mayor")]
        if council is not None:
            parts.append(_("District council %(name)s", name=council.name))
        return parts
    if office is not None:
        return [_("%(name)s office", name=localized(office, "name"))]
    return [_("Planning office")]


def badge(response: OfficialResponse) -> str:
    """E.g. "Official response · District mayor · District council Moskauer Platz"."""
    return " · ".join(
        [_("Official response"), *voice_parts(response.role, response.council, response.office)]
    )


def voices(user: Any, district: Any) -> list[Voice]:
    """The capacities in which ``user`` may answer something in ``district``."""
    if not can_respond_officially(user, district):
        return []
    found: list[Voice] = []
    council_id = getattr(district, "council_id", None)
    for assignment in user.roles:
        if (
            assignment.role == MAYOR
            and council_id is not None
            and assignment.council_id == council_id
        ):
            found.append(Voice(f"mayor:{council_id}", ROLE_MAYOR, council=assignment.council))
    offices = sorted(
        (a.office for a in user.roles if a.role == PLANNER and a.office is not None),
        key=lambda office: office.id,
    )
    for office in offices:
        found.append(Voice(f"office:{office.id}", ROLE_PLANNER, office=office))
    unique = {voice.key: voice for voice in found}
    return list(unique.values())


def respond(
    actor: Any,
    target: ContentType,
    obj: Any,
    body: str,
    voice_key: str | None = None,
    *,
    notify: bool = True,
) -> OfficialResponse:
    """Publish an official response on ``obj`` (a registered respondable); audited; the
    object's author, followers and supporters are notified (not the actor). ``notify=False``:
    the caller tells them once, after the status that goes with the answer is set (so that
    the mail names it), as the back office's ``answers.decide`` does."""
    chosen = choose_voice(actor, target, obj, voice_key)
    district = target.respondable.district(obj)
    body = _clean(body)
    response = OfficialResponse(
        target_type=target.type,
        target_id=obj.id,
        author_id=actor.id,
        role=chosen.role,
        council_id=chosen.council.id if chosen.council is not None else None,
        office_id=chosen.office.id if chosen.office is not None else None,
        body=body,
    )
    db.session.add(response)
    db.session.flush()
    record(
        actor,
        "official_response.published",
        "official_response",
        response.id,
        after={
            "target_type": target.type,
            "target_id": obj.id,
            "role": response.role,
            "council_id": response.council_id,
            "office_id": response.office_id,
            "body": body,
        },
        district_id=getattr(district, "id", None),
    )
    workflow.note_response(target.type, obj.id, response.created_at)
    if notify:
        _notify(target, obj, actor)
    return response


def choose_voice(actor: Any, target: ContentType, obj: Any, voice_key: str | None) -> Voice:
    """The capacity the answer is given in (the first one without ``voice_key``); raises
    :class:`ResponseError` if the item cannot be answered or not by ``actor``."""
    if not target.respondable.is_open(obj):
        raise ResponseError(_("This item cannot be answered at the moment."))
    available = voices(actor, target.respondable.district(obj))
    if not available:
        raise ResponseError(_("You cannot give an official response here."))
    if voice_key:
        chosen = next((v for v in available if v.key == voice_key), None)
        if chosen is None:
            raise ResponseError(_("Please choose in whose name you answer."), "voice")
        return chosen
    return available[0]


def edit_response(actor: Any, response: OfficialResponse, body: str, district_id=None) -> bool:
    """Change the text (the author only – the route checks); audited with before/after.
    Returns whether anything changed."""
    body = _clean(body)
    if body == response.body:
        return False
    before = response.body
    response.body = body
    response.edited_at = utcnow()
    db.session.flush()
    record(
        actor,
        "official_response.edited",
        "official_response",
        response.id,
        before={"body": before},
        after={"body": body},
        district_id=district_id,
    )
    return True


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ResponseError(_("Please write the response."))
    if len(body) > BODY_MAX:
        raise ResponseError(_("A response may have at most %(n)d characters.", n=BODY_MAX))
    return body


def _notify(target: ContentType, obj: Any, actor: Any) -> None:
    recipients = workflow.audience(target.type, obj.id, obj)
    notifications.notify_users(
        recipients, kind="official_response", target_type=target.type, target_id=obj.id, actor=actor
    )


def mail_details(kind: str, target_type: str, target_id: int, details: dict) -> dict | None:
    """The answer's text for the mails of a public answer (the latest one) and of a status
    change that came with one (``details["response_id"]``, from the workflow)."""
    if kind == "official_response":
        response_id = latest_id(target_type, target_id)
    elif kind == "status_changed":
        response_id = details.get("response_id")
    else:
        return None
    response = db.session.get(OfficialResponse, response_id) if response_id else None
    if response is None or (response.target_type, response.target_id) != (target_type, target_id):
        return None
    return {"answer": response.body}


# --- reading -----------------------------------------------------------------------------------


def responses_for(target_type: str, target_id: int) -> list[OfficialResponse]:
    """Newest first (author, council and office come in the same query)."""
    return list(
        db.session.scalars(
            select(OfficialResponse)
            .where(
                OfficialResponse.target_type == target_type,
                OfficialResponse.target_id == target_id,
            )
            .order_by(OfficialResponse.created_at.desc(), OfficialResponse.id.desc())
        ).unique()
    )


def responses_for_many(
    targets: Iterable[tuple[str, int]],
) -> dict[tuple[str, int], list[OfficialResponse]]:
    """Responses of many targets in one query, newest first per target."""
    by_type: dict[str, set[int]] = {}
    for target_type, target_id in targets:
        by_type.setdefault(target_type, set()).add(target_id)
    if not by_type:
        return {}
    condition = or_(
        *(
            and_(OfficialResponse.target_type == t, OfficialResponse.target_id.in_(sorted(ids)))
            for t, ids in sorted(by_type.items())
        )
    )
    rows = db.session.scalars(
        select(OfficialResponse)
        .where(condition)
        .order_by(OfficialResponse.created_at.desc(), OfficialResponse.id.desc())
    ).unique()
    found: dict[tuple[str, int], list[OfficialResponse]] = {}
    for response in rows:
        found.setdefault((response.target_type, response.target_id), []).append(response)
    return found


def latest_id(target_type: str, target_id: int) -> int | None:
    """The id of the item's latest public answer (for the workflow's closed statuses)."""
    return db.session.scalar(
        select(OfficialResponse.id)
        .where(
            OfficialResponse.target_type == target_type,
            OfficialResponse.target_id == target_id,
        )
        .order_by(OfficialResponse.created_at.desc(), OfficialResponse.id.desc())
        .limit(1)
    )


def counts(target_type: str, target_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(target_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(OfficialResponse.target_id, func.count(OfficialResponse.id))
        .where(OfficialResponse.target_type == target_type, OfficialResponse.target_id.in_(ids))
        .group_by(OfficialResponse.target_id)
    )
    return dict(rows.all())


def latest(target_type: str, target_id: int) -> OfficialResponse | None:
    """The item's latest published answer."""
    response_id = latest_id(target_type, target_id)
    return db.session.get(OfficialResponse, response_id) if response_id is not None else None


# --- drafts ------------------------------------------------------------------------------------


def draft_for(target_type: str, target_id: int) -> ResponseDraft | None:
    return db.session.scalar(
        select(ResponseDraft).where(
            ResponseDraft.target_type == target_type, ResponseDraft.target_id == target_id
        )
    )


def drafts_for_many(targets: Iterable[tuple[str, int]]) -> dict[tuple[str, int], ResponseDraft]:
    """The drafts of many inputs (one query)."""
    by_type: dict[str, set[int]] = {}
    for target_type, target_id in targets:
        by_type.setdefault(target_type, set()).add(target_id)
    if not by_type:
        return {}
    condition = or_(
        *(
            and_(ResponseDraft.target_type == t, ResponseDraft.target_id.in_(sorted(ids)))
            for t, ids in sorted(by_type.items())
        )
    )
    return {
        (d.target_type, d.target_id): d
        for d in db.session.scalars(select(ResponseDraft).where(condition)).unique()
    }


def save_draft(
    actor: Any,
    target: ContentType,
    obj: Any,
    body: str,
    status_key: str | None,
    voice_key: str | None = None,
) -> ResponseDraft:
    """Keep an answer (and the status it will set) as the input's draft, to publish later;
    nothing public changes and nobody is notified. One draft per input: a second one
    replaces it. Audited."""
    chosen = choose_voice(actor, target, obj, voice_key)
    body = _clean(body)
    draft = draft_for(target.type, obj.id)
    before = {"body": draft.body, "status": draft.status_key} if draft is not None else None
    if draft is None:
        draft = ResponseDraft(target_type=target.type, target_id=obj.id)
        db.session.add(draft)
    draft.author_id = actor.id
    draft.voice = chosen.key
    draft.body = body
    draft.status_key = status_key or None
    db.session.flush()
    record(
        actor,
        "official_response.drafted",
        target.type,
        obj.id,
        before=before,
        after={"body": body, "status": draft.status_key, "voice": chosen.key},
        district_id=getattr(target.respondable.district(obj), "id", None),
    )
    return draft


def discard_draft(actor: Any, draft: ResponseDraft, *, published: bool = False) -> None:
    """Remove the draft (discarded, or ``published``: it is an answer now). Audited."""
    record(
        actor,
        "official_response.draft_published" if published else "official_response.draft_discarded",
        draft.target_type,
        draft.target_id,
        before={"body": draft.body, "status": draft.status_key, "voice": draft.voice},
    )
    db.session.delete(draft)
    db.session.flush()


# --- the public timeline ---------------------------------------------------------------------

EXCERPT_CHARS = 240


def signature(response: OfficialResponse) -> str:
    """In whose name, e.g. "Fachamt Sozialplanung" or "District mayor · District council …"."""
    return " · ".join(voice_parts(response.role, response.council, response.office))


def excerpt(body: str, limit: int = EXCERPT_CHARS) -> str:
    """The answer's beginning: whole words up to ``limit`` characters, "…" when cut."""
    text = " ".join((body or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + " …"


@dataclass(frozen=True)
class TimelineItem:
    """One step of an input's public history: a status change (with the answer given with
    it, if any) or an answer given without one. Public fields only."""

    at: Any
    status: str | None = None
    status_key: str | None = None
    colour: str | None = None
    response_id: int | None = None
    excerpt: str = ""
    signature: str = ""


def public_timeline(target_type: str, target_id: int) -> list[TimelineItem]:
    """The workflow's status history merged with the published answers, oldest first: two
    queries. Drafts never appear (they are another table); no actor, assignee or note (nor
    the answer's author: not loaded)."""
    answers = {
        r.id: r
        for r in db.session.scalars(
            select(OfficialResponse)
            .where(
                OfficialResponse.target_type == target_type,
                OfficialResponse.target_id == target_id,
            )
            .order_by(OfficialResponse.created_at, OfficialResponse.id)
            .options(lazyload(OfficialResponse.author))
        ).unique()
    }
    items: list[TimelineItem] = []
    used: set[int] = set()
    for entry in workflow.timeline(target_type, target_id):
        answer = answers.get(entry.response_id) if entry.response_id else None
        if answer is not None:
            used.add(answer.id)
        items.append(
            TimelineItem(
                at=entry.at,
                status=entry.status,
                status_key=entry.key,
                colour=entry.colour,
                response_id=answer.id if answer else None,
                excerpt=excerpt(answer.body) if answer else "",
                signature=signature(answer) if answer else "",
            )
        )
    for answer in answers.values():
        if answer.id not in used:
            items.append(
                TimelineItem(
                    at=as_utc(answer.created_at),
                    response_id=answer.id,
                    excerpt=excerpt(answer.body),
                    signature=signature(answer),
                )
            )
    return sorted(items, key=lambda i: (i.at, i.response_id or 0))
