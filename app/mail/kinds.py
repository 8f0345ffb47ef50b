"""What a notification mail is about, and which preference category governs it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.permissions import COUNCIL_ROLES, PLANNER

IMMEDIATELY = "immediately"
DAILY = "daily"
WEEKLY = "weekly"
NEVER = "never"
FREQUENCIES = (IMMEDIATELY, DAILY, WEEKLY, NEVER)
FREQUENCY_LABELS = {
    IMMEDIATELY: _l("Immediately"),
    DAILY: _l("Daily summary"),
    WEEKLY: _l("Weekly summary"),
    NEVER: _l("Never"),
}

# Categories a person chooses a frequency for. "own": answers, status changes and moderation
# decisions on one's own input (default: immediately); the rest default to the daily digest.
OWN = "own"
FOLLOWED = "followed"
DISTRICT = "district"
MODERATION = "moderation"
STAFF = "staff"
CATEGORIES = (OWN, FOLLOWED, DISTRICT, MODERATION, STAFF)
CATEGORY_LABELS = {
    OWN: _l("Answers, status changes and moderation decisions on my own contributions"),
    FOLLOWED: _l("News on things I follow"),
    DISTRICT: _l("New proposals and needs in districts I follow"),
    MODERATION: _l("Reports for moderation (council members and mayors)"),
    STAFF: _l(
        "Weekly overview of what is waiting for me "
        "(moderation queue, open items in the administration)"
    ),
}
DEFAULTS = {OWN: IMMEDIATELY, FOLLOWED: DAILY, DISTRICT: DAILY, MODERATION: DAILY, STAFF: WEEKLY}
ALLOWED = {STAFF: (WEEKLY, NEVER)}  # the staff overview is weekly or nothing
# who can choose the moderation mails and the weekly staff overview
MODERATION_ROLES = COUNCIL_ROLES
STAFF_ROLES = (*COUNCIL_ROLES, PLANNER)
# A digest's unsubscribe link switches off every category that goes into that digest.
DIGEST_DAILY = "digest:daily"
DIGEST_WEEKLY = "digest:weekly"
DIGEST_CATEGORIES = {DIGEST_DAILY: DAILY, DIGEST_WEEKLY: WEEKLY}

# Kinds that always concern the recipient's own input.
_OWN_KINDS = {
    "reply",
    "content_hidden",
    "content_restored",
    "content_approved",
    "measure_linked_proposal",  # the measure is about the recipient's own input
    "measure_linked_own",
}
_DISTRICT_KINDS = {"new_proposal", "new_need"}
_MODERATION_KINDS = {"content_flagged"}

KIND_TEXTS = {  # the same msgids as the in-app notification list
    "new_comment": _l("New comment"),
    "reply": _l("Reply to your comment"),
    "status_changed": _l("Status changed"),
    "new_proposal": _l("New proposal in a district you follow"),
    "affected_too": _l("Someone else is affected too"),
    "content_hidden": _l("Your contribution was hidden by the moderation"),
    "content_restored": _l("Your contribution is visible again"),
    "content_approved": _l("Your proposal has been approved and published"),
    "content_flagged": _l("New report in the moderation queue"),
    "official_response": _l("Official response"),
    "new_need": _l("New need in a district you follow"),
    "note_mention": _l("You were mentioned in an internal note"),
    "follow_original": _l(
        "An input you follow is a duplicate of this one; follow it here to stay informed"
    ),
    "measure_linked_proposal": _l("Your proposal is part of the measure"),
    "measure_linked_own": _l("Your contribution is part of the measure"),
    "measure_linked": _l("A contribution you support or follow is part of the measure"),
    "measure_updated": _l("New status or progress of the measure"),
}


def category_of(kind: str, *, own: bool) -> str:
    """``own``: the recipient wrote the item the notification is about."""
    if kind in _MODERATION_KINDS:
        return MODERATION
    if kind in _OWN_KINDS or own:
        return OWN
    if kind in _DISTRICT_KINDS:
        return DISTRICT
    return FOLLOWED


def allowed_frequencies(category: str) -> tuple[str, ...]:
    return ALLOWED.get(category, FREQUENCIES)


def categories_for(user) -> tuple[str, ...]:
    """The categories a person can set: the staff ones only for staff."""
    hidden = set()
    if not any(user.has_role(role) for role in MODERATION_ROLES):
        hidden.add(MODERATION)
    if not any(user.has_role(role) for role in STAFF_ROLES):
        hidden.add(STAFF)
    return tuple(c for c in CATEGORIES if c not in hidden)


STATUS_LABELS = {
    "queued": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "suppressed": _l("Not sent (unsubscribed or address refused)"),
    "held": _l("Waiting for a summary"),
    "digested": _l("Sent in a summary"),
}


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status
