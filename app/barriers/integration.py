"""Barrier reports as a citizen input type for the indicators domain (district profile).

Only PUBLIC reports not hidden by the moderation are counted, listed or loaded: their offer
and district are public anyway, so per-district counts reveal nothing that is not already
visible. The district is the one people travel FROM (where they live), which is what the
district profile is about.
"""

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
from .models import VISIBILITY_PUBLIC, BarrierReport, Offer


def _public():
    """Public reports that the moderation has not hidden (nor holds for review)."""
    return (BarrierReport.visibility == VISIBILITY_PUBLIC, BarrierReport.visible())


def _rows(where):
    return db.session.execute(
        select(
            BarrierReport.id,
            func.coalesce(Offer.name, BarrierReport.offer_text),
            BarrierReport.district_from_id,
        )
        .select_from(BarrierReport)
        .outerjoin(Offer, BarrierReport.offer_id == Offer.id)
        .where(*_public(), *where)
        .order_by(BarrierReport.id.desc())
    ).all()


def bulk_load(ids: Iterable[int]) -> dict[int, tuple[str, str, int | None]]:
    ids = list(ids)
    if not ids:
        return {}
    return {
        rid: (title, url_for("barriers.report", report_id=rid), district_id)
        for rid, title, district_id in _rows((BarrierReport.id.in_(ids),))
    }


def load(report_id: int) -> tuple[str, str, int | None] | None:
    return bulk_load([report_id]).get(report_id)


def count(year: int | None) -> dict[int, int]:
    query = (
        select(BarrierReport.district_from_id, func.count(BarrierReport.id))
        .where(*_public())
        .group_by(BarrierReport.district_from_id)
    )
    if year is not None:
        query = query.where(extract("year", BarrierReport.created_at) == year)
    return dict(db.session.execute(query).all())


def list_for_district(district_id: int) -> list[tuple[int, str]]:
    rows = _rows((BarrierReport.district_from_id == district_id,))
    return [(rid, title) for rid, title, _district in rows[:200]]


def register() -> None:
    register_input_type(
        "barrier",
        _l("Access-barrier reports"),
        loader=load,
        counter=count,
        lister=list_for_district,
        bulk_loader=bulk_load,
    )


# --- comments, follows, "my contributions" --------------------------------------------------


def _seen(report: BarrierReport | None) -> bool:
    """Only public reports can be commented on or followed: a private report's existence must
    not show through the follow or comment endpoints. A public report hidden by the moderation
    exists only for its author and its moderators (its comment thread, notifications)."""
    if report is None or report.visibility != VISIBILITY_PUBLIC:
        return False
    if report.is_visible:
        return True
    from ..moderation.visibility import can_see, viewer

    return can_see(viewer(), "barrier_report", report)


def _public_report(report_id: int):
    report = db.session.get(BarrierReport, report_id)
    return report if _seen(report) else None


def _public_reports(ids: Iterable[int]) -> dict[int, BarrierReport]:
    ids = list(ids)
    if not ids:
        return {}
    reports = db.session.scalars(
        select(BarrierReport).where(
            BarrierReport.id.in_(ids), BarrierReport.visibility == VISIBILITY_PUBLIC
        )
    ).unique()
    return {r.id: r for r in reports if _seen(r)}


def _title(report: BarrierReport) -> str:
    return report.offer.name if report.offer else (report.offer_text or "")


def register_comment_target() -> bool:
    """Public barrier reports can be commented on and followed like proposals."""
    from ..core.permissions import can_contribute

    register_target(
        "barrier_report",
        load=_public_report,
        load_many=_public_reports,
        district_id=lambda report: report.district_from_id,
        url=lambda report: url_for("barriers.report", report_id=report.id),
        title=_title,
        can_comment=lambda user, report: (
            report.is_public and report.is_visible and can_contribute(user)
        ),
    )
    return True


def _contributions(user) -> list:
    from ..moderation.visibility import contribution_note
    from . import services

    items = []
    for report in services.own_reports(user):
        if report.author_id == user.id:
            note = _("You reported this barrier.")
        else:
            note = _("You said: this affects me too.")
        if report.visibility != VISIBILITY_PUBLIC:
            note += " " + _("Not public.")
        elif report.author_id == user.id:
            moderation = contribution_note(report)
            if moderation:
                note += " " + moderation
        items.append(
            contributions.Item(
                title=_title(report),
                url=url_for("barriers.report", report_id=report.id),
                date=report.created_at,
                note=note,
            )
        )
    return items


def register_contributions() -> bool:
    contributions.register("barriers", _l("Access-barrier reports"), _contributions, order=40)
    return True


def follow_own(user, report: BarrierReport) -> None:
    """The reporter follows their own public report."""
    if report.is_public:
        notifications.follow(user, "barrier_report", report.id)


def notify_affected(report: BarrierReport, user) -> None:
    """Tell followers that one more person is affected – without naming that person (who is
    affected by what is a personal detail), so no actor is stored. Only from the threshold
    on: below it the report shows "fewer than N", and counting notifications must not reveal
    the exact number."""
    from .services import min_cell

    if report.is_public and report.is_visible and report.affected_count >= min_cell():
        notifications.notify_followers(
            "barrier_report", report.id, kind="affected_too", exclude_user_ids=[user.id]
        )


# --- the person's own data (account export and deletion) ------------------------------------


def _erase_personal_details(user) -> None:
    """On account deletion: the person's details (relation, age group, benefits, barrier
    types) go; the public description of a report stays, shown as from a deleted user."""
    from sqlalchemy import delete, select

    from .models import AffectedBarrier, AffectedPerson

    mine = select(AffectedPerson.id).where(AffectedPerson.user_id == user.id)
    db.session.execute(delete(AffectedBarrier).where(AffectedBarrier.affected_id.in_(mine)))
    db.session.execute(delete(AffectedPerson).where(AffectedPerson.user_id == user.id))


def register_personal_data() -> None:
    from ..accounts.services import register_personal_data as register
    from .services import export_own

    register("barrier_reports", export=export_own, erase=_erase_personal_details)
