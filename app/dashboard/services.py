"""The district council's dashboard: what is new, open reports, top proposals, needs,
barriers; visit tracking, the pre-moderation switch, CSV export and the print list.

Every list is a fixed number of queries, however many items there are (no N+1).
Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.exc import IntegrityError

from ..barriers import services as barriers
from ..comments.models import Comment
from ..core import content_types
from ..core.audit import record
from ..core.exports import Column
from ..core.i18n import localized
from ..core.permissions import COUNCIL_ROLES
from ..core.time import as_utc, utcnow
from ..core.urls import external_url
from ..districts.models import Council, District
from ..extensions import db
from ..moderation.models import PENDING_APPROVAL, Flag
from ..needs.models import PRIORITIES, Need, NeedSupport
from ..proposals.models import Proposal, Support
from ..proposals.services import status_label
from ..responses.models import OfficialResponse
from ..responses.services import responses_for_many
from ..workflow import services as workflow
from .models import DashboardVisit

VISIT_GAP = timedelta(minutes=30)  # a new visit starts after this much quiet
FIRST_VISIT_DAYS = 14  # on the first visit, "new" means the last two weeks
NEW_LIMIT = 20
TOP_LIMIT = 10
NEEDS_LIMIT = 100
PRINT_EXCERPT = 300  # characters of an official response in the print view

PRIORITY_LABELS = {
    "high": _l("High priority"),
    "medium": _l("Medium priority"),
    "low": _l("Low priority"),
}
assert set(PRIORITY_LABELS) == set(PRIORITIES)


def endpoint_url(endpoint: str, *, external: bool = False, **values) -> str | None:
    """A link to a page another domain provides, or ``None`` while it does not exist.
    ``external``: absolute, from ``BASE_URL`` (exports and print), never the request's host."""
    if endpoint not in current_app.view_functions:
        return None
    if external:
        return external_url(endpoint, **values)
    return url_for(endpoint, **values)


def need_url(need_id: int, **kw) -> str | None:
    return endpoint_url("needs.show", need_id=need_id, **kw)


def proposal_url(proposal_id: int, *, external: bool = False, **kw) -> str:
    if external:
        return external_url("proposals.show", proposal_id=proposal_id, **kw)
    return url_for("proposals.show", proposal_id=proposal_id, **kw)


# --- councils ----------------------------------------------------------------------------------


def council_by_slug(slug: str) -> Council | None:
    return db.session.scalar(select(Council).where(Council.slug == slug))


def councils_for(user: Any, *, all_councils: bool) -> list[Council]:
    query = select(Council).order_by(Council.name)
    if not all_councils:
        query = query.where(Council.id.in_(user.council_ids(COUNCIL_ROLES)))
    return list(db.session.scalars(query))


def district_list(council: Council) -> list[District]:
    return list(
        db.session.scalars(
            select(District).where(District.council_id == council.id).order_by(District.number)
        ).unique()
    )


# --- visits ------------------------------------------------------------------------------------


def track_visit(user: Any, council: Council, now: datetime | None = None) -> datetime | None:
    """Record a dashboard visit; return ``previous_seen_at`` (``None`` on the first visit).

    A visit that follows the last one within ``VISIT_GAP`` belongs to the same visit (reloads
    do not empty "new since your last visit"). Each person has their own row, so a planner
    looking at a council does not disturb its members' state."""
    now = now or utcnow()
    visit = db.session.scalar(
        select(DashboardVisit).where(
            DashboardVisit.user_id == user.id, DashboardVisit.council_id == council.id
        )
    )
    if visit is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    DashboardVisit(user_id=user.id, council_id=council.id, last_seen_at=now)
                )
        except IntegrityError:  # a parallel first request created it
            pass
        return None
    last = as_utc(visit.last_seen_at)
    if last is not None and now - last > VISIT_GAP:
        visit.previous_seen_at = last
    visit.last_seen_at = now
    db.session.flush()
    return as_utc(visit.previous_seen_at)


def previous_visit(user: Any, council: Council) -> datetime | None:
    """``previous_seen_at`` without recording a visit (e.g. re-rendering after a POST)."""
    return as_utc(
        db.session.scalar(
            select(DashboardVisit.previous_seen_at).where(
                DashboardVisit.user_id == user.id, DashboardVisit.council_id == council.id
            )
        )
    )


def since_for(previous_seen_at: datetime | None, now: datetime | None = None) -> datetime:
    if previous_seen_at is not None:
        return previous_seen_at
    return (now or utcnow()) - timedelta(days=FIRST_VISIT_DAYS)


# --- what is new ---------------------------------------------------------------------------------


@dataclass
class NewItem:
    kind: str  # "proposal", "need", "comment"
    title: str
    url: str | None
    created_at: datetime
    district: str


