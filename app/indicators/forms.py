"""Forms of the indicators domain. Labels and messages are lazy (request language)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import options
from ..core.numbers import ID_MAX, ID_MIN, NumberError, WholeNumberField, parse_int
from .catalogue import DIRECTIONS, TOPICS, UNITS

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        description=_l(
            "CSV (comma or semicolon, UTF-8) or Excel (.xlsx, first sheet). Long form: columns "
            "district, indicator, year, value. Wide form: district, year and one column per "
            "indicator code. Districts by number or exact name."
        ),
    )
    source = StringField(
        _l("Source of the figures"),
        description=_l("For example: Statistical office, population register, 31 December."),
        validators=[
            DataRequired(message=_l("Please state where the figures come from.")),
            Length(max=255),
        ],
    )

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Please choose a file."))


class ConfirmImportForm(FlaskForm):
    skip_invalid = BooleanField(_l("Skip the invalid rows and write only the valid ones"))
    overwrite = BooleanField(_l("Overwrite the stored values that differ"))


class EmptyForm(FlaskForm):
    """Only the CSRF token (buttons that change something)."""


def _code_check(form, field) -> None:
    if field.data and not CODE_PATTERN.match(field.data):
        raise ValidationError(
            _l("Use lower-case letters, digits and underscores, starting with a letter.")
        )


class IndicatorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("Used in files and in the API, e.g. sgb2_rate. Cannot be changed later."),
        validators=[DataRequired(message=_l("Please enter a code.")), _code_check],
    )
    name_de = StringField(
        _l("Name (German)"),
        validators=[DataRequired(message=_l("Please enter a name.")), Length(max=160)],
    )
    name_en = StringField(
        _l("Name (English)"),
        validators=[DataRequired(message=_l("Please enter a name.")), Length(max=160)],
    )
    unit = SelectField(_l("Unit"), choices=options(list(UNITS.items())))
    topic = SelectField(_l("Topic"), choices=options(list(TOPICS.items())))
    direction = SelectField(
        _l("Direction"), choices=options([(str(k), v) for k, v in DIRECTIONS.items()]), default="0"
    )
    source = StringField(_l("Source"), validators=[Length(max=255)])
    licence = StringField(_l("Licence"), validators=[Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])


class DefinitionForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Please enter a name.")), Length(max=120)]
    )
    status_codes = SelectMultipleField(_l("Indicators of the status index"))
    dynamic_codes = SelectMultipleField(_l("Indicators of the dynamics index"))
    change_years = WholeNumberField(
        _l("Change over how many years (dynamics)"),
        low=1,
        high=20,
        message=_l("Please enter a number from 1 to 20."),
        validators=[
            NumberRange(min=1, max=20, message=_l("Please enter a number from 1 to 20.")),
        ],
        default=2,
    )
    min_population = WholeNumberField(
        _l("Minimum number of inhabitants"),
        low=0,
        high=1_000_000,
        message=_l("Please enter a number of 0 or more."),
        validators=[
            NumberRange(min=0, max=1_000_000, message=_l("Please enter a number of 0 or more."))
        ],
        default=300,
    )
    excluded = StringField(
        _l("Districts excluded by hand"),
        description=_l("District numbers separated by commas, e.g. 09, 51."),
        validators=[Optional(), Length(max=400)],
    )

    def validate_status_codes(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose at least one indicator."))

    def validate_dynamic_codes(self, field) -> None:
        pass

    def excluded_numbers(self, known: set[str]) -> list[str] | None:
        numbers = []
        for part in re.split(r"[,;\s]+", self.excluded.data or ""):
            if not part:
                continue
            try:
                number = f"{parse_int(part, low=0, high=99):02d}"
            except NumberError:
                number = None
            if number not in known:
                self.excluded.errors = [*self.excluded.errors, _l("Unknown district number.")]
                return None
            numbers.append(number)
        return sorted(set(numbers))


class LinkForm(FlaskForm):
    indicator = SelectField(_l("Indicator"))
    input_type = SelectField(_l("Kind of input"))
    input_id = WholeNumberField(
        _l("Number of the input"),
        description=_l("The number shown with the proposal, need or report."),
        low=ID_MIN,
        high=ID_MAX,
        message=_l("Please enter a valid number."),
        validators=[Optional()],
    )
    pick = SelectField(_l("Or choose an input of this district"), validate_choice=False)
