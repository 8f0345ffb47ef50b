"""Measures in other domains: the ``measure`` content type (comments and follows, official
updates, notifications) and the template helpers the district, profile and proposal pages
include."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..core import content_types
from ..core.content_types import ContentType, Respondable
from ..notifications import services as notifications
from . import listing, services
from .models import Measure
from .permissions import can_comment_measure


def register() -> None:
    """Measures: commented on and followed, official updates by planners (a measure is the
    administration's, answered for by its offices: no district council moderates it)."""
    content_types.register(
        ContentType(
            "measure",
            model=Measure,
            label=_l("Measure"),
            title=lambda m: m.title,
            url=lambda m: url_for("measures.show", measure_id=m.id),
            public=lambda: (),
            can_comment=can_comment_measure,
            respondable=Respondable(district=lambda m: None, is_open=lambda m: True),
        )
    )
    notifications.register_details(services.mail_details)  # status and progress in mails


def template_helpers() -> dict:
    """Helpers for templates; they query only when a template calls them."""
    return {
        "district_measures": lambda district: listing.for_district(district.id),
        "input_measures": listing.for_input,
    }
