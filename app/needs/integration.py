"""Needs in other domains: the ``need`` content type (comments and follows, moderation,
indicator input, "my contributions", the account's data export); follower notifications
(:mod:`.notify`)."""

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
    PersonalData,
    Respondable,
    Tracked,
)
from ..extensions import db
from . import listing, services
from .models import Need, NeedSupport
from .notify import follow_own, notify_new, notify_status
from .services import council_label, status_label

DISTRICT_PAGE_NEEDS = 50  # the district page lists at most this many (link to the rest)

__all__ = ["follow_own", "notify_new", "notify_status", "register"]


def need_url(need_id: int) -> str:
    return url_for("needs.show", need_id=need_id)


# --- indicators ------------------------------------------------------------------------------


# The indicators' link form and per-1,000 figures.
QUERIES = InputQueries(Need, lambda: (Need.visible(),), need_url)


# --- my contributions, data export -------------------------------------------------------------


def _contributions(user) -> list:
    needs = db.session.scalars(
        select(Need).where(Need.author_id == user.id).order_by(Need.id.desc())
    ).unique()
    return [
        ContributionItem(
            title=n.title,
            url=need_url(n.id),
            date=n.created_at,
            note=_(
                "Posted for %(council)s. Status: %(status)s.",
                council=council_label(n.council),
                status=status_label(n.status),
            ),
        )
        for n in needs
    ]


def export_own(user) -> dict:
    """For the data export: the needs the person posted and the needs they support."""
    posted = db.session.execute(
        select(Need.id, Need.title, Need.author_role, Need.created_at)
        .where(Need.author_id == user.id)
        .order_by(Need.id)
    ).all()
    supported = db.session.scalars(
        select(NeedSupport.need_id).where(NeedSupport.user_id == user.id).order_by(NeedSupport.id)
    ).all()
    return {
        "posted": [
            {
                "id": nid,
                "title": title,
                "role": role,
                "created_at": created.isoformat() if created else None,
            }
            for nid, title, role, created in posted
        ],
        "supported": list(supported),
    }


def register() -> None:
    """Needs: commented on and followed, moderated, linked to indicators, in "my
    contributions" and in the account's data export."""
    search.register("need", Need, ("title", "description"))
    content_types.register(
        ContentType(
            "need",
            model=Need,
            label=_l("Need"),
            district_id=lambda need: need.district_id,
            author_id=lambda need: need.author_id,
            title=lambda need: need.title,
            url=lambda need: need_url(need.id),
            public=lambda: (Need.visible(),),
            can_comment=lambda user, need: need.is_visible and can_contribute(user),
            moderated=True,
            # answered officially (planners; the council's mayor): a closed workflow status
            # needs a public answer
            respondable=Respondable(district=lambda n: n.district, is_open=lambda n: n.is_visible),
            indicator=QUERIES.indicator("need", _l("Needs of the district councils")),
            contributions=Contributions(
                "needs", _l("Needs of the district councils"), _contributions, order=15
            ),
            # Needs are the council's public statements: they stay (as "deleted user") when
            # the account is deleted, like proposals; supports are counted anonymously.
            # Export only.
            personal_data=PersonalData("needs", export=export_own),
            tracked=Tracked(category_id=lambda need: need.category_id, supports=services.supports),
            supporter_ids=services.supports.user_ids,
        )
    )


def template_helpers() -> dict:
    """Helpers for templates (district page, proposal page); they query only when called."""
    return {
        "district_needs": lambda district: listing.page(
            listing.Filters(district=district.number), 1, DISTRICT_PAGE_NEEDS
        ),
        "proposal_needs": lambda proposal: services.needs_for_proposal(proposal.id),
        "need_priority_label": lambda p: services.PRIORITY_LABELS.get(p, p),
        "need_status_label": services.status_label,
        "need_council_label": services.council_label,
        "need_role_label": services.role_label,
    }
