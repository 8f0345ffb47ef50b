"""Needs of the district councils: posting, editing, status, supports, links to proposals,
lists. Services flush, never commit.

The place rule: a need lies in one of its council's districts. The place is a map point
(located with :func:`app.districts.services.locate`) or a district chosen from the council's
districts (then the district's label point, ``place_from_map`` false).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select

from ..core.audit import record, record_diff
from ..core.numbers import NumberError, parse_id
from ..core.permissions import COUNCIL_ROLES, MAYOR
from ..core.places import Place, place_at_point, place_in_district
from ..core.supports import Supports
from ..districts import services as district_services
from ..districts.models import Council, District
from ..extensions import db
from ..proposals.models import Proposal
from ..workflow import services as workflow
from . import notify
from .models import (
    PRIORITIES,
    Need,
    NeedProposalLink,
    NeedSupport,
)
from .permissions import can_post_need

PRIORITY_LABELS = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}


def status_label(status: str | None) -> str:
    """The public name of a need's (workflow) status."""
    return workflow.status_label(status)


ROLE_LABELS = {"mayor": _l("District mayor"), "council_member": _l("Council member")}
# High first in lists.
PRIORITY_ORDER = case({"high": 0, "medium": 1, "low": 2}, value=Need.priority, else_=3)
MAX_LINKS = 20


class NeedError(ValueError):
    """A rule of the domain was broken; the message is translated. ``field`` names the form
    field the message belongs to (or ``None``)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def council_label(council: Council | str | None) -> str:
    """ "District council Moskauer Platz" for a council or a council's name."""
    name = getattr(council, "name", council)
    return _("District council %(name)s", name=name) if name else ""


def role_label(role: str | None) -> str:
    return str(ROLE_LABELS.get(role or "", role or ""))


# --- councils and places -------------------------------------------------------------------


def councils_of(user) -> list[Council]:
    """The councils in which ``user`` is mayor or council member, by name."""
    ids = user.council_ids(COUNCIL_ROLES) if getattr(user, "is_authenticated", False) else set()
    if not ids:
        return []
    return list(
        db.session.scalars(select(Council).where(Council.id.in_(ids)).order_by(Council.name))
    )


def role_in(user, council: Council) -> str:
    """The person's role in the council ("mayor" wins over "council_member")."""
    return "mayor" if council.id in user.council_ids((MAYOR,)) else "council_member"


def _outside_message(council: Council) -> str:
    names = ", ".join(d.name for d in council.districts)
    return _(
        "This place is not in the districts of your district council (%(names)s).", names=names
    )


def place_from_point(council: Council, lat: float, lon: float, address: str = "") -> Place:
    """The place of a map point inside one of ``council``'s districts; :class:`NeedError`
    (on the latitude field) outside Erfurt or in another council's district."""
    try:
        district = district_services.district_at(lat, lon)
    except district_services.OutsideCity:
        raise NeedError(_outside_message(council), "lat") from None
    if district is None or district.council_id != council.id:
        raise NeedError(_outside_message(council), "lat")
    return place_at_point(district, lat, lon, address)


def place_from_district(council: Council, district: District, address: str = "") -> Place:
    """The district's label point; :class:`NeedError` for a district of another council."""
    if district is None or district.council_id != council.id:
        raise NeedError(_("Please choose a district of the chosen council."), "district")
    return place_in_district(district, address)


# --- links to proposals --------------------------------------------------------------------


def parse_proposal_ids(values: Iterable) -> list[int]:
    """Proposal numbers from the form (``"12"``); :class:`NeedError` for anything else."""
    ids: list[int] = []
    for value in values or ():
        try:
            number = parse_id(str(value))
        except NumberError:
            raise NeedError(_("Please choose proposals from the list."), "proposals") from None
        if number is not None and number not in ids:
            ids.append(number)
    if len(ids) > MAX_LINKS:
        raise NeedError(_("Please link at most %(max)d proposals.", max=MAX_LINKS), "proposals")
    return ids


