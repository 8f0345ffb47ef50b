"""Forms for offers, barrier reports and "affects me too". Lazy labels and messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import coordinate, name_fields, options
from ..core.numbers import WholeNumberField
from .models import AFFECTED, AGE_GROUPS, BENEFITS, VISIBILITIES
from .services import AFFECTED_LABELS, AGE_LABELS, BENEFIT_LABELS, MAX_TEXT, barrier_choices


def _one_of(allowed, message):
    def check(form, field):
        if field.data not in allowed:
            raise ValidationError(message)

    return check


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AffectedDetailsForm(FlaskForm):
    """The personal part: barriers, who is affected, age group, benefits.

    The barrier types offered are the active ones (data); ``keep`` adds the codes a person
    chose before their type was switched off, so that changing one's details keeps them."""

    barrier_types = MultiCheckboxField(
        _l("Which barriers?"),
        description=_l("Choose one or more."),
        choices=[],
        validate_choice=False,
    )
    affected = RadioField(
        _l("Who is affected?"),
        choices=options([(code, AFFECTED_LABELS[code]) for code in AFFECTED]),
        validate_choice=False,
    )
    age_group = SelectField(
        _l("Age group of the affected person"),
        choices=options(
            [("", _l("Please choose"))] + [(code, AGE_LABELS[code]) for code in AGE_GROUPS]
        ),
        validate_choice=False,
    )
    participation_benefits = RadioField(
        _l("Does the affected person receive participation benefits?"),
        description=_l("For example the Bildungs- und Teilhabepaket. You do not have to say."),
        choices=options([(code, BENEFIT_LABELS[code]) for code in ("not_stated", "yes", "no")]),
        default="not_stated",
        validate_choice=False,
    )

    def __init__(self, *args, keep=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.barrier_types.choices = options(barrier_choices(keep))

    def validate_barrier_types(self, field):
        if not field.data:
            raise ValidationError(_l("Please choose at least one barrier."))
        offered = {c.value for c in field.choices}
        if any(code not in offered for code in field.data):
            raise ValidationError(_l("Please choose barriers from the list."))

    def validate_affected(self, field):
        if field.data not in AFFECTED:
            raise ValidationError(_l("Please say who is affected."))

    def validate_age_group(self, field):
        if field.data not in AGE_GROUPS:
            raise ValidationError(_l("Please choose an age group."))

    def validate_participation_benefits(self, field):
        if field.data in (None, ""):
            field.data = "not_stated"
        if field.data not in BENEFITS:
            raise ValidationError(_l("Please choose yes, no or not stated."))

    def details(self) -> dict:
        return {
            "barrier_types": list(self.barrier_types.data),
            "affected": self.affected.data,
            "age_group": self.age_group.data,
            "participation_benefits": self.participation_benefits.data or "not_stated",
        }


class ReportForm(AffectedDetailsForm):
    offer = SelectField(
        _l("Offer"),
        description=_l("Choose the offer from the list. If it is missing, describe it below."),
        validate_choice=False,
    )
    offer_text = StringField(
        _l("Offer not in the list"),
        description=_l("Name and place of the offer, e.g. “Computer course, Magdeburger Allee”."),
        validators=[Length(max=200, message=_l("Please use at most 200 characters."))],
    )
    district_from = SelectField(
        _l("District you travel from"),
        description=_l("Only the district, never your address."),
        validate_choice=False,
    )
    text = TextAreaField(
        _l("What happens? (optional)"),
        render_kw={"rows": 6},
        description=_l(
            "Public text. Please do not write names, addresses or health details. "
            "At most 2,000 characters."
        ),
        validators=[
            Length(max=MAX_TEXT, message=_l("Please use at most 2,000 characters.")),
        ],
    )
    visibility = RadioField(
        _l("Who may see the report?"),
        choices=options(
            [
                ("public", _l("Public: everyone sees offer, barriers, district and text")),
                ("administration", _l("Only the city administration")),
            ]
        ),
        default="public",
        validate_choice=False,
    )

    def validate_offer(self, field):
        valid = self._offer_ids
        if field.data and field.data not in valid:
            raise ValidationError(_l("Please choose an offer from the list."))

    def validate_offer_text(self, field):
        if not self.offer.data and not (field.data or "").strip():
            raise ValidationError(_l("Please choose the offer or describe it."))

    def validate_district_from(self, field):
        if field.data not in self._district_numbers:
            raise ValidationError(_l("Please choose the district you travel from."))

    def validate_visibility(self, field):
        if field.data not in VISIBILITIES:
            raise ValidationError(_l("Please choose who may see the report."))

    def set_choices(self, offer_groups, districts):
        """``offer_groups``: [(group label, [Offer, …])]; ``districts``: [District, …]."""
        choices = [SelectChoice("", _l("Choose an offer"))]
        for label, offers in offer_groups:
            choices += [SelectChoice(str(o.id), o.name, optgroup=label) for o in offers]
        self.offer.choices = choices  # an <optgroup> per district
        self._offer_ids = {c.value for c in choices if c.value}
        self.district_from.choices = options(
            [("", _l("Please choose"))] + [(d.number, f"{d.number} {d.name}") for d in districts]
        )
        self._district_numbers = {d.number for d in districts}


class OfferForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("Please enter the name of the offer.")),
            Length(max=200, message=_l("Please use at most 200 characters.")),
        ],
    )
    type = SelectField(_l("Type"), validate_choice=False)
    address = StringField(
        _l("Address"),
        validators=[Optional(), Length(max=200, message=_l("Please use at most 200 characters."))],
    )
    lat = StringField(
        _l("Latitude"),
        description=_l("Decimal degrees, e.g. 50.9787"),
        validators=[
            DataRequired(message=_l("Please enter the latitude.")),
            coordinate(-90, 90, _l("The latitude must be a number such as 50.9787.")),
        ],
    )
    lon = StringField(
        _l("Longitude"),
        description=_l("Decimal degrees, e.g. 11.0328"),
        validators=[
            DataRequired(message=_l("Please enter the longitude.")),
            coordinate(-180, 180, _l("The longitude must be a number such as 11.0328.")),
        ],
    )
    provider = StringField(
        _l("Provider"),
        validators=[Optional(), Length(max=200, message=_l("Please use at most 200 characters."))],
    )

    def validate_type(self, field):
        if field.data not in {str(c.value) for c in self.type.choices if c.value}:
            raise ValidationError(_l("Please choose a type."))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"), description=_l("Columns: name, type, address, lat, lon, provider")
    )
    csv_text = HiddenField()


class ConfirmForm(FlaskForm):
    """An empty form: CSRF only (confirm, deactivate, withdraw)."""


class BarrierTypeForm(FlaskForm):
    """An admin edits a barrier type's names, order and whether it is offered."""

    name_de, name_en = name_fields(120)
    position = WholeNumberField(
        _l("Order"),
        description=_l("Smaller numbers come first."),
        low=0,
        high=10_000,
        validators=[InputRequired(message=_l("Please enter a number."))],
    )
    active = BooleanField(
        _l("Offered for new reports"),
        description=_l("Reports that already name this barrier keep showing it."),
    )
