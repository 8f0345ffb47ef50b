"""Proposals: categories, creating, editing, withdrawing, supports. Services flush, never commit."""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select

from ..comments.services import count_for
from ..core.audit import record
from ..core.places import Place, place_at_point, place_in_district
from ..core.supports import Supports
from ..core.time import utcnow
from ..districts import services as district_services
from ..districts.models import District
from ..extensions import db
from ..moderation.models import PENDING_APPROVAL
from ..workflow import services as workflow
from ..workflow.models import NEW, STATUS_KEYS
from .models import (
    CATEGORIES,
    WITHDRAWN,
    Category,
    Proposal,
    Support,
)


def load_categories() -> int:
    """Create the standard categories that do not exist yet (idempotent)."""
    existing = set(db.session.scalars(select(Category.slug)))
    created = 0
    for slug, name_de, name_en, icon, colour, sort in CATEGORIES:
        if slug not in existing:
            db.session.add(
                Category(
                    slug=slug, name_de=name_de, name_en=name_en, icon=icon, colour=colour, sort=sort
                )
            )
            created += 1
    db.session.flush()
    return created


def categories(*, include_inactive: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.sort, Category.id)
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return list(db.session.scalars(query))


# --- creating, editing, withdrawing ---------------------------------------------------------


class ProposalError(ValueError):
    """A rule of the domain was broken; the message is translated."""


def place_from_point(lat: float, lon: float, address: str = "") -> Place:
    """The place of a map point; raises :class:`OutsideCity` outside Erfurt."""
    return place_at_point(district_services.district_at(lat, lon), lat, lon, address)


def place_from_district(district: District, address: str = "") -> Place:
    """Without a map point the place is the district's label point."""
    return place_in_district(district, address)


def create_proposal(
    author,
    *,
    title: str,
    description: str,
    category: Category,
    place: Place,
    photo: str | None = None,
    is_demo: bool = False,
    submitted_via: str | None = None,
) -> Proposal:
    """A new proposal; ``author`` is ``None`` for one that an Open311 client
    (``submitted_via``, its name) submitted."""
    proposal = Proposal(
        title=title.strip(),
        description=description.strip(),
        category_id=category.id,
        author_id=author.id if author is not None else None,
        photo=photo,
        is_demo=is_demo,
        submitted_via=submitted_via,
    )
    proposal.set_place(place)
    if needs_approval(place.district):
        proposal.moderation_state = PENDING_APPROVAL
    db.session.add(proposal)
    db.session.flush()
    workflow.open_item(author, "proposal", proposal)
    if proposal.moderation_state == PENDING_APPROVAL:
        record(
            author,
            "proposal.held_for_approval",
            "proposal",
            proposal.id,
            after={"moderation_state": PENDING_APPROVAL},
            district_id=proposal.district_id,
        )
    return proposal


def needs_approval(district: District | None) -> bool:
    """Pre-moderation: the district's council publishes new proposals only after approval."""
    council = district.council if district is not None else None
    return bool(council is not None and council.premoderation)


def support_count(proposal_id: int) -> int:
    return supports.count(proposal_id)


def comment_count(proposal_id: int) -> int:
    return count_for("proposal", proposal_id, include_moderated=True)


def is_locked(proposal: Proposal) -> bool:
    """Editing ends with the first comment, support or status change."""
    return (
        proposal.status != NEW or support_count(proposal.id) > 0 or comment_count(proposal.id) > 0
    )


def edit_proposal(
    proposal: Proposal,
    *,
    title: str,
    description: str,
    category: Category,
    place: Place,
    photo: str | None = None,
) -> None:
    proposal.title = title.strip()
    proposal.description = description.strip()
    proposal.category_id = category.id
    proposal.set_place(place)
    if photo is not None:
        proposal.photo = photo
    db.session.flush()


def withdraw(actor, proposal: Proposal) -> None:
    """The author withdraws the proposal (``withdrawn_at``); its workflow status stays."""
    if proposal.is_withdrawn:
        raise ProposalError(_("This proposal has already been withdrawn."))
    proposal.withdrawn_at = utcnow()
    record(
        actor,
        "proposal.withdrawn",
        "proposal",
        proposal.id,
        before={"withdrawn": False},
        after={"withdrawn": True, "status": proposal.status},
        district_id=proposal.district_id,
    )
    db.session.flush()


# --- supports --------------------------------------------------------------------------------


supports = Supports(Support, Support.proposal_id, Proposal)


def has_supported(user, proposal_id: int) -> bool:
    return supports.has_supported(user, proposal_id)


