"""Proposals, comments and barrier reports as moderated types.

Registered here rather than in each domain: the rules for *whose* content a council moderates
(a comment belongs to the district of the commented item, a barrier report to its offer's
district, a report "only for the administration" to nobody but planners and admins) are
moderation rules. The registration runs when the moderation blueprint is registered on the
app (``bp.record_once`` in ``__init__``), i.e. after every model is imported, so no domain
module has to import this one. Needs register themselves in ``app.needs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from .registry import get_moderated, register_moderated

TITLE_EXCERPT = 80
_UNSET = object()


# --- proposals -------------------------------------------------------------------------------


def _proposal_published(proposal) -> None:
    from ..proposals.integration import notify_new

    notify_new(proposal, proposal.author)


def _register_proposal() -> None:
    from ..proposals.models import Proposal

    register_moderated(
        "proposal",
        model=Proposal,
        label=_l("Proposal"),
        district_id=lambda p: p.district_id,
        author_id=lambda p: p.author_id,
        title=lambda p: p.title,
        url=lambda p: url_for("proposals.show", proposal_id=p.id),
        on_published=_proposal_published,
    )


# --- barrier reports -------------------------------------------------------------------------


def _barrier_district(report) -> int | None:
    """The offer's district (where the barrier is); without a catalogue offer the district the
    person travels from. Reports only for the administration: nobody's but the planners'."""
    from ..barriers.models import VISIBILITY_PUBLIC

    if report.visibility != VISIBILITY_PUBLIC:
        return None
    if report.offer is not None:
        return report.offer.district_id
    return report.district_from_id


def _register_barrier_report() -> None:
    from ..barriers.models import VISIBILITY_PUBLIC, BarrierReport

    register_moderated(
        "barrier_report",
        model=BarrierReport,
        label=_l("Barrier report"),
        district_id=_barrier_district,
        author_id=lambda r: r.author_id,
        title=lambda r: r.offer.name if r.offer else (r.offer_text or ""),
        url=lambda r: url_for("barriers.report", report_id=r.id),
        is_public=lambda r: r.visibility == VISIBILITY_PUBLIC,
    )


# --- comments ----------------------------------------------------------------------------------
# A comment is moderated where the commented item is. The commented item is loaded through the
# moderated registry when its type is moderated (so a hidden proposal still has its district),
# else through the comment targets (e.g. districts).


def _load_targets(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    by_type: dict[str, set[int]] = {}
    for target_type, target_id in pairs:
        by_type.setdefault(target_type, set()).add(target_id)
    loaded: dict[tuple[str, int], Any] = {}
    for target_type, ids in by_type.items():
        entry = get_moderated(target_type)
        if entry is not None and target_type != "comment":
            found = entry.get_many(ids)
        else:
            from ..comments.targets import get_target

            target = get_target(target_type)
            found = target.get_many(ids) if target is not None else {}
        for target_id, obj in found.items():
            loaded[(target_type, target_id)] = obj
    return loaded


def _load_comments(ids: Iterable[int]) -> dict[int, Any]:
    from ..comments.models import Comment

    ids = list(ids)
    if not ids:
        return {}
    comments = list(db.session.scalars(select(Comment).where(Comment.id.in_(ids))))
    targets = _load_targets((c.target_type, c.target_id) for c in comments)
    for c in comments:
        c._moderation_target = targets.get((c.target_type, c.target_id))
    return {c.id: c for c in comments}


def _commented(comment) -> Any:
    target = getattr(comment, "_moderation_target", _UNSET)
    if target is _UNSET:
        target = _load_targets([(comment.target_type, comment.target_id)]).get(
            (comment.target_type, comment.target_id)
        )
        comment._moderation_target = target
    return target


def _describe(target_type: str):
    entry = get_moderated(target_type)
    if entry is not None:
        return entry.district_id, entry.title, entry.url
    from ..comments.targets import get_target

    target = get_target(target_type)
    if target is None:
        return None
    return target.district_id, target.title, target.url


def comment_district(comment) -> int | None:
    target, described = _commented(comment), _describe(comment.target_type)
    if target is None or described is None:
        return None
    return described[0](target)


def comment_title(comment) -> str:
    target, described = _commented(comment), _describe(comment.target_type)
    excerpt = " ".join((comment.body or "").split())
    if len(excerpt) > TITLE_EXCERPT:
        excerpt = excerpt[: TITLE_EXCERPT - 1] + "…"
    if target is None or described is None:
        return _("Comment: %(text)s", text=excerpt)
    return _("Comment on “%(title)s”: %(text)s", title=described[1](target), text=excerpt)


def comment_url(comment) -> str:
    target, described = _commented(comment), _describe(comment.target_type)
    if target is None or described is None:
        return url_for("moderation.item", target_type="comment", target_id=comment.id)
    return f"{described[2](target)}#comment-{comment.id}"


def notification_subject(target_type: str, obj) -> tuple[str, int]:
    """What a notification about ``obj`` points at: for a comment, the commented item."""
    if target_type == "comment":
        return obj.target_type, obj.target_id
    return target_type, obj.id


def _register_comment() -> None:
    from ..comments.models import Comment

    register_moderated(
        "comment",
        model=Comment,
        label=_l("Comment"),
        district_id=comment_district,
        author_id=lambda c: c.author_id,
        title=comment_title,
        url=comment_url,
        load_many=_load_comments,
        is_public=lambda c: c.deleted_at is None,
    )


def register() -> None:
    _register_proposal()
    _register_comment()
    _register_barrier_report()
