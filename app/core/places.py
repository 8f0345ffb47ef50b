"""Things placed in Erfurt (proposals, needs): the place value, its columns and its form fields.

A placed item stores plain ``lat``/``lon`` and a district FK (rule 4 of the architecture).
When the person did not pick a point on the map, the place is the district's label point and
``place_from_map`` is false – the map then shows the marker as "somewhere in the district".

Written once here and used by every placed domain: :class:`Place` and the helpers that make
one, :class:`PlacedMixin` (the columns, the district relationship and the lat/lon index) and
the form side (:func:`place_fields` and :class:`PlaceFormMixin`). This module knows no domain:
the district is whatever object the districts domain gives (``id``, ``number``, ``name``,
``label_lat``, ``label_lon``); the domains locate points and check their own rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from .forms import coordinate, options

ADDRESS_MAX = 200


# --- the value ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where an item is: a point and its district, a description in words, and whether the
    point was chosen on the map (else it is the district's label point)."""

    lat: float
    lon: float
    district: Any  # app.districts.models.District
    address: str = ""
    place_from_map: bool = True


def place_at_point(district, lat: float, lon: float, address: str = "") -> Place:
    """The place of a map point that lies in ``district`` (found by the districts domain)."""
    return Place(lat, lon, district, address, True)


def place_in_district(district, address: str = "") -> Place:
    """Without a map point the place is the district's label point."""
    return Place(district.label_lat, district.label_lon, district, address, False)


# --- the model ------------------------------------------------------------------------------


class PlacedMixin:
    """The place columns of a placed model, the eager district relationship and the index
    ``ix_<table>_lat_lon`` (for the bbox filter). A model adds its own table arguments in
    ``extra_table_args`` instead of ``__table_args__``."""

    extra_table_args: ClassVar[tuple] = ()

    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    place_from_map: Mapped[bool] = mapped_column(Boolean, default=True)

    @declared_attr
    def district(cls):  # noqa: N805 - SQLAlchemy passes the class
        return relationship("District", lazy="joined")

    @declared_attr.directive
    def __table_args__(cls) -> tuple:  # noqa: N805 - SQLAlchemy passes the class
        return (Index(f"ix_{cls.__tablename__}_lat_lon", "lat", "lon"), *cls.extra_table_args)

    @classmethod
    def in_bbox(cls, bbox: tuple[float, float, float, float]) -> list:
        """SQL conditions: inside ``(min_lon, min_lat, max_lon, max_lat)``."""
        min_lon, min_lat, max_lon, max_lat = bbox
        return [cls.lat >= min_lat, cls.lat <= max_lat, cls.lon >= min_lon, cls.lon <= max_lon]

    def set_place(self, place: Place) -> None:
        self.lat, self.lon = place.lat, place.lon
        self.district_id = place.district.id
        self.address = (place.address or "").strip()
        self.place_from_map = place.place_from_map


# --- the form -------------------------------------------------------------------------------


def place_fields(*, district_hint, address_hint) -> tuple:
    """The place fields ``lat, lon, district, address`` for a form class body::

        lat, lon, district, address = place_fields(district_hint=…, address_hint=…)

    Made where they are assigned, so they keep their position among the form's fields (the
    order of the fields and of the error summary). Use with :class:`PlaceFormMixin`."""
    lat = StringField(
        _l("Latitude"),
        description=_l("Click the map or enter decimal degrees, e.g. 50.9787"),
        render_kw={"type": "number", "step": "any", "inputmode": "decimal"},
        validators=[
            coordinate(-90, 90, _l("The latitude must be a number such as 50.9787."), optional=True)
        ],
    )
    lon = StringField(
        _l("Longitude"),
        description=_l("Decimal degrees, e.g. 11.0328"),
        render_kw={"type": "number", "step": "any", "inputmode": "decimal"},
        validators=[
            coordinate(
                -180, 180, _l("The longitude must be a number such as 11.0328."), optional=True
            )
        ],
    )
    district = SelectField(_l("District"), description=district_hint, validate_choice=False)
    address = StringField(
        _l("Place description (optional)"),
        description=address_hint,
        validators=[
            Optional(),
            Length(max=ADDRESS_MAX, message=_l("Please use at most 200 characters.")),
        ],
    )
    return lat, lon, district, address


class PlaceFormMixin:
    """Checks and readers for the fields of :func:`place_fields`: a point (both coordinates
    or neither) or a district from the choices."""

    # Without a point or a district: the district to use, if there is one (see needs).
    default_district = None

    def set_district_choices(self, districts, label=None) -> None:
        label = label or (lambda d: f"{d.number} {d.name}")
        self.district.choices = options(
            [("", _l("Please choose"))] + [(d.number, label(d)) for d in districts]
        )
        self._districts = {d.number: d for d in districts}

    def validate_district(self, field):
        if field.data and field.data not in self._districts:
            raise ValidationError(_l("Please choose a district from the list."))

    def validate_lon(self, field):
        lat_given = bool((self.lat.data or "").strip())
        lon_given = bool((field.data or "").strip())
        if lat_given != lon_given:
            raise ValidationError(_l("Please enter both latitude and longitude, or neither."))
        if not lat_given and not self.district.data and self.default_district is None:
            raise ValidationError(
                _l("Please mark the place on the map, enter coordinates or choose a district.")
            )

    @property
    def chosen_district(self):
        if not self.district.data:
            return self.default_district
        return self._districts.get(self.district.data)

    def point(self) -> tuple[float, float] | None:
        lat = getattr(self.lat, "number", None)
        lon = getattr(self.lon, "number", None)
        return (lat, lon) if lat is not None and lon is not None else None

    @staticmethod
    def place_data(item) -> dict:
        """The form values of an item's place (for the edit form)."""
        return {
            "lat": f"{item.lat:.6f}" if item.place_from_map else "",
            "lon": f"{item.lon:.6f}" if item.place_from_map else "",
            "district": "" if item.place_from_map else item.district.number,
            "address": item.address,
        }
