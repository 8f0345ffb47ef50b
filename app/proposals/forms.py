"""Forms for proposals. Lazy labels and messages; choices are set per request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..core.forms import (
    ConfirmForm,  # noqa: F401 - support, withdraw
    options,
)
from ..core.i18n import localized
from ..core.places import PlaceFormMixin, place_fields
from .models import DESCRIPTION_MAX, TITLE_MAX


class ProposalForm(PlaceFormMixin, FlaskForm):
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
    lat, lon, district, address = place_fields(
        district_hint=_l("Without a point on the map: choose the district."),
        address_hint=_l("E.g. “corner of Magdeburger Allee and Salinenstraße”."),
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
        self.category.choices = options(
            [("", _l("Please choose"))] + [(c.slug, localized(c, "name")) for c in categories]
        )
        self._categories = {c.slug: c for c in categories}
        self.set_district_choices(districts)

    def validate_category(self, field):
        if field.data not in self._categories:
            raise ValidationError(_l("Please choose a category."))

    @property
    def chosen_category(self):
        return self._categories.get(self.category.data)
