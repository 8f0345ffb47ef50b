"""Proposals in other domains: the ``proposal`` content type (comments and follows,
moderation, official responses, indicator input, "my contributions"), follower
notifications."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..accounts.permissions import can_contribute
from ..core import content_types, search
from ..core.content_types import (
    ContentType,
    ContributionItem,
    Contributions,
    InputQueries,
    Respondable,
    Tracked,
)
from ..extensions import db
from ..moderation.visibility import contribution_note
from ..notifications import services as notifications
from . import listing
from .models import Proposal
from .services import all_for_district_url, status_label, supports


def _visible():
    """Public proposals: not withdrawn, not hidden or pending by the moderation."""
    return (Proposal.public(),)


# The indicators' link form and per-1,000 figures.
QUERIES = InputQueries(Proposal, _visible, lambda pid: url_for("proposals.show", proposal_id=pid))


def _contributions(user) -> list:
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id.desc())
    )
    items = []
    for p in proposals:
        note = _("Withdrawn.") if p.is_withdrawn else _("You made this proposal.")
        moderation = contribution_note(p)
        items.append(
            ContributionItem(
                title=p.title,
                url=url_for("proposals.show", proposal_id=p.id),
                date=p.created_at,
                note=f"{note} {moderation}" if moderation else note,
            )
        )
    return items


def _can_comment(user, proposal: Proposal) -> bool:
    return not proposal.is_withdrawn and proposal.is_visible and can_contribute(user)


def register() -> None:
    """Proposals: commented on and followed, moderated, answered officially, linked to
    indicators, listed in "my contributions"."""
    search.register("proposal", Proposal, ("title", "description"))
    content_types.register(
        ContentType(
            "proposal",
            model=Proposal,
            label=_l("Proposal"),
            district_id=lambda p: p.district_id,
            author_id=lambda p: p.author_id,
            title=lambda p: p.title,
            url=lambda p: url_for("proposals.show", proposal_id=p.id),
            public=_visible,
            can_comment=_can_comment,
            moderated=True,
            # pre-moderation approved it: tell the district's followers, as on creation
            on_published=lambda p: notify_new(p, p.author),
            respondable=Respondable(district=lambda p: p.district, is_open=lambda p: p.is_visible),
            indicator=QUERIES.indicator("proposal", _l("Proposals")),
            contributions=Contributions("proposals", _l("Proposals"), _contributions, order=10),
            tracked=Tracked(category_id=lambda p: p.category_id, supports=supports),
            supporter_ids=supports.user_ids,
        )
    )


def follow_own(user, proposal: Proposal) -> None:
    notifications.follow(user, "proposal", proposal.id)


def notify_status(proposal: Proposal, actor) -> None:
    notifications.notify_followers("proposal", proposal.id, kind="status_changed", actor=actor)


def notify_new(proposal: Proposal, actor) -> None:
    """Tell the followers of the proposal's district about it."""
    notifications.notify_followers(
        "district",
        proposal.district_id,
        kind="new_proposal",
        actor=actor,
        about=("proposal", proposal.id),
    )


def template_helpers() -> dict:
    """Helpers for templates; they query only when a template calls them."""
    return {
        "district_proposals": lambda district: listing.for_district(district.id),
        "proposals_all_url": all_for_district_url,
        "status_label": status_label,
    }
