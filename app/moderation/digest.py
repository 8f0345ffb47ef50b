"""The moderation queue as a section of the weekly staff digest (:mod:`app.mail.digests`):
reported items and proposals waiting for approval under pre-moderation, in the districts the
person moderates."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..core.permissions import COUNCIL_ROLES
from ..mail.digests import StaffSection
from . import services, visibility


def queue_items(user: Any) -> list[dict[str, Any]]:
    items = []
    for item in services.queue(user):
        text = visibility.state_label(item.state)
        if item.flag_count:
            text += ", " + ngettext("%(num)d report", "%(num)d reports", item.flag_count)
        items.append({"title": item.title, "url": item.url, "text": text})
    return items


SECTION = StaffSection(
    key="moderation_queue",
    title=_l("Your moderation queue"),
    roles=COUNCIL_ROLES,
    loader=queue_items,
)
