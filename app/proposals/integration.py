"""Proposals in other domains: comment/follow target, citizen input type for the indicators,
"my contributions", follower notifications."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select

from ..comments.targets import register_target
from ..extensions import db
from ..indicators.registry import register_input_type
from ..notifications import contributions
from ..notifications import services as notifications
from .models import STATUS_WITHDRAWN, Proposal


def _visible():
    """Public proposals: not withdrawn, not hidden or pending by the moderation."""
    return (Proposal.status != STATUS_WITHDRAWN, Proposal.visible())


def bulk_load(ids: Iterable[int]) -> dict[int, tuple[str, str, int | None]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.district_id).where(
            Proposal.id.in_(ids), *_visible()
        )
    ).all()
    return {
        pid: (title, url_for("proposals.show", proposal_id=pid), district_id)
        for pid, title, district_id in rows
    }


def load(proposal_id: int) -> tuple[str, str, int | None] | None:
    return bulk_load([proposal_id]).get(proposal_id)


def count(year: int | None) -> dict[int, int]:
    query = (
        select(Proposal.district_id, func.count(Proposal.id))
        .where(*_visible())
        .group_by(Proposal.district_id)
    )
    if year is not None:
        query = query.where(extract("year", Proposal.created_at) == year)
    return dict(db.session.execute(query).all())


def list_for_district(district_id: int) -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            select(Proposal.id, Proposal.title)
            .where(Proposal.district_id == district_id, *_visible())
            .order_by(Proposal.id.desc())
            .limit(200)
        ).all()
    )


def register() -> None:
    register_input_type(
        "proposal",
        _l("Proposals"),
        loader=load,
        counter=count,
        lister=list_for_district,
        bulk_loader=bulk_load,
    )


def _seen(proposal: Proposal | None) -> bool:
    """Hidden and pending proposals exist, as comment/follow/notification targets, only for
    their author and their moderators (everyone else gets "no longer available")."""
    from ..moderation.visibility import can_see, viewer

    return proposal is not None and can_see(viewer(), "proposal", proposal)


def _load_proposal(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    return proposal if _seen(proposal) else None


def _load_proposals(ids: Iterable[int]) -> dict[int, Proposal]:
    ids = list(ids)
    if not ids:
        return {}
    return {
        p.id: p
        for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids)))
        if _seen(p)
    }


def register_comment_target() -> bool:
    from ..core.permissions import can_contribute

    register_target(
        "proposal",
        load=_load_proposal,
        load_many=_load_proposals,
        district_id=lambda proposal: proposal.district_id,
        url=lambda proposal: url_for("proposals.show", proposal_id=proposal.id),
        title=lambda proposal: proposal.title,
        can_comment=lambda user, proposal: (
            proposal.status != STATUS_WITHDRAWN and proposal.is_visible and can_contribute(user)
        ),
    )
    return True


def _contributions(user) -> list:
    proposals = db.session.scalars(
        select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id.desc())
    )
    from ..moderation.visibility import contribution_note

    items = []
    for p in proposals:
        note = _("Withdrawn.") if p.status == STATUS_WITHDRAWN else _("You made this proposal.")
        moderation = contribution_note(p)
        items.append(
            contributions.Item(
                title=p.title,
                url=url_for("proposals.show", proposal_id=p.id),
                date=p.created_at,
                note=f"{note} {moderation}" if moderation else note,
            )
        )
    return items


def register_contributions() -> bool:
    contributions.register("proposals", _l("Proposals"), _contributions, order=10)
    return True


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
