"""What the start page shows of what is happening: the newest proposals and needs (as cards)
and the city's latest public answers. A fixed number of queries, however much there is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import lazyload

from ..core.time import as_utc
from ..extensions import db
from ..needs import listing as need_listing
from ..needs.models import Need
from ..proposals import listing as proposal_listing
from ..proposals.models import Proposal
from ..responses import services as responses
from ..responses.models import OfficialResponse

NEWEST = 6  # cards of each kind
ANSWERS = 5

# The inputs whose answers the start page shows: types the public reads on their own pages.
# (Barrier reports are left out: their answers may speak of a person's situation.)
ANSWERED_TYPES = ("proposal", "need")


def newest_proposals(limit: int = NEWEST) -> list[proposal_listing.Row]:
    """The newest public proposals: one query."""
    return proposal_listing.latest(limit, with_total=False)[0]


def newest_needs(limit: int = NEWEST) -> list[need_listing.Row]:
    """The newest visible needs: one query."""
    return need_listing.find(need_listing.Filters(limit=limit), with_total=False)[0]


@dataclass(frozen=True)
class Answer:
    """A public answer for the start page: who answered what, when, its beginning."""

    response_id: int
    target_type: str
    target_id: int
    title: str
    signature: str
    excerpt: str
    at: datetime


def latest_answers(limit: int = ANSWERS) -> list[Answer]:
    """The latest published answers to visible proposals and needs, newest first: one query
    (the answer's office and council come with it; drafts are another table and never
    show). An answer to a proposal or need hidden by the moderation does not appear."""
    on_proposal = and_(
        OfficialResponse.target_type == "proposal", Proposal.id == OfficialResponse.target_id
    )
    on_need = and_(OfficialResponse.target_type == "need", Need.id == OfficialResponse.target_id)
    query = (
        select(OfficialResponse, Proposal.title, Need.title)
        .outerjoin(Proposal, on_proposal)
        .outerjoin(Need, on_need)
        .where(
            or_(
                and_(OfficialResponse.target_type == "proposal", Proposal.visible()),
                and_(OfficialResponse.target_type == "need", Need.visible()),
            )
        )
        .order_by(OfficialResponse.created_at.desc(), OfficialResponse.id.desc())
        .limit(limit)
        .options(lazyload(OfficialResponse.author))  # not shown: no query for its roles
    )
    found = []
    for response, proposal_title, need_title in db.session.execute(query).unique():
        found.append(
            Answer(
                response_id=response.id,
                target_type=response.target_type,
                target_id=response.target_id,
                title=proposal_title if response.target_type == "proposal" else need_title,
                signature=responses.signature(response),
                excerpt=responses.excerpt(response.body, 160),
                at=as_utc(response.created_at),
            )
        )
    return found


# --- "find your district" --------------------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def find_districts(query: str, entries: list) -> list:
    """The districts a typed name or number means: the one whose number or whole name it
    is, else those whose name contains it (case and hyphens do not matter). No query: the
    start page's district index (``entries``, cached per process) is searched."""
    typed = _folded(query)
    if not typed:
        return []
    if typed.isascii() and typed.isdigit():
        number = f"{int(typed):02d}" if len(typed) <= 2 else typed
        return [e for e in entries if e.number == number]
    exact = [e for e in entries if _folded(e.name) == typed]
    if exact:
        return exact
    return [e for e in entries if typed in _folded(e.name)]
