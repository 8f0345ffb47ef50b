"""Mail preference forms. Labels are lazy so they follow the request's language."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField

from ..core.forms import options
from . import kinds


def _choices(category: str) -> list[tuple[str, object]]:
    return [(f, kinds.FREQUENCY_LABELS[f]) for f in kinds.allowed_frequencies(category)]


class PreferencesForm(FlaskForm):
    """One select per category the person can set (fields named ``own``, ``followed`` …)."""

    categories: tuple[str, ...] = ()


def preferences_form(user: Any, **kwargs: Any) -> PreferencesForm:
    categories = kinds.categories_for(user)
    form_class = type(
        "PreferencesFormFor",
        (PreferencesForm,),
        {
            "categories": categories,
            **{
                c: SelectField(kinds.CATEGORY_LABELS[c], choices=options(_choices(c)))
                for c in categories
            },
        },
    )
    return form_class(**kwargs)


class ActionForm(FlaskForm):
    """CSRF only."""
