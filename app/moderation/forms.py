"""Moderation forms: hide with a reason, the other actions with an optional note, a flag."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.forms import options
from ..core.numbers import IdSelectField
from .labels import REASON_LABELS, STATE_LABELS
from .models import NOTE_MAX, REASONS


def reason_labels() -> dict[str, str]:
    """The reasons in the request's language (the same list for hiding and reporting)."""
    return {code: str(label) for code, label in REASON_LABELS.items()}


def state_labels() -> dict[str, str]:
    return {state: str(label) for state, label in STATE_LABELS.items()}


def _reason_choices():
    labels = reason_labels()
    return [("", _l("Choose a reason"))] + [(code, labels[code]) for code in REASONS]


class HideForm(FlaskForm):
    reason = SelectField(
        _l("Reason"), validators=[DataRequired(message=_l("Please choose a reason."))]
    )
    note = TextAreaField(
        _l("Note for the author (optional)"),
        description=_l("The author sees the reason and this note."),
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=_l("At most 500 characters, please.")),
        ],
    )
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = options(_reason_choices())

    def validate_reason(self, field):

        if field.data not in REASONS:
            raise ValidationError(_l("Please choose a reason."))


class ActionForm(FlaskForm):
    """Show again, approve, dismiss reports: CSRF and where to go back to."""

    next = HiddenField()


class FlagForm(FlaskForm):
    reason = SelectField(
        _l("Reason"), validators=[DataRequired(message=_l("Please choose a reason."))]
    )
    text = TextAreaField(
        _l("Explanation (optional)"),
        validators=[Length(max=NOTE_MAX, message=_l("At most 500 characters, please."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = options(_reason_choices())

    def validate_reason(self, field):

        if field.data not in REASONS:
            raise ValidationError(_l("Please choose a reason."))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter form

    district = IdSelectField(_l("District"), validators=[Optional()])
    type = SelectField(_l("Type"), validators=[Optional()])
