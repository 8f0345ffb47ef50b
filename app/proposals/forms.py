"""Forms for proposals. Lazy labels and messages; choices are set per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.forms import coordinate
from .models import ADDRESS_MAX, DESCRIPTION_MAX, TITLE_MAX


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"),
        description=_l("A short name for your proposal, at most 120 characters."),
        validators=[
            DataRequired(message=_l("Please enter a title.")),
            Length(max=TITLE_MAX, message=_l("Please use at most 120 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l(
            "What should change, and why? Public text, at most 5,000 characters. "
            "Please do not write names or health details."
        ),
        render_kw={"rows": 8},
        validators=[
            DataRequired(message=_l("Please describe your proposal.")),
            Length(max=DESCRIPTION_MAX, message=_l("Please use at most 5,000 characters.")),
        ],
    )
    category = SelectField(_l("Category"), validate_choice=False)
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
    district = SelectField(
        _l("District"),
        description=_l("Without a point on the map: choose the district."),
        validate_choice=False,
    )
    address = StringField(
        _l("Place description (optional)"),
        description=_l("E.g. “corner of Magdeburger Allee and Salinenstraße”."),
        validators=[
            Optional(),
            Length(max=ADDRESS_MAX, message=_l("Please use at most 200 characters.")),
        ],
    )
    photo = FileField(
        _l("Photo (optional)"),
        description=_l(
            "JPEG, PNG or WebP, at most 8 MB. Location and camera data are removed. "
            "Please do not show faces or number plates."
        ),
    )
    photo_name = HiddenField()
    confirm = HiddenField()

    def set_choices(self, categories, districts):
        self.category.choices = [("", _l("Please choose"))] + [
            (c.slug, c.name_de) for c in categories
        ]
        self._categories = {c.slug: c for c in categories}
        self.district.choices = [("", _l("Please choose"))] + [
            (d.number, f"{d.number} {d.name}") for d in districts
        ]
        self._districts = {d.number: d for d in districts}

    def validate_category(self, field):
        if field.data not in self._categories:
            raise ValidationError(_l("Please choose a category."))

    def validate_district(self, field):
        if field.data and field.data not in self._districts:
            raise ValidationError(_l("Please choose a district from the list."))

    def validate_lon(self, field):
        lat_given = bool((self.lat.data or "").strip())
        lon_given = bool((field.data or "").strip())
        if lat_given != lon_given:
            raise ValidationError(_l("Please enter both latitude and longitude, or neither."))
        if not lat_given and not self.district.data:
            raise ValidationError(
                _l("Please mark the place on the map, enter coordinates or choose a district.")
            )

    @property
    def chosen_category(self):
        return self._categories.get(self.category.data)

    @property
    def chosen_district(self):
        return self._districts.get(self.district.data)

    def point(self) -> tuple[float, float] | None:
        lat = getattr(self.lat, "number", None)
        lon = getattr(self.lon, "number", None)
        return (lat, lon) if lat is not None and lon is not None else None


class ConfirmForm(FlaskForm):
    """An empty form: CSRF only (support, withdraw)."""
