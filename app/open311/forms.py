"""The admin page's forms: a new key (the client's name) and the revoke button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .models import NAME_MAX


class NewKeyForm(FlaskForm):
    name = StringField(
        _l("Name of the client"),
        description=_l("Shown on its proposals as “via <name>”, e.g. the app's name."),
        validators=[
            DataRequired(_l("Please enter the client's name.")),
            Length(max=NAME_MAX, message=_l("At most %(max)d characters.", max=NAME_MAX)),
        ],
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token."""
