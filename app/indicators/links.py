"""Links between citizen inputs (proposals, needs, barrier reports, … registered in
:mod:`.registry`) and indicators, per district.

Services flush, never commit; the route commits once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from ..core.audit import record
from ..districts.models import District
from ..extensions import db
from . import registry
from .catalogue import IndicatorError
from .models import Indicator, IndicatorLink


def links_for_district(district: District) -> dict[int, list[dict]]:
    """Linked inputs of the district by indicator id: dicts with link, title, url, kind label."""
    links = list(
        db.session.scalars(
            select(IndicatorLink)
            .where(IndicatorLink.district_id == district.id)
            .order_by(IndicatorLink.created_at, IndicatorLink.id)
        )
    )
    by_type: dict[str, list[int]] = defaultdict(list)
    for link in links:
        by_type[link.input_type].append(link.input_id)
    loaded: dict[tuple[str, int], registry.Loaded] = {}
    for kind, ids in by_type.items():
        input_type = registry.get_input_type(kind)
        if input_type is None:
            continue
        for input_id, item in input_type.load_many(ids).items():
            loaded[kind, input_id] = item
    result: dict[int, list[dict]] = defaultdict(list)
    for link in links:
        item = loaded.get((link.input_type, link.input_id))
        if item is None:
            continue
        input_type = registry.get_input_type(link.input_type)
        result[link.indicator_id].append(
            {
                "link": link,
                "title": item[0],
                "url": item[1],
                "label": input_type.label if input_type else link.input_type,
            }
        )
    return result


def create_link(actor: Any, indicator: Indicator, kind: str, input_id: int) -> IndicatorLink:
    input_type = registry.get_input_type(kind)
    if input_type is None:
        raise IndicatorError(str(_l("This kind of input cannot be linked.")))
    item = input_type.loader(input_id)
    if item is None:
        raise IndicatorError(str(_l("There is no such input.")))
    exists = db.session.scalar(
        select(IndicatorLink).where(
            IndicatorLink.indicator_id == indicator.id,
            IndicatorLink.input_type == kind,
            IndicatorLink.input_id == input_id,
        )
    )
    if exists is not None:
        raise IndicatorError(str(_l("This input is already linked to the indicator.")))
    link = IndicatorLink(
        indicator_id=indicator.id,
        input_type=kind,
        input_id=input_id,
        district_id=item[2],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(link)
    db.session.flush()
    record(
        actor,
        "indicators.linked",
        "indicator_link",
        link.id,
        after={"indicator": indicator.code, "input_type": kind, "input_id": input_id},
    )
    return link


def remove_link(actor: Any, link: IndicatorLink) -> None:
    before = {"indicator_id": link.indicator_id, "input_type": link.input_type}
    before["input_id"] = link.input_id
    link_id = link.id
    db.session.execute(delete(IndicatorLink).where(IndicatorLink.id == link_id))
    db.session.flush()
    record(actor, "indicators.unlinked", "indicator_link", link_id, before=before)
