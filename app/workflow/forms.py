"""Forms of the workflow's admin pages. Labels and messages are lazy (request language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from ..core.forms import name_fields
from ..core.numbers import IdSelectField, WholeNumberField

COLOUR = r"^#[0-9a-fA-F]{6}$"


class StatusForm(FlaskForm):
    name_de, name_en = name_fields(80)
    colour = StringField(
        _l("Colour"),
        description=_l("As #rrggbb, e.g. #1f5fa8; it needs a contrast of 4.5:1 on white."),
        validators=[
            DataRequired(message=_l("Please enter a colour.")),
            Regexp(COLOUR, message=_l("Please enter the colour as #rrggbb, e.g. #1f5fa8.")),
        ],
    )
    position = WholeNumberField(
        _l("Order"),
        description=_l("Smaller numbers come first."),
        low=0,
        high=10_000,
        validators=[InputRequired(message=_l("Please enter a number."))],
    )
    active = BooleanField(_l("Offered for status changes"))


class RuleForm(FlaskForm):
    target_type = SelectField(_l("Type of input"), validate_choice=True)
    category = IdSelectField(_l("Category"))
    district = IdSelectField(_l("District"))
    office = IdSelectField(
        _l("Responsible office"),
        validators=[InputRequired(message=_l("Please choose the office."))],
    )


class TargetForm(FlaskForm):
    category = IdSelectField(
        _l("Category"),
        validators=[InputRequired(message=_l("Please choose a category."))],
    )
    days = WholeNumberField(
        _l("Days until the first answer"),
        low=1,
        high=365,
        validators=[InputRequired(message=_l("Please enter a number."))],
    )


class DeleteForm(FlaskForm):
    """CSRF only."""


class ResponseTemplateForm(FlaskForm):
    """A response template of an office (the placeholders are checked by the service)."""

    office = IdSelectField(
        _l("Office"), validators=[InputRequired(message=_l("Please choose the office."))]
    )
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Please enter a title.")),
            Length(max=120, message=_l("Please use at most %(max)d characters.", max=120)),
        ],
    )
    body = TextAreaField(
        _l("Text of the answer"),
        description=_l(
            "Placeholders: {title} (the input's title), {district}, {office} (your office), "
            "{link} (the input's public page)."
        ),
        validators=[
            DataRequired(message=_l("Please write the text of the answer.")),
            Length(max=5000, message=_l("Please use at most %(max)d characters.", max=5000)),
        ],
    )
    status = SelectField(_l("Status the answer sets (optional)"), validate_choice=True)
