"""The accessibility feedback form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


class FeedbackForm(FlaskForm):
    description = TextAreaField(
        _l("What is the barrier?"),
        description=_l(
            "Describe what you could not read, reach or use, and how you use the site "
            "(e.g. with a screen reader, the keyboard only, a phone)."
        ),
        validators=[
            DataRequired(message=_l("Please describe the barrier.")),
            Length(
                min=10,
                max=4000,
                message=_l("Please describe the barrier in 10 to 4,000 characters."),
            ),
        ],
    )
    page_url = StringField(
        _l("On which page? (optional)"),
        description=_l("The address of the page, or what the page is called."),
        validators=[
            Optional(),
            Length(max=500, message=_l("Please use at most 500 characters.")),
        ],
    )
    name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=120, message=_l("Please use at most 120 characters."))],
    )
    email = EmailField(
        _l("Your e-mail address (optional)"),
        description=_l("Only if you would like an answer."),
        validators=[
            Optional(),
            Length(max=254, message=_l("Please use at most 254 characters.")),
            Email(message=_l("Please enter a valid e-mail address."), check_deliverability=False),
        ],
    )


class HandledForm(FlaskForm):
    """Mark a message as dealt with (or open again): a button, CSRF-protected."""