def support(user, proposal: Proposal) -> bool:
    """Set "supported" (idempotent). True if a support was added (see
    :meth:`app.core.supports.Supports.support`). Not for a withdrawn proposal."""
    if proposal.is_withdrawn:
        raise ProposalError(_("A withdrawn proposal cannot be supported."))
    return supports.support(user, proposal)


def unsupport(user, proposal: Proposal) -> bool:
    """Remove one's support; True if there was one."""
    return supports.unsupport(user, proposal)


# --- duplicate hint --------------------------------------------------------------------------

DUPLICATE_RADIUS_M = 300
_STOPWORDS = {
    "der",
    "die",
    "das",
    "und",
    "oder",
    "ein",
    "eine",
    "einen",
    "mehr",
    "für",
    "fuer",
    "am",
    "an",
    "im",
    "in",
    "zum",
    "zur",
    "vom",
    "von",
    "mit",
    "auf",
    "bei",
    "neue",
    "neuer",
    "neues",
    "bitte",
    "des",
    "dem",
    "den",
    "the",
    "and",
    "for",
    "a",
    "of",
}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _words(title: str) -> set[str]:
    return {w for w in re.findall(r"\w+", title.lower()) if len(w) > 3 and w not in _STOPWORDS}


def similar_titles(a: str, b: str) -> bool:
    a, b = a.lower().strip(), b.lower().strip()
    return SequenceMatcher(None, a, b).ratio() >= 0.6 or bool(_words(a) & _words(b))


def similar_proposals(title: str, lat: float, lon: float, *, exclude_id: int | None = None):
    """Public (not withdrawn, not hidden or pending) proposals within 300 m with a similar
    title, nearest first."""
    dlat = DUPLICATE_RADIUS_M / 111_320
    dlon = DUPLICATE_RADIUS_M / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    query = select(Proposal).where(
        Proposal.lat.between(lat - dlat, lat + dlat),
        Proposal.lon.between(lon - dlon, lon + dlon),
        Proposal.withdrawn_at.is_(None),
        Proposal.visible(),
    )
    if exclude_id is not None:
        query = query.where(Proposal.id != exclude_id)
    found = []
    for proposal in db.session.scalars(query.limit(500)).unique():
        distance = haversine_m(lat, lon, proposal.lat, proposal.lon)
        if distance <= DUPLICATE_RADIUS_M and similar_titles(title, proposal.title):
            found.append((distance, proposal))
    found.sort(key=lambda pair: pair[0])
    return [proposal for _distance, proposal in found[:10]]


# What lists and the API accept and show as a proposal's status: the workflow's keys and
# the author's "withdrawn".
PUBLIC_STATUSES = (*STATUS_KEYS, WITHDRAWN)


def status_label(status: str | None) -> str:
    """The public name of a proposal's status (a workflow key or ``withdrawn``)."""
    if status == WITHDRAWN:
        return _("Withdrawn")
    return workflow.status_label(status)


def status_options() -> dict[str, str]:
    """Status key → public name, in the workflow's order, for filters and tables."""
    options = {s.key: status_label(s.key) for s in workflow.statuses()}
    options[WITHDRAWN] = status_label(WITHDRAWN)
    return options


def all_for_district_url(district) -> str | None:
    """The map page filtered to the district, when the map page exists."""

    if "proposal_map.map_page" not in current_app.view_functions:
        return None
    return url_for("proposal_map.map_page", district=district.number)


# --- lists -----------------------------------------------------------------------------------


def latest_for_district(district_id: int, limit: int = 10) -> tuple[list[Proposal], int]:
    """The district's latest public proposals (withdrawn, hidden and pending ones left out)
    and how many there are."""
    where = (
        Proposal.district_id == district_id,
        Proposal.withdrawn_at.is_(None),
        Proposal.visible(),
    )
    rows = list(
        db.session.scalars(
            select(Proposal).where(*where).order_by(Proposal.id.desc()).limit(limit)
        ).unique()
    )
    total = db.session.scalar(select(func.count(Proposal.id)).where(*where))
    return rows, total


# --- text ------------------------------------------------------------------------------------

_URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def linkify(text: str) -> Markup:
    """Escape the plain text, then turn http(s) URLs into links (nofollow). Nothing else –
    ``javascript:`` and other schemes stay plain text."""
    escaped = str(escape(text or ""))
    out, last = [], 0
    for match in _URL_RE.finditer(escaped):
        url = match.group(0).rstrip(".,;:!?)")
        end = match.start() + len(url)
        out.append(escaped[last : match.start()])
        out.append(f'<a href="{url}" rel="nofollow noopener ugc">{url}</a>')
        last = end
    out.append(escaped[last:])
    return Markup("".join(out))  # noqa: S704 - built from escaped text only
