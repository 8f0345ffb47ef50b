"""Comment forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.numbers import IdField
from ..moderation.forms import FlagForm
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
    parent_id = IdField(
        validators=[Optional()], message=_l("The comment you reply to does not exist.")
    )


# Reporting a comment is a moderation flag like any other: one form, one list of reasons.
ReportForm = FlagForm


def new_comment_form() -> CommentForm:
    """An empty comment form (for pages that render the thread themselves)."""
    return CommentForm(formdata=None)