@dataclass
class NewSince:
    since: datetime
    first_visit: bool
    counts: dict[str, int] = field(default_factory=dict)
    items: list[NewItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _comment_sources(district_ids: list[int]):
    """One query per commented type in the districts: comment id and time, the target's
    id (a district's number), its title and the district's name. Public comments only."""
    visible_comment = (Comment.visible(), Comment.deleted_at.is_(None))
    proposal_q = (
        select(
            Comment.id,
            Comment.created_at,
            Proposal.id.label("target_id"),
            Proposal.title.label("title"),
            District.name.label("district"),
        )
        .join(Proposal, and_(Comment.target_type == "proposal", Comment.target_id == Proposal.id))
        .join(District, Proposal.district_id == District.id)
        .where(*visible_comment, Proposal.visible(), Proposal.district_id.in_(district_ids))
    )
    need_q = (
        select(
            Comment.id,
            Comment.created_at,
            Need.id.label("target_id"),
            Need.title.label("title"),
            District.name.label("district"),
        )
        .join(Need, and_(Comment.target_type == "need", Comment.target_id == Need.id))
        .join(District, Need.district_id == District.id)
        .where(*visible_comment, Need.visible(), Need.district_id.in_(district_ids))
    )
    district_q = (
        select(
            Comment.id,
            Comment.created_at,
            District.number.label("target_id"),
            District.name.label("title"),
            District.name.label("district"),
        )
        .join(District, and_(Comment.target_type == "district", Comment.target_id == District.id))
        .where(*visible_comment, District.id.in_(district_ids))
    )
    return {"proposal": proposal_q, "need": need_q, "district": district_q}


def new_since(district_ids: list[int], since: datetime, *, first_visit: bool) -> NewSince:
    """Proposals, needs and comments in the districts created after ``since``: counts and
    the newest ``NEW_LIMIT`` (public items only)."""
    result = NewSince(since=since, first_visit=first_visit)
    if not district_ids:
        result.counts = {"proposal": 0, "need": 0, "comment": 0}
        return result
    proposal_where = (
        Proposal.visible(),
        Proposal.district_id.in_(district_ids),
        Proposal.created_at > since,
    )
    need_where = (Need.visible(), Need.district_id.in_(district_ids), Need.created_at > since)
    result.counts["proposal"] = db.session.scalar(
        select(func.count(Proposal.id)).where(*proposal_where)
    )
    result.counts["need"] = db.session.scalar(select(func.count(Need.id)).where(*need_where))
    items: list[NewItem] = []
    for row in db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.created_at, District.name)
        .join(District, Proposal.district_id == District.id)
        .where(*proposal_where)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(NEW_LIMIT)
    ):
        items.append(NewItem("proposal", row.title, proposal_url(row.id), row.created_at, row.name))
    for row in db.session.execute(
        select(Need.id, Need.title, Need.created_at, District.name)
        .join(District, Need.district_id == District.id)
        .where(*need_where)
        .order_by(Need.created_at.desc(), Need.id.desc())
        .limit(NEW_LIMIT)
    ):
        items.append(NewItem("need", row.title, need_url(row.id), row.created_at, row.name))
    comments = 0
    for kind, query in _comment_sources(district_ids).items():
        query = query.where(Comment.created_at > since)
        comments += db.session.scalar(select(func.count()).select_from(query.subquery()))
        for row in db.session.execute(
            query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(NEW_LIMIT)
        ):
            if kind == "proposal":
                url = proposal_url(row.target_id, _anchor=f"comment-{row.id}")
            elif kind == "need":
                url = need_url(row.target_id, _anchor=f"comment-{row.id}")
            else:
                url = url_for("districts.show", number=row.target_id, _anchor=f"comment-{row.id}")
            items.append(NewItem("comment", row.title, url, row.created_at, row.district))
    result.counts["comment"] = comments
    items.sort(key=lambda item: as_utc(item.created_at), reverse=True)
    result.items = items[:NEW_LIMIT]
    return result


# --- open reports --------------------------------------------------------------------------------


@dataclass
class OpenReports:
    flags: int
    awaiting_approval: int
    queue_url: str | None

    @property
    def total(self) -> int:
        return self.flags + self.awaiting_approval


def open_reports(district_ids: list[int]) -> OpenReports:
    if not district_ids:
        return OpenReports(0, 0, endpoint_url("moderation.queue"))
    flags = db.session.scalar(
        select(func.count(Flag.id)).where(
            Flag.resolved_at.is_(None), Flag.district_id.in_(district_ids)
        )
    )
    pending = 0
    for model in (Proposal, Need):
        pending += db.session.scalar(
            select(func.count(model.id)).where(
                model.moderation_state == PENDING_APPROVAL, model.district_id.in_(district_ids)
            )
        )
    return OpenReports(flags, pending, endpoint_url("moderation.queue"))


