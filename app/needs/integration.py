"""Needs in other domains: comment/follow target, moderated type, input type for the
indicators, "my contributions", the account's data export, follower notifications."""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select

from ..accounts.services import register_personal_data as register_personal_data_export
from ..comments.targets import register_target
from ..extensions import db
from ..indicators.registry import register_input_type as register_indicator_input
from ..moderation.registry import register_moderated as register_moderated_type
from ..notifications import contributions
from ..notifications import services as notifications
from .models import Need, NeedSupport


def need_url(need_id: int) -> str:
    return url_for("needs.show", need_id=need_id)


# --- indicators ------------------------------------------------------------------------------


def bulk_load(ids: Iterable[int]) -> dict[int, tuple[str, str, int | None]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Need.id, Need.title, Need.district_id).where(Need.id.in_(ids), Need.visible())
    ).all()
    return {nid: (title, need_url(nid), district_id) for nid, title, district_id in rows}


def load(need_id: int) -> tuple[str, str, int | None] | None:
    return bulk_load([need_id]).get(need_id)


def count(year: int | None) -> dict[int, int]:
    query = (
        select(Need.district_id, func.count(Need.id))
        .where(Need.visible())
        .group_by(Need.district_id)
    )
    if year is not None:
        query = query.where(extract("year", Need.created_at) == year)
    return dict(db.session.execute(query).all())


def list_for_district(district_id: int) -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            select(Need.id, Need.title)
            .where(Need.district_id == district_id, Need.visible())
            .order_by(Need.id.desc())
            .limit(200)
        ).all()
    )


def register_input_type() -> bool:
    register_indicator_input(
        "need",
        _l("Needs of the district councils"),
        loader=load,
        counter=count,
        lister=list_for_district,
        bulk_loader=bulk_load,
    )
    return True


# --- comments and follows --------------------------------------------------------------------


def _load_need(need_id: int):
    return db.session.get(Need, need_id)


def _load_needs(ids: Iterable[int]) -> dict[int, Need]:
    ids = list(ids)
    if not ids:
        return {}
    return {n.id: n for n in db.session.scalars(select(Need).where(Need.id.in_(ids))).unique()}


def register_comment_target() -> bool:
    from ..core.permissions import can_contribute

    register_target(
        "need",
        load=_load_need,
        load_many=_load_needs,
        district_id=lambda need: need.district_id,
        url=lambda need: need_url(need.id),
        title=lambda need: need.title,
        can_comment=lambda user, need: need.is_visible and can_contribute(user),
    )
    return True


# --- moderation ------------------------------------------------------------------------------


def register_moderated() -> bool:
    register_moderated_type(
        "need",
        model=Need,
        label=_l("Need"),
        district_id=lambda need: need.district_id,
        author_id=lambda need: need.author_id,
        title=lambda need: need.title,
        url=lambda need: need_url(need.id),
    )
    return True


# --- my contributions, data export -------------------------------------------------------------


def _contributions(user) -> list:
    from .services import STATUS_LABELS, council_label

    needs = db.session.scalars(
        select(Need).where(Need.author_id == user.id).order_by(Need.id.desc())
    ).unique()
    return [
        contributions.Item(
            title=n.title,
            url=need_url(n.id),
            date=n.created_at,
            note=_(
                "Posted for %(council)s. Status: %(status)s.",
                council=council_label(n.council),
                status=STATUS_LABELS.get(n.status, n.status),
            ),
        )
        for n in needs
    ]


def register_contributions() -> bool:
    contributions.register("needs", _l("Needs of the district councils"), _contributions, order=15)
    return True


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


def register_personal_data() -> bool:
    # Needs are the council's public statements: they stay (as "deleted user") when the
    # account is deleted, like proposals; supports are counted anonymously. Export only.
    register_personal_data_export("needs", export=export_own)
    return True


# --- notifications ---------------------------------------------------------------------------


def follow_own(user, need: Need) -> None:
    notifications.follow(user, "need", need.id)


def notify_new(need: Need, actor) -> None:
    """Tell the followers of the need's district about it."""
    notifications.notify_followers(
        "district", need.district_id, kind="new_need", actor=actor, about=("need", need.id)
    )


def notify_status(need: Need, actor) -> None:
    notifications.notify_followers("need", need.id, kind="status_changed", actor=actor)


def register_all() -> None:
    register_input_type()
    register_comment_target()
    register_moderated()
    register_contributions()
    register_personal_data()
