"""Mail preference forms. Labels are lazy so they follow the request's language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField

from . import kinds


def _choices(category: str) -> list[tuple[str, object]]:
    return [(f, kinds.FREQUENCY_LABELS[f]) for f in kinds.allowed_frequencies(category)]


class PreferencesForm(FlaskForm):
    """One select per category (fields named ``own``, ``followed`` …)."""


for _category in kinds.CATEGORIES:
    setattr(
        PreferencesForm,
        _category,
        SelectField(kinds.CATEGORY_LABELS[_category], choices=_choices(_category)),
    )


class ActionForm(FlaskForm):
    """CSRF only."""
