"""Form helpers shared by the domains."""

from __future__ import annotations

import math
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError


def coordinate(low: float, high: float, message, *, optional: bool = False):
    """Validator for a latitude or longitude typed as text (a decimal comma is fine).

    Sets ``field.number`` to the parsed value (``None`` when ``optional`` and left empty);
    refuses non-numbers, NaN, infinity and values outside ``[low, high]`` with ``message``.
    """

    def check(form, field):
        raw = (field.data or "").strip().replace(",", ".")
        if optional and not raw:
            field.number = None
            return
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(message) from None
        if not math.isfinite(value) or not (low <= value <= high):
            raise ValidationError(message)
        field.number = value

    return check


class ConfirmForm(FlaskForm):
    """An empty form: CSRF only (support, withdraw, withdraw support)."""


def name_fields(max_length: int):
    """The German and English public names of a data label (a status, a barrier type): both
    required, at most ``max_length`` characters. Returns ``(name_de, name_en)`` fields."""

    def field(label):
        return StringField(
            label,
            validators=[
                DataRequired(message=_l("Please enter a name.")),
                Length(
                    max=max_length,
                    message=_l("Please use at most %(max)d characters.", max=max_length),
                ),
            ],
        )

    return field(_l("Public name (German)")), field(_l("Public name (English)"))


def options(items: Iterable[SelectChoice | tuple]) -> list[SelectChoice]:
    """The choices of a select, multiple-select or radio field: ``(value, label)`` pairs (or
    ``SelectChoice`` already) as :class:`wtforms.SelectChoice` – WTForms 3.3 deprecates tuples
    and 3.4 refuses them. Read them back as ``choice.value`` and ``choice.label``."""
    return [item if isinstance(item, SelectChoice) else SelectChoice(*item) for item in items]
