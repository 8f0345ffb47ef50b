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

from ..core.audit import record
from ..core.content_types import ContentType
from ..core.i18n import localized
from ..core.permissions import MAYOR, PLANNER
from ..core.time import utcnow
from ..extensions import db
from ..notifications import services as notifications
from ..workflow import services as workflow
from .models import BODY_MAX, OfficialResponse
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
    object's author and followers are notified (not the actor). ``notify=False``: the caller
    tells them with :func:`notify_published` once the status that goes with the answer is
    set (the mail names it)."""
    district = target.respondable.district(obj)
    if not target.respondable.is_open(obj):
        raise ResponseError(_("This item cannot be answered at the moment."))
    available = voices(actor, district)
    if not available:
        raise ResponseError(_("You cannot give an official response here."))
    if voice_key:
        chosen = next((v for v in available if v.key == voice_key), None)
        if chosen is None:
            raise ResponseError(_("Please choose in whose name you answer."), "voice")
    else:
        chosen = available[0]
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


def notify_published(actor: Any, target: ContentType, response: OfficialResponse) -> None:
    """Tell the item's author and followers of ``response`` (published with ``notify=False``)."""
    obj = target.load_any(response.target_id)
    if obj is not None:
        _notify(target, obj, actor)


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
    recipients = set(notifications.follower_ids(target.type, obj.id))
    author_id = target.author_id(obj)
    if author_id is not None:
        recipients.add(author_id)
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
