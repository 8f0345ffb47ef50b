"""Forms for needs. Lazy labels and messages; choices are set per request."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import (
    ConfirmForm,  # noqa: F401 - support, withdraw support
    options,
)
from ..core.i18n import localized
from ..core.places import PlaceFormMixin, place_fields
from ..workflow import services as workflow
from .models import DESCRIPTION_MAX, PRIORITIES, TITLE_MAX
from .services import PRIORITY_LABELS


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes (keyboard-usable, each with its label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NeedForm(PlaceFormMixin, FlaskForm):
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
    lat, lon, district, address = place_fields(
        district_hint=_l(
            "Without a point on the map: the district the need is for. A council with one "
            "district can leave this empty."
        ),
        address_hint=_l("E.g. “corner of Moskauer Straße and Warschauer Straße”."),
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
        self.priority.choices = options(
            [("", _l("Please choose"))] + [(p, PRIORITY_LABELS[p]) for p in PRIORITIES]
        )
        self.status.choices = options(workflow.status_choices())
        self._councils = {str(c.id): c for c in councils}
        self.council.choices = options([(str(c.id), c.name) for c in councils])
        if len(councils) > 1:
            self.council.choices = options([("", _l("Please choose"))] + self.council.choices)
        elif councils and not self.council.data:
            self.council.data = str(councils[0].id)
        self.category.choices = options(
            [("", _l("Please choose"))] + [(c.slug, localized(c, "name")) for c in categories]
        )
        self._categories = {c.slug: c for c in categories}
        council_of = {d.number: c for c in councils for d in c.districts}
        several = len(councils) > 1
        self.set_district_choices(
            [d for c in councils for d in c.districts],
            label=lambda d: (
                f"{d.number} {d.name} ({council_of[d.number].name})"
                if several
                else f"{d.number} {d.name}"
            ),
        )
        self.proposals.choices = options(
            [
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
        )

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
        if field.data and workflow.status_by_key(field.data) is None:
            raise ValidationError(_l("Please choose a status."))

    def validate_district(self, field):
        if not field.data:
            return
        district = self._districts.get(field.data)
        council = self._councils.get(self.council.data)
        if district is None or (council is not None and district.council_id != council.id):
            raise ValidationError(_l("Please choose a district of the chosen council."))

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