# --- proposals and needs ----------------------------------------------------------------------


def _support_counts():
    return (
        select(Support.proposal_id, func.count(Support.id).label("n"))
        .group_by(Support.proposal_id)
        .subquery()
    )


def _has_response(target_type: str, id_column):
    return exists().where(
        OfficialResponse.target_type == target_type, OfficialResponse.target_id == id_column
    )


def top_proposals(
    district_ids: list[int], limit: int = TOP_LIMIT
) -> list[tuple[Proposal, int, bool]]:
    """The most-supported public proposals (not withdrawn): (proposal, supports, answered)."""
    if not district_ids:
        return []
    supports = _support_counts()
    n = func.coalesce(supports.c.n, 0)
    rows = db.session.execute(
        select(Proposal, n, _has_response("proposal", Proposal.id))
        .outerjoin(supports, supports.c.proposal_id == Proposal.id)
        .where(
            Proposal.visible(),
            Proposal.district_id.in_(district_ids),
            Proposal.withdrawn_at.is_(None),
        )
        .order_by(n.desc(), Proposal.created_at.desc(), Proposal.id.desc())
        .limit(limit)
    ).unique()
    return [(p, int(count), bool(answered)) for p, count, answered in rows]


def council_needs(council: Council, limit: int = NEEDS_LIMIT) -> list[tuple[Need, int]]:
    """The council's needs (all states – the council moderates its districts), open ones and
    high priority first, with their supports."""
    supports = (
        select(NeedSupport.need_id, func.count(NeedSupport.id).label("n"))
        .group_by(NeedSupport.need_id)
        .subquery()
    )
    status_order = workflow.status_order("need", Need.id)
    priority_order = case({p: i for i, p in enumerate(PRIORITIES)}, value=Need.priority, else_=99)
    n = func.coalesce(supports.c.n, 0)
    rows = db.session.execute(
        select(Need, n)
        .outerjoin(supports, supports.c.need_id == Need.id)
        .where(Need.council_id == council.id)
        .order_by(status_order, priority_order, Need.created_at.desc(), Need.id.desc())
        .limit(limit)
    ).unique()
    return [(need, int(count)) for need, count in rows]


def need_status_label(status: str) -> str:
    return workflow.status_label(status)


def priority_label(priority: str) -> str:
    return str(PRIORITY_LABELS.get(priority, priority))


# --- barriers ------------------------------------------------------------------------------------


def barrier_summary(district_ids: list[int]) -> dict:

    return barriers.summary(district_ids=district_ids)


# --- settings ------------------------------------------------------------------------------------


def set_premoderation(actor: Any, council: Council, enabled: bool) -> bool:
    """Switch pre-moderation on or off; audited with before/after. Returns whether it changed.
    The audit row carries the council's first district, so its members read it in their log."""
    if bool(council.premoderation) == enabled:
        return False
    before = bool(council.premoderation)
    council.premoderation = enabled
    db.session.flush()
    first_district = db.session.scalar(
        select(District.id)
        .where(District.council_id == council.id)
        .order_by(District.number)
        .limit(1)
    )
    record(
        actor,
        "council.premoderation_changed",
        "council",
        council.id,
        before={"premoderation": before},
        after={"premoderation": enabled},
        district_id=first_district,
    )
    return True


# --- public inputs: CSV export and print list ----------------------------------------------------


@dataclass
class Input:
    kind: str  # "proposal" or "need"
    id: int
    title: str
    district: District
    category: str
    status: str
    place: str
    supports: int
    comments: int
    responses: list = field(default_factory=list)
    created_at: datetime | None = None
    url: str | None = None
    obj: Any = None


def _place(obj: Any) -> str:
    address = (obj.address or "").strip()
    if address:
        return address
    if obj.place_from_map:
        return f"{obj.lat:.5f}, {obj.lon:.5f}"
    return _("somewhere in the district (no point on the map)")


def _comment_counts(target_type: str, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Comment.target_id, func.count(Comment.id))
        .where(
            Comment.target_type == target_type,
            Comment.target_id.in_(ids),
            Comment.visible(),
            Comment.deleted_at.is_(None),
        )
        .group_by(Comment.target_id)
    )
    return dict(rows.all())


