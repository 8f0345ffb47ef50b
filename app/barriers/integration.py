"""Barrier reports as a citizen input type for the indicators domain (district profile).

Only PUBLIC, not removed reports are counted, listed or loaded: their offer and district are
public anyway, so per-district counts reveal nothing that is not already visible. The district
is the one people travel FROM (where they live), which is what the district profile is about.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, select

from ..extensions import db
from .models import STATUS_REMOVED, VISIBILITY_PUBLIC, BarrierReport, Offer


def _public():
    return (
        BarrierReport.visibility == VISIBILITY_PUBLIC,
        BarrierReport.status != STATUS_REMOVED,
    )


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
    try:
        from ..indicators.registry import register_input_type
    except ImportError:  # pragma: no cover - without the indicators domain
        return
    register_input_type(
        "barrier",
        _l("Access-barrier reports"),
        loader=load,
        counter=count,
        lister=list_for_district,
        bulk_loader=bulk_load,
    )


# --- comments and follows (part A's domains, when they exist) -------------------------------


def _load_report(report_id: int):
    return db.session.get(BarrierReport, report_id)


def register_comment_target() -> bool:
    """Public barrier reports can be commented on like proposals."""
    try:
        from ..comments.targets import register_target
    except ImportError:  # the comments domain is not there (yet)
        return False
    from ..core.permissions import can_contribute

    register_target(
        "barrier_report",
        load=_load_report,
        district_id=lambda report: report.district_from_id,
        url=lambda report: url_for("barriers.report", report_id=report.id),
        title=lambda report: report.offer.name if report.offer else report.offer_text,
        can_comment=lambda user, report: report.is_public and can_contribute(user),
    )
    return True


def notify_status(report: BarrierReport, actor) -> None:
    """Tell a report's followers about a status change, when notifications exist."""
    try:
        from ..notifications import services as notifications
    except ImportError:
        return
    notify = getattr(notifications, "notify_followers", None)
    if notify is not None:
        notify("barrier_report", report.id, kind="status_changed", actor=actor)
