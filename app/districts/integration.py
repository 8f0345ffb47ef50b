"""Districts in other domains: the ``district`` content type (followed for what is new in it;
it takes no comments)."""

from __future__ import annotations

from flask import url_for

from ..core import content_types
from ..core.content_types import ContentType
from .models import District


def register() -> None:
    content_types.register(
        ContentType(
            "district",
            model=District,
            label=None,
            district_id=lambda district: district.id,
            title=lambda district: district.name,
            url=lambda district: url_for("districts.show", number=district.number),
            can_comment=lambda user, district: False,
        )
    )
