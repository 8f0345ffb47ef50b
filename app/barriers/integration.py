"""Barrier reports in other domains: the ``barrier_report`` content type (comments and
follows, moderation, indicator input, "my contributions", the person's own data); follower
notifications.

As an indicator input (district profile):
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
from sqlalchemy import delete, extract, func, select

from ..accounts.permissions import can_contribute
from ..core import content_types, search
from ..core.content_types import (
    ContentType,
    ContributionItem,
    Contributions,
    IndicatorInput,
    PersonalData,
    Tracked,
)
from ..extensions import db
from ..moderation.visibility import contribution_note
from ..notifications import services as notifications
from . import services
from .models import VISIBILITY_PUBLIC, AffectedBarrier, AffectedPerson, BarrierReport, Offer


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


# --- comments, follows, "my contributions" --------------------------------------------------


def _title(report: BarrierReport) -> str:
    return report.offer.name if report.offer else (report.offer_text or "")


def _moderation_district(report: BarrierReport) -> int | None:
    """The offer's district (where the barrier is); without a catalogue offer the district the
    person travels from. Reports only for the administration: nobody's but the planners'."""
    if report.visibility != VISIBILITY_PUBLIC:
        return None
    if report.offer is not None:
        return report.offer.district_id
    return report.district_from_id


def _contributions(user) -> list:
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
            ContributionItem(
                title=_title(report),
                url=url_for("barriers.report", report_id=report.id),
                date=report.created_at,
                note=note,
            )
        )
    return items


def follow_own(user, report: BarrierReport) -> None:
    """The reporter follows their own public report."""
    if report.is_public:
        notifications.follow(user, "barrier_report", report.id)


def notify_affected(report: BarrierReport, user) -> None:
    """Tell followers that one more person is affected – without naming that person (who is
    affected by what is a personal detail), so no actor is stored. Only from the threshold
    on: below it the report shows "fewer than N", and counting notifications must not reveal
    the exact number."""
    if report.is_public and report.is_visible and report.affected_count >= services.min_cell():
        notifications.notify_followers(
            "barrier_report", report.id, kind="affected_too", exclude_user_ids=[user.id]
        )


# --- the person's own data (account export and deletion) ------------------------------------


def _erase_personal_details(user) -> None:
    """On account deletion: the person's details (relation, age group, benefits, barrier
    types) go; the public description of a report stays, shown as from a deleted user."""
    mine = select(AffectedPerson.id).where(AffectedPerson.user_id == user.id)
    db.session.execute(delete(AffectedBarrier).where(AffectedBarrier.affected_id.in_(mine)))
    db.session.execute(delete(AffectedPerson).where(AffectedPerson.user_id == user.id))


def _affected_user_ids(report_ids) -> dict[int, set[int]]:
    """The people a report affects (its reporter and those affected too), by report id."""
    ids = sorted(set(report_ids))
    found: dict[int, set[int]] = {}
    if ids:
        rows = db.session.execute(
            select(AffectedPerson.report_id, AffectedPerson.user_id).where(
                AffectedPerson.report_id.in_(ids), AffectedPerson.user_id.is_not(None)
            )
        )
        for report_id, user_id in rows:
            found.setdefault(report_id, set()).add(user_id)
    return found


def register() -> None:
    """Barrier reports: public ones commented on and followed, moderated, linked to
    indicators; "my contributions" and the person's own data."""
    # ids only: the text is partly private, callers decide who sees which report
    search.register("barrier", BarrierReport, ("offer_text", "text"))
    content_types.register(
        ContentType(
            "barrier_report",
            model=BarrierReport,
            label=_l("Barrier report"),
            district_id=_moderation_district,
            author_id=lambda r: r.author_id,
            title=_title,
            url=lambda r: url_for("barriers.report", report_id=r.id),
            public=_public,
            # only public reports exist for others: a private report's existence must not
            # show through the follow or comment endpoints
            is_public=lambda r: r.visibility == VISIBILITY_PUBLIC,
            can_comment=lambda user, report: (
                report.is_public and report.is_visible and can_contribute(user)
            ),
            moderated=True,
            indicator=IndicatorInput(
                "barrier",
                _l("Access-barrier reports"),
                loader=load,
                counter=count,
                lister=list_for_district,
                bulk_loader=bulk_load,
            ),
            contributions=Contributions(
                "barriers", _l("Access-barrier reports"), _contributions, order=40
            ),
            personal_data=PersonalData(
                "barrier_reports", export=services.export_own, erase=_erase_personal_details
            ),
            tracked=Tracked(),
            supporter_ids=_affected_user_ids,
        )
    )