def linkable_proposals(council_ids: Iterable[int], *, limit: int = 200, keep: Iterable[int] = ()):
    """Visible, not withdrawn proposals in the councils' districts (newest first), plus the
    already linked ones in ``keep``: ``[(id, title, district name, council id)]``."""

    council_ids = list(council_ids)
    if not council_ids:
        return []
    base = (
        select(Proposal.id, Proposal.title, District.name, District.council_id)
        .join(District, District.id == Proposal.district_id)
        .where(
            District.council_id.in_(council_ids),
            Proposal.public(),
        )
    )
    rows = list(db.session.execute(base.order_by(Proposal.id.desc()).limit(limit)).all())
    missing = set(keep) - {r[0] for r in rows}
    if missing:
        rows += list(db.session.execute(base.where(Proposal.id.in_(missing))).all())
    return rows


def _check_links(council: Council, ids: list[int]) -> list[int]:
    """Every id must be a visible, not withdrawn proposal in the council's districts."""

    if not ids:
        return []
    found = set(
        db.session.scalars(
            select(Proposal.id)
            .join(District, District.id == Proposal.district_id)
            .where(
                Proposal.id.in_(ids),
                District.council_id == council.id,
                Proposal.public(),
            )
        )
    )
    if set(ids) - found:
        raise NeedError(
            _(
                "Only public proposals in the districts of the district council can be linked. "
                "Please choose proposals from the list."
            ),
            "proposals",
        )
    return ids


def _set_links(need: Need, ids: list[int]) -> None:
    current = set(
        db.session.scalars(
            select(NeedProposalLink.proposal_id).where(NeedProposalLink.need_id == need.id)
        )
    )
    wanted = set(ids)
    if current - wanted:
        db.session.execute(
            delete(NeedProposalLink).where(
                NeedProposalLink.need_id == need.id,
                NeedProposalLink.proposal_id.in_(current - wanted),
            )
        )
    for proposal_id in sorted(wanted - current):
        db.session.add(NeedProposalLink(need_id=need.id, proposal_id=proposal_id))
    db.session.flush()


def linked_proposal_ids(need_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(NeedProposalLink.proposal_id)
            .where(NeedProposalLink.need_id == need_id)
            .order_by(NeedProposalLink.proposal_id)
        )
    )


def linked_proposals(need_id: int) -> list:
    """The visible proposals linked to the need (hidden or withdrawn ones are left out)."""

    return list(
        db.session.scalars(
            select(Proposal)
            .join(NeedProposalLink, NeedProposalLink.proposal_id == Proposal.id)
            .where(
                NeedProposalLink.need_id == need_id,
                Proposal.public(),
            )
            .order_by(Proposal.id.desc())
        ).unique()
    )


def needs_for_proposal(proposal_id: int) -> list[Need]:
    """Visible needs that name the proposal as expressing the same need."""
    return list(
        db.session.scalars(
            select(Need)
            .join(NeedProposalLink, NeedProposalLink.need_id == Need.id)
            .where(NeedProposalLink.proposal_id == proposal_id, Need.visible())
            .order_by(Need.id.desc())
        ).unique()
    )


# --- creating, editing, status ---------------------------------------------------------------


def _check(author, council: Council, priority: str, place: Place) -> None:
    if not can_post_need(author, place.district) or place.district.council_id != council.id:
        raise NeedError(_outside_message(council), "lat" if place.place_from_map else "district")
    if priority not in PRIORITIES:
        raise NeedError(_("Please choose a priority."), "priority")


def create_need(
    author,
    council: Council,
    *,
    title: str,
    description: str,
    category,
    priority: str,
    place: Place,
    linked_proposal_ids: Iterable[int] = (),
    is_demo: bool = False,
) -> Need:
    """Post a need for ``council``; the author must be its mayor or a member and the place
    must lie in one of its districts. Raises :class:`NeedError`."""
    _check(author, council, priority, place)
    ids = _check_links(council, list(linked_proposal_ids))
    need = Need(
        title=title.strip(),
        description=(description or "").strip(),
        category_id=category.id,
        priority=priority,
        council_id=council.id,
        author_id=author.id,
        author_role=role_in(author, council),
        is_demo=is_demo,
    )
    need.set_place(place)
    db.session.add(need)
    db.session.flush()
    _set_links(need, ids)
    workflow.open_item(author, "need", need)
    record(
        author,
        "need.created",
        "need",
        need.id,
        after={"title": need.title, "priority": priority, "district": place.district.number},
        district_id=need.district_id,
    )
    return need


