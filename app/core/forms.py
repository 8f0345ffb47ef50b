"""Form helpers shared by the domains."""

from __future__ import annotations

import math

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError


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