def public_inputs(district_ids: list[int], *, external: bool = False) -> list[Input]:
    """The districts' public proposals and needs with supports, comments and official
    responses – a fixed number of queries. Most-supported first, then newest."""

    if not district_ids:
        return []
    supports = _support_counts()
    proposals = db.session.execute(
        select(Proposal, func.coalesce(supports.c.n, 0))
        .outerjoin(supports, supports.c.proposal_id == Proposal.id)
        .where(Proposal.visible(), Proposal.district_id.in_(district_ids))
    ).unique()
    need_supports = (
        select(NeedSupport.need_id, func.count(NeedSupport.id).label("n"))
        .group_by(NeedSupport.need_id)
        .subquery()
    )
    needs = db.session.execute(
        select(Need, func.coalesce(need_supports.c.n, 0))
        .outerjoin(need_supports, need_supports.c.need_id == Need.id)
        .where(Need.visible(), Need.district_id.in_(district_ids))
    ).unique()
    inputs: list[Input] = []
    for p, n in proposals:
        inputs.append(
            Input(
                kind="proposal",
                id=p.id,
                title=p.title,
                district=p.district,
                category=localized(p.category, "name"),
                status=status_label(p.public_status),
                place=_place(p),
                supports=int(n),
                comments=0,
                created_at=p.created_at,
                url=proposal_url(p.id, external=external),
                obj=p,
            )
        )
    for need, n in needs:
        inputs.append(
            Input(
                kind="need",
                id=need.id,
                title=need.title,
                district=need.district,
                category=localized(need.category, "name") if need.category else "",
                status=f"{need_status_label(need.status)} · {priority_label(need.priority)}",
                place=_place(need),
                supports=int(n),
                comments=0,
                created_at=need.created_at,
                url=need_url(need.id, external=external),
                obj=need,
            )
        )
    by_kind: dict[str, list[int]] = {"proposal": [], "need": []}
    for item in inputs:
        by_kind[item.kind].append(item.id)
    comment_counts = {kind: _comment_counts(kind, ids) for kind, ids in by_kind.items()}
    answers = responses_for_many((item.kind, item.id) for item in inputs)
    for item in inputs:
        item.comments = comment_counts[item.kind].get(item.id, 0)
        item.responses = answers.get((item.kind, item.id), [])
    inputs.sort(key=lambda i: (-i.supports, -as_utc(i.created_at).timestamp(), i.kind, -i.id))
    return inputs


def is_open(item: Input) -> bool:
    """Still to be dealt with: not in a closed workflow status, not withdrawn."""
    obj = item.obj
    if getattr(obj, "is_withdrawn", False):
        return False
    record = getattr(obj, "status_record", None)
    return not (record is not None and record.closed)


def open_inputs(district_ids: list[int]) -> tuple[list[Input], list[Input]]:
    """The districts' open public needs and proposals (most supported first) for a council
    meeting – the queries of :func:`public_inputs`."""
    inputs = [i for i in public_inputs(district_ids, external=True) if is_open(i)]
    return [i for i in inputs if i.kind == "need"], [i for i in inputs if i.kind == "proposal"]


def kind_label(kind: str) -> str:
    content_type = content_types.get(kind)
    return str(content_type.label) if content_type is not None else kind


def _district_label(item: Input) -> str:
    return f"{item.district.number} {item.district.name}"


# The export of the districts' public inputs, one set of columns for CSV (German Excel: UTF-8
# with BOM, ``;``, CRLF, formulas defused), XLSX and GeoJSON (see app/core/exports.py).
EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("type", _l("Type"), get=lambda item: kind_label(item.kind)),
    Column("id", _l("ID")),  # text: an id is no number to calculate with
    Column("title", _l("Title")),
    Column("district", _l("District"), get=_district_label),
    Column("category", _l("Category")),
    Column("status", _l("Status / priority")),
    Column("place", _l("Place")),
    Column("supports", _l("Supports"), "int"),
    Column("comments", _l("Comments"), "int"),
    Column("responses", _l("Official responses"), "int", get=lambda item: len(item.responses)),
    Column("created", _l("Created"), "date", get=lambda item: item.created_at),
    Column("link", _l("URL"), get=lambda item: item.url),
)


def export_point(item: Input) -> tuple[float, float] | None:
    """The map point of an input for GeoJSON; ``None`` when it was placed "somewhere in the
    district" (its coordinates are then the district's label point, not a place)."""
    obj = item.obj
    if obj is None or not obj.place_from_map:
        return None
    return obj.lat, obj.lon


def export_rows(district_ids: list[int]) -> Iterator[Input]:
    """The rows of the export: the districts' public inputs, most supported first.

    A council's inputs are few (hundreds), and their order needs the counts of two kinds, so
    they are loaded by :func:`public_inputs` in a fixed number of queries; the writers read
    them one by one."""
    yield from public_inputs(district_ids, external=True)


def excerpt(text: str, limit: int = PRINT_EXCERPT) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut + " …"
