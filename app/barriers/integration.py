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

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

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
from ..moderation.visibility import contribution_note
from ..notifications import services as notifications
from . import services
from .models import VISIBILITY_PUBLIC, AffectedBarrier, AffectedPerson, BarrierReport, Offer


def _public():
    """Public reports that the moderation has not hidden (nor holds for review)."""
    return (BarrierReport.visibility == VISIBILITY_PUBLIC, BarrierReport.visible())


# The indicators' link form and per-1,000 figures.
QUERIES = InputQueries(
    BarrierReport,
    _public,
    lambda rid: url_for("barriers.report", report_id=rid),
    title=func.coalesce(Offer.name, BarrierReport.offer_text),
    district=BarrierReport.district_from_id,
    outerjoin=(Offer, BarrierReport.offer_id == Offer.id),
)


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


def _answer_district(report: BarrierReport):
    """In whose district an official answer is given: the barrier's (the offer's, else the
    district travelled from) for a public report, so its district mayor may answer; none
    for a report only for the administration (planners answer it, nobody else sees it)."""
    if report.visibility != VISIBILITY_PUBLIC:
        return None
    return report.offer.district if report.offer is not None else report.district_from


def _offer_point(report: BarrierReport) -> tuple[float, float] | None:
    offer = report.offer
    return (float(offer.lat), float(offer.lon)) if offer is not None else None


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
            # answered and closed in the back office like the other inputs; the answer is
            # shown on the report's page (whoever may see the report sees its answers)
            respondable=Respondable(district=_answer_district, is_open=lambda r: r.is_visible),
            indicator=QUERIES.indicator("barrier", _l("Access-barrier reports")),
            contributions=Contributions(
                "barriers", _l("Access-barrier reports"), _contributions, order=40
            ),
            personal_data=PersonalData(
                "barrier_reports", export=services.export_own, erase=_erase_personal_details
            ),
            # the barrier's place (its offer's) only for the back office: its inbox export is
            # internal (planners and admins, logged); no public list or export carries it
            tracked=Tracked(point=_offer_point),
            supporter_ids=_affected_user_ids,
        )
    )
