"""Choices of select, multiple-select and radio fields are ``SelectChoice``s: WTForms 3.3 warns
about tuples declared on a field and 3.4 refuses them (pyproject.toml makes WTForms'
deprecation warnings errors; the tuple warning only where app/backoffice and app/dashboard
still declare tuples, which this test exempts until they are converted)."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import UnboundField
from wtforms.meta import DefaultMeta

from app.core.forms import options

EXEMPT = ("app.backoffice.", "app.dashboard.")


def _form_classes(base=FlaskForm):
    for cls in base.__subclasses__():
        yield cls
        yield from _form_classes(cls)


def _tuple_choices(cls) -> list[str]:
    found = []
    for name in dir(cls):
        attr = getattr(cls, name, None)
        if not (isinstance(attr, UnboundField) and issubclass(attr.field_class, SelectFieldBase)):
            continue
        choices = attr.kwargs.get("choices")
        if choices and not callable(choices):
            items = (
                [i for v in choices.values() for i in v] if isinstance(choices, dict) else choices
            )
            if isinstance(choices, dict) or any(not isinstance(c, SelectChoice) for c in items):
                found.append(f"{cls.__module__}.{cls.__name__}.{name}")
    return found


def test_declared_choices_are_select_choices(app):
    classes = [c for c in _form_classes() if c.__module__.startswith("app.")]
    assert len(classes) > 20  # every domain's forms are imported by create_app
    offenders = [
        f for c in classes if not c.__module__.startswith(EXEMPT) for f in _tuple_choices(c)
    ]
    assert offenders == []


def test_the_check_finds_tuples():
    class Legacy(FlaskForm):
        kind = SelectField(choices=[("a", "A")])

    class Current(FlaskForm):
        kind = SelectField(choices=options([("a", "A")]))

    assert _tuple_choices(Legacy) == [f"{__name__}.Legacy.kind"]
    assert _tuple_choices(Current) == []


def test_options_keeps_values_labels_and_select_choices():
    kept = SelectChoice("b", "B", optgroup="G")
    made = options([("a", "A"), kept, (1, "Eins")])
    assert [(c.value, c.label, c.optgroup) for c in made] == [
        ("a", "A", None),
        ("b", "B", "G"),
        (1, "Eins", None),
    ]


def test_other_wtforms_deprecations_are_errors_in_the_tests():
    """The pytest configuration turns WTForms' deprecation warnings into errors (a field is
    made when its form is, through ``UnboundField.bind``: the warning is WTForms' own)."""
    legacy = SelectField(choices={"group": [SelectChoice("a", "A")]})
    with pytest.raises(DeprecationWarning, match="in a dict is deprecated"):
        legacy.bind(None, "kind", _meta=DefaultMeta())
