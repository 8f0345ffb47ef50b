"""Forms for needs. Lazy labels and messages; choices are set per request."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import coordinate
from ..core.i18n import localized
from .models import ADDRESS_MAX, DESCRIPTION_MAX, PRIORITIES, STATUSES, TITLE_MAX
from .services import PRIORITY_LABELS, STATUS_LABELS


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (keyboard-usable, each with its label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NeedForm(FlaskForm):
    council = SelectField(
        _l("District council"),
        description=_l("You belong to several district councils: for which one do you post?"),
        validate_choice=False,
    )
    title = StringField(
        _l("Title"),
        description=_l("A short name for the need, at most 120 characters."),
        validators=[
            DataRequired(message=_l("Please enter a title.")),
            Length(max=TITLE_MAX, message=_l("Please use at most 120 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l(
            "What is needed, for whom, and why? Public text, at most 5,000 characters. "
            "Please do not write names or health details."
        ),
        render_kw={"rows": 8},
        validators=[
            DataRequired(message=_l("Please describe the need.")),
            Length(max=DESCRIPTION_MAX, message=_l("Please use at most 5,000 characters.")),
        ],
    )
    category = SelectField(_l("Category"), validate_choice=False)
    priority = SelectField(
        _l("Priority"),
        description=_l("How urgent is the need for the district council?"),
        default="medium",
        validate_choice=False,
    )
    status = SelectField(
        _l("Status"),
        validate_choice=False,
    )
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
        description=_l(
            "Without a point on the map: the district the need is for. A council with one "
            "district can leave this empty."
        ),
        validate_choice=False,
    )
    address = StringField(
        _l("Place description (optional)"),
        description=_l("E.g. “corner of Moskauer Straße and Warschauer Straße”."),
        validators=[
            Optional(),
            Length(max=ADDRESS_MAX, message=_l("Please use at most 200 characters.")),
        ],
    )
    proposals = CheckboxListField(
        _l("Citizens' proposals that express the same need (optional)"),
        description=_l(
            "Public proposals in the districts of your council, newest first. They are linked "
            "on the need's page, and the need is shown on theirs."
        ),
        validate_choice=False,
    )

    def set_choices(self, councils, categories, proposals):
        """``councils``: the person's councils (or the need's one when editing);
        ``proposals``: ``[(id, title, district name, council id)]``."""
        self.priority.choices = [("", _l("Please choose"))] + [
            (p, PRIORITY_LABELS[p]) for p in PRIORITIES
        ]
        self.status.choices = [(s, STATUS_LABELS[s]) for s in STATUSES]
        self._councils = {str(c.id): c for c in councils}
        self.council.choices = [(str(c.id), c.name) for c in councils]
        if len(councils) > 1:
            self.council.choices = [("", _l("Please choose"))] + self.council.choices
        elif councils and not self.council.data:
            self.council.data = str(councils[0].id)
        self.category.choices = [("", _l("Please choose"))] + [
            (c.slug, localized(c, "name")) for c in categories
        ]
        self._categories = {c.slug: c for c in categories}
        self._districts = {d.number: d for c in councils for d in c.districts}
        several = len(councils) > 1
        self.district.choices = [("", _l("Please choose"))] + [
            (
                d.number,
                f"{d.number} {d.name} ({c.name})" if several else f"{d.number} {d.name}",
            )
            for c in councils
            for d in c.districts
        ]
        self.proposals.choices = [
            (
                str(pid),
                _(
                    "%(title)s (no. %(number)d, %(district)s)",
                    title=title,
                    number=pid,
                    district=district,
                ),
            )
            for pid, title, district, _council in proposals
        ]

    def validate_council(self, field):
        if field.data not in self._councils:
            raise ValidationError(_l("Please choose a district council from the list."))

    def validate_category(self, field):
        if field.data not in self._categories:
            raise ValidationError(_l("Please choose a category."))

    def validate_priority(self, field):
        if field.data not in PRIORITIES:
            raise ValidationError(_l("Please choose a priority."))

    def validate_status(self, field):
        if field.data and field.data not in STATUSES:
            raise ValidationError(_l("Please choose a status."))

    def validate_district(self, field):
        if not field.data:
            return
        district = self._districts.get(field.data)
        council = self._councils.get(self.council.data)
        if district is None or (council is not None and district.council_id != council.id):
            raise ValidationError(_l("Please choose a district of the chosen council."))

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
    def chosen_council(self):
        return self._councils.get(self.council.data)

    @property
    def chosen_category(self):
        return self._categories.get(self.category.data)

    @property
    def default_district(self):
        """Without a point or a district: the council's district if it has only one."""
        council = self._councils.get(self.council.data)
        if council is not None and len(council.districts) == 1:
            return council.districts[0]
        return None

    @property
    def chosen_district(self):
        if not self.district.data:
            return self.default_district
        return self._districts.get(self.district.data)

    def point(self) -> tuple[float, float] | None:
        lat = getattr(self.lat, "number", None)
        lon = getattr(self.lon, "number", None)
        return (lat, lon) if lat is not None and lon is not None else None


class ConfirmForm(FlaskForm):
    """An empty form: CSRF only (support, withdraw support)."""
