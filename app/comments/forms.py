"""Comment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .models import REPORT_REASONS
from .services import MAX_LENGTH


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Please be friendly and do not write personal data about others."),
        validators=[
            DataRequired(message=_l("Please write a comment.")),
            Length(max=MAX_LENGTH, message=_l("A comment may have at most 2,000 characters.")),
        ],
    )
    parent_id = HiddenField(validators=[Optional()])


def reason_labels() -> dict[str, str]:
    from flask_babel import gettext as _

    return {
        "insult": _("Insult"),
        "personal_data": _("Personal data"),
        "advertising": _("Advertising"),
        "off_topic": _("Off-topic"),
        "duplicate": _("Duplicate"),
        "other": _("Other"),
    }


class ReportForm(FlaskForm):
    reason = SelectField(
        _l("Reason"), validators=[DataRequired(message=_l("Please choose a reason."))]
    )
    text = TextAreaField(
        _l("Explanation (optional)"),
        validators=[Length(max=500, message=_l("At most 500 characters, please."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = reason_labels()
        self.reason.choices = [("", _l("Choose a reason"))] + [
            (code, labels[code]) for code in REPORT_REASONS
        ]


def new_comment_form() -> CommentForm:
    """An empty comment form (for pages that render the thread themselves)."""
    return CommentForm(formdata=None)
