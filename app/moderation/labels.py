"""The moderation reasons and states in words: one list for hiding, reporting and display."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import HIDDEN, PENDING_APPROVAL, PENDING_REVIEW, REASONS, VISIBLE

REASON_LABELS = {
    "insult": _l("Insult"),
    "personal_data": _l("Personal data"),
    "advertising": _l("Advertising"),
    "off_topic": _l("Off-topic"),
    "duplicate": _l("Duplicate"),
    "other": _l("Other"),
}
assert set(REASON_LABELS) == set(REASONS)

STATE_LABELS = {
    VISIBLE: _l("Visible"),
    HIDDEN: _l("Hidden by the moderation"),
    PENDING_REVIEW: _l("Hidden until a moderator has reviewed it"),
    PENDING_APPROVAL: _l("Waiting for approval"),
}
