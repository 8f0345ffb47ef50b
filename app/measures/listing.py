"""Reading measures for lists, the map, the API and the exports: one filtered query for the
measures and one batched query per part (districts, offices, target indicators, places,
links), whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Office
from ..districts.models import District
from ..extensions import db
from ..indicators.models import Indicator
from .models import (
    Measure,
    MeasureDistrict,
    MeasureIndicator,
    MeasureInput,
    MeasureOffice,
    MeasurePlace,
    MeasureStatus,
    Milestone,
)

MAX_ROWS = 1000


class FilterError(ValueError):
    """An unknown filter value; the message is translated."""


@dataclass
class Filters:
    district: str = ""  # number
    office: str = ""  # slug
    status: str = ""  # key
    indicator: str = ""  # code

    @classmethod
    def from_args(cls, args) -> Filters:
        found = cls(
            district=(args.get("district") or "").strip(),
            office=(args.get("office") or "").strip(),
            status=(args.get("status") or "").strip(),
            indicator=(args.get("indicator") or "").strip(),
        )
        found.validate()
        return found

    def validate(self) -> None:
        if self.district and not db.session.scalar(
            select(District.id).where(District.number == self.district)
        ):
            raise FilterError(_("Unknown district “%(value)s”.", value=self.district))
        if self.office and not db.session.scalar(
            select(Office.id).where(Office.slug == self.office)
        ):
            raise FilterError(_("Unknown office “%(value)s”.", value=self.office))
        if self.status and not db.session.scalar(
            select(MeasureStatus.id).where(MeasureStatus.key == self.status)
        ):
            raise FilterError(_("Unknown status “%(value)s”.", value=self.status))
        if self.indicator and not db.session.scalar(
            select(Indicator.id).where(Indicator.code == self.indicator)
        ):
            raise FilterError(_("Unknown indicator “%(value)s”.", value=self.indicator))

    def args(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}

    @property
    def active(self) -> bool:
        return bool(self.args())


@dataclass
class Row:
    """A measure with its parts, ready for a page, the API or an export."""

    measure: Measure
    districts: list[District] = field(default_factory=list)
    offices: list[Office] = field(default_factory=list)
    indicators: list[tuple[Indicator, str]] = field(default_factory=list)
    places: list[MeasurePlace] = field(default_factory=list)
    inputs: list[MeasureInput] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def input_refs(self) -> list[str]:
        return [f"{i.input_type}:{i.input_id}" for i in self.inputs]


def conditions(filters: Filters) -> list:
    where: list[Any] = []
    if filters.district:
        where.append(
            Measure.id.in_(
                select(MeasureDistrict.measure_id)
                .join(District, District.id == MeasureDistrict.district_id)
                .where(District.number == filters.district)
            )
        )
    if filters.office:
        where.append(
            Measure.id.in_(
                select(MeasureOffice.measure_id)
                .join(Office, Office.id == MeasureOffice.office_id)
                .where(Office.slug == filters.office)
            )
        )
    if filters.status:
        where.append(Measure.status.has(MeasureStatus.key == filters.status))
    if filters.indicator:
        where.append(
            Measure.id.in_(
                select(MeasureIndicator.measure_id)
                .join(Indicator, Indicator.id == MeasureIndicator.indicator_id)
                .where(Indicator.code == filters.indicator)
            )
        )
    return where


def find(filters: Filters | None = None, *, parts: Iterable[str] = ("all",)) -> list[Row]:
    """The measures under ``filters``, most recently updated first, with their parts."""
    filters = filters or Filters()
    measures = list(
        db.session.scalars(
            select(Measure)
            .where(*conditions(filters))
            .order_by(Measure.updated_at.desc(), Measure.id.desc())
            .limit(MAX_ROWS)
        )
    )
    return with_parts(measures, parts=parts)


def for_district(district_id: int) -> list[Row]:
    """The measures named for a district (district page and profile)."""
    measures = list(
        db.session.scalars(
            select(Measure)
            .where(
                Measure.id.in_(
                    select(MeasureDistrict.measure_id).where(
                        MeasureDistrict.district_id == district_id
                    )
                )
            )
            .order_by(Measure.updated_at.desc(), Measure.id.desc())
            .limit(100)
        )
    )
    return with_parts(measures, parts=("offices",))


def for_input(input_type: str, input_id: int) -> list[Measure]:
    """The measures an input is part of (for the input's page)."""
    return list(
        db.session.scalars(
            select(Measure)
            .join(MeasureInput, MeasureInput.measure_id == Measure.id)
            .where(MeasureInput.input_type == input_type, MeasureInput.input_id == input_id)
            .order_by(Measure.id)
        )
    )


def with_parts(measures: list[Measure], *, parts: Iterable[str] = ("all",)) -> list[Row]:
    """Rows with their parts: one query per part for all measures."""
    parts = set(parts)
    wanted = (lambda name: True) if "all" in parts else (lambda name: name in parts)
    rows = {m.id: Row(m) for m in measures}
    ids = list(rows)
    if not ids:
        return []
    if wanted("districts"):
        for mid, district in db.session.execute(
            select(MeasureDistrict.measure_id, District)
            .join(District, District.id == MeasureDistrict.district_id)
            .where(MeasureDistrict.measure_id.in_(ids))
            .order_by(District.number)
        ):
            rows[mid].districts.append(district)
    if wanted("offices"):
        for mid, office in db.session.execute(
            select(MeasureOffice.measure_id, Office)
            .join(Office, Office.id == MeasureOffice.office_id)
            .where(MeasureOffice.measure_id.in_(ids))
            .order_by(Office.name_de)
        ):
            rows[mid].offices.append(office)
    if wanted("indicators"):
        for mid, indicator, direction in db.session.execute(
            select(MeasureIndicator.measure_id, Indicator, MeasureIndicator.direction)
            .join(Indicator, Indicator.id == MeasureIndicator.indicator_id)
            .where(MeasureIndicator.measure_id.in_(ids))
            .order_by(Indicator.position, Indicator.code)
        ):
            rows[mid].indicators.append((indicator, direction))
    if wanted("places"):
        for place in db.session.scalars(
            select(MeasurePlace).where(MeasurePlace.measure_id.in_(ids)).order_by(MeasurePlace.id)
        ):
            rows[place.measure_id].places.append(place)
    if wanted("inputs"):
        for link in db.session.scalars(
            select(MeasureInput).where(MeasureInput.measure_id.in_(ids)).order_by(MeasureInput.id)
        ):
            rows[link.measure_id].inputs.append(link)
    if wanted("milestones"):
        for milestone in db.session.scalars(
            select(Milestone)
            .where(Milestone.measure_id.in_(ids))
            .order_by(Milestone.day, Milestone.title)
        ):
            rows[milestone.measure_id].milestones.append(milestone)
    return [rows[m.id] for m in measures]