def _snapshot(need: Need) -> dict:
    return {
        "title": need.title,
        "description": need.description,
        "category_id": need.category_id,
        "priority": need.priority,
        "district_id": need.district_id,
        "lat": need.lat,
        "lon": need.lon,
        "address": need.address,
        "place_from_map": need.place_from_map,
        "proposals": linked_proposal_ids(need.id),
    }


def edit_need(
    actor,
    need: Need,
    *,
    title: str,
    description: str,
    category,
    priority: str,
    place: Place,
    linked_proposal_ids: Iterable[int] = (),
    status: str | None = None,
) -> bool:
    """Change the need (the council stays); with ``status``, also set the status. Audited
    with the changed fields. Returns whether the status changed."""
    council = need.council
    _check(actor, council, priority, place)
    ids = _check_links(council, list(linked_proposal_ids))
    if status is not None:
        _check_status(need, status)
    before = _snapshot(need)
    need.title = title.strip()
    need.description = (description or "").strip()
    need.category_id = category.id
    need.priority = priority
    need.set_place(place)
    db.session.flush()
    _set_links(need, ids)
    record_diff(
        actor, "need.edited", "need", need.id, before, _snapshot(need), district_id=need.district_id
    )
    if status is not None and status != need.status:
        set_status(actor, need, status)
        return True
    return False


def _response_for(need: Need, status: str) -> int | None:
    """A closed status links the need's latest public answer (``None``: none yet)."""
    target = workflow.status_by_key(status)
    if target is None or not target.closed:
        return None
    return workflow.latest_response_id("need", need.id)


def _check_status(need: Need, status: str) -> None:
    item = workflow.item_for("need", need.id)
    if item is None:
        if workflow.status_by_key(status) is None:
            raise NeedError(_("Please choose a status."), "status")
        return
    try:
        workflow.check_change(item, status, response_id=_response_for(need, status))
    except workflow.WorkflowError as exc:
        raise NeedError(str(exc), "status") from None


def set_status(actor, need: Need, status: str) -> None:
    """Set the need's workflow status (history and audit by the workflow); its followers
    are told. A closed status needs a public answer on the need (the latest is linked)."""
    _check_status(need, status)
    item = workflow.ensure_item(actor, "need", need)
    if item.status.key == status:
        return
    try:
        workflow.change_status(actor, item, status, response_id=_response_for(need, status))
    except workflow.WorkflowError as exc:
        raise NeedError(str(exc), "status") from None
    db.session.flush()
    notify.notify_status(need, actor)


# --- supports ------------------------------------------------------------------------------


supports = Supports(NeedSupport, NeedSupport.need_id, Need)


def support_count(need_id: int) -> int:
    return supports.count(need_id)


def has_supported(user, need_id: int) -> bool:
    return supports.has_supported(user, need_id)


def support(user, need: Need) -> bool:
    """Set "supported" (idempotent); True if a support was added (see
    :meth:`app.core.supports.Supports.support`). Not one's own need, only visible needs."""
    if need.author_id is not None and need.author_id == user.id:
        raise NeedError(_("You cannot support a need you posted yourself."))
    if not need.is_visible:
        raise NeedError(_("This need cannot be supported."))
    return supports.support(user, need)


def unsupport(user, need: Need) -> bool:
    return supports.unsupport(user, need)


# --- lists ---------------------------------------------------------------------------------


def for_district(district_id: int, limit: int = 50) -> tuple[list[tuple[Need, int]], int]:
    """The district's visible needs (high priority and newest first) with their support
    counts, and how many there are. Two queries."""
    where = (Need.district_id == district_id, Need.visible())
    rows = list(
        db.session.execute(
            select(Need, supports.count_subquery())
            .where(*where)
            .order_by(PRIORITY_ORDER, Need.id.desc())
            .limit(limit)
        )
        .unique()
        .all()
    )
    total = len(rows)
    if total >= limit:
        total = db.session.scalar(select(func.count(Need.id)).where(*where))
    return [(need, supports) for need, supports in rows], total


def for_council(council_id: int, *, include_hidden: bool = False) -> list[Need]:
    """The council's needs, newest first (public: visible only)."""
    query = select(Need).where(Need.council_id == council_id)
    if not include_hidden:
        query = query.where(Need.visible())
    return list(db.session.scalars(query.order_by(Need.id.desc())).unique())
