"""The official response form (new and edit)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import options
from .models import BODY_MAX


class ResponseForm(FlaskForm):
    body = TextAreaField(
        _l("Official response"),
        id="response-body",
        description=_l(
            "Residents will see this text with your role and council or office. "
            "Links (https://…) become clickable."
        ),
        validators=[
            DataRequired(message=_l("Please write the response.")),
            Length(max=BODY_MAX, message=_l("A response may have at most 5,000 characters.")),
        ],
    )
    # Only shown (and needed) when a person can answer in more than one capacity.
    voice = SelectField(
        _l("Answer in the name of"), id="response-voice", choices=[], validate_choice=False
    )

    def set_voices(self, voices) -> None:
        self.voice.choices = options([(v.key, v.label) for v in voices])
        if not self.voice.data and voices:
            self.voice.data = voices[0].key
