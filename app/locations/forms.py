"""Forms of the location scenarios. The criteria are rows of a list (``criteria-0-choice`` …):
the form always shows one blank row more than there are criteria, and a row is removed with its
checkbox, so criteria are added and removed without JavaScript."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length


class _Free(SelectField):
    """A select whose unknown values the service reports (with a message in words)."""

    def pre_validate(self, form) -> None:
        pass


class CriterionForm(Form):
    choice = _Free(_l("Criterion"), default="")
    direction = _Free(_l("Direction"), default="0")
    weight = StringField(_l("Weight (1–100)"), default="1")
    remove = BooleanField(_l("Remove this criterion"))


class ScenarioForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    question = TextAreaField(
        _l("Question"),
        description=_l("For example: Where should the next site of the programme go?"),
        validators=[Length(max=10000)],
    )
    programme = TextAreaField(_l("About the programme"), validators=[Length(max=10000)])
    office = _Free(_l("Office"), default="")
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=13)


class DecisionForm(FlaskForm):
    decision_text = TextAreaField(_l("Decision"), validators=[Length(max=10000)])
    decision_reasons = TextAreaField(_l("Reasons of the board"), validators=[Length(max=10000)])
    district = _Free(_l("Chosen district"), default="")
    measure = _Free(
        _l("Resulting measure"),
        default="",
        description=_l("The measure that puts the decision into practice, if there is one."),
    )


class ShareForm(FlaskForm):
    label = StringField(
        _l("Label (for example: board meeting in March)"), validators=[Length(max=200)]
    )
    days = StringField(_l("Valid for how many days"), default="30")


class EmptyForm(FlaskForm):
    pass
