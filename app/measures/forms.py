"""Forms of the measures. Labels and messages are lazy (request language). The parts
(milestones, places, target indicators) are typed as text, one per line or comma-separated,
in the same notation as the import file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import options


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:  # unknown values are the service's to report
        pass


class MeasureForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Please give the measure a title.")), Length(max=200)],
    )
    description_de = TextAreaField(_l("Description (German)"), validators=[Length(max=10000)])
    description_en = TextAreaField(
        _l("Description (English, optional)"), validators=[Length(max=10000)]
    )
    offices = CheckboxList(_l("Responsible offices"))
    districts = CheckboxList(_l("Districts"))
    city_wide = BooleanField(_l("City-wide measure"))
    status = SelectField(_l("Status"), validate_choice=False)
    progress = StringField(
        _l("Progress in percent"),
        description=_l("0 to 100. Leave empty to use the status's default progress."),
    )
    planned_start = DateField(_l("Planned start"), validators=[Optional()])
    planned_end = DateField(_l("Planned end"), validators=[Optional()])
    actual_start = DateField(_l("Actual start"), validators=[Optional()])
    actual_end = DateField(_l("Actual end"), validators=[Optional()])
    budget_planned = StringField(_l("Budget planned (EUR, optional)"))
    budget_spent = StringField(_l("Budget spent (EUR, optional)"))
    parent = SelectField(_l("Part of the programme"), validate_choice=False)
    milestones = TextAreaField(
        _l("Milestones"),
        description=_l(
            "One per line: date; title – and “; done” when reached, e.g. "
            "“2027-04-01; Ground-breaking; done”."
        ),
    )
    indicators = StringField(
        _l("Target indicators"),
        description=_l(
            "Indicator codes with the expected direction, comma-separated, e.g. "
            "“sgb2_rate:down, child_poverty:down”."
        ),
    )
    places = TextAreaField(
        _l("Places (optional)"),
        description=_l(
            "One per line: latitude, longitude, label, e.g. “50.9700, 11.0530, Gera-Aue”."
        ),
    )
    qualitative_assessment = TextAreaField(
        _l("Qualitative assessment by the office"), validators=[Length(max=10000)]
    )
    external_id = StringField(
        _l("External id (optional)"),
        description=_l("The id in the city's own planning list; the import matches rows by it."),
        validators=[Length(max=80)],
    )

    def validate_status(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose a status."))


class LinkInputForm(FlaskForm):
    ref = StringField(
        _l("Input"),
        description=_l("Type and number, e.g. proposal:12, need:3 or barrier_report:7."),
        validators=[DataRequired(message=_l("Please name the input (type:id)."))],
    )
    reason = StringField(
        _l("Short reason"),
        validators=[Length(max=300)],
    )
    status = SelectField(
        _l("New status of the input"),
        choices=options(
            [
                ("merged_into_measure", _l("Merged into a measure")),
                ("in_implementation", _l("In implementation")),
            ]
        ),
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("File"),
        description=_l(
            "CSV (comma or semicolon, UTF-8) or Excel (.xlsx, first sheet) with the columns "
            "external_id, title, description, office, districts, status, progress, start, end, "
            "budget_planned, budget_spent, target_indicators, linked_inputs."
        ),
    )
    dry_run = BooleanField(_l("Only check the file, write nothing"))

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Please choose a file."))


class EmptyForm(FlaskForm):
    """Only the CSRF token (buttons that change something)."""


class ComparisonForm(FlaskForm):
    """The planner's comparison group of one target indicator (effect monitoring)."""

    indicator = SelectField(_l("Target indicator"), coerce=int, validate_choice=True)
    districts = StringField(
        _l("Comparison districts"),
        description=_l("District numbers separated by commas, e.g. 04, 17, 31."),
        validators=[DataRequired(message=_l("Please name at least one district."))],
    )
    reason = StringField(
        _l("Reason for the change"),
        validators=[
            DataRequired(message=_l("Please give the reason for the change.")),
            Length(max=300),
        ],
    )
