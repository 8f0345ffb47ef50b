"""The council's settings form (pre-moderation)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..core.forms import options


class PremoderationForm(FlaskForm):
    premoderation = RadioField(
        _l("Pre-moderation of new proposals"),
        id="premoderation",
        choices=options(
            [
                ("on", _l("On: new proposals in our districts are published only after approval")),
                ("off", _l("Off: new proposals are published straight away")),
            ]
        ),
        validators=[InputRequired(message=_l("Please choose on or off."))],
    )
