"""Moderation forms: hide with a reason, the other actions with an optional note, a flag."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import NOTE_MAX, REASONS


def reason_labels() -> dict[str, str]:
    """The reasons in the request's language (the same list for hiding and reporting)."""
    from flask_babel import gettext as _

    return {
        "insult": _("Insult"),
        "personal_data": _("Personal data"),
        "advertising": _("Advertising"),
        "off_topic": _("Off-topic"),
        "duplicate": _("Duplicate"),
        "other": _("Other"),
    }


def state_labels() -> dict[str, str]:
    from flask_babel import gettext as _

    return {
        "visible": _("Visible"),
        "hidden": _("Hidden by the moderation"),
        "pending_review": _("Hidden until a moderator has reviewed it"),
        "pending_approval": _("Waiting for approval"),
    }


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
        self.reason.choices = _reason_choices()

    def validate_reason(self, field):
        from wtforms.validators import ValidationError

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
        self.reason.choices = _reason_choices()

    def validate_reason(self, field):
        from wtforms.validators import ValidationError

        if field.data not in REASONS:
            raise ValidationError(_l("Please choose a reason."))


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter form

    district = SelectField(_l("District"), validators=[Optional()])
    type = SelectField(_l("Type"), validators=[Optional()])
