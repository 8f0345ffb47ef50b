"""The one parser for whole numbers, the ``<id:…>`` URL converter and the form fields."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule
from wtforms.validators import DataRequired, Optional

from app.core.numbers import (
    ID_MAX,
    INT32_MAX,
    PAGE_MAX,
    IdConverter,
    IdField,
    IdSelectField,
    NumberError,
    WholeNumberField,
    page_arg,
    parse_id,
    parse_int,
)

REFUSED = [
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() says 12
    "１２",  # full-width digits
    "+1",
    "1e3",
    "0x10",
    "1_000",
    "1.0",
    "1 2",
    "12a",
    "-",
    "--1",
    "\x00",
]


@pytest.mark.parametrize("raw", REFUSED)
def test_refuses_what_is_not_ascii_digits(raw):
    with pytest.raises(NumberError):
        parse_int(raw, low=-100, high=100_000)


@pytest.mark.parametrize("raw", ["", " ", "\t\n", None])
def test_blank_is_absent(raw):
    assert parse_int(raw, low=1, high=10) is None
    assert parse_int(raw, low=1, high=10, default=7) == 7


def test_surrounding_whitespace_is_ignored():
    assert parse_int(" 12 ", low=1, high=100) == 12
    assert parse_int("007", low=1, high=100) == 7


def test_minus_only_where_the_range_has_negatives():
    assert parse_int("-1", low=-1, high=1) == -1
    with pytest.raises(NumberError):
        parse_int("-1", low=0, high=10)
    with pytest.raises(NumberError):
        parse_id("-1")


@pytest.mark.parametrize("value", [1, 2**31 - 1])
def test_ids_in_the_column_range(value):
    assert INT32_MAX == ID_MAX == 2**31 - 1
    assert parse_id(str(value)) == value
    assert parse_id(value) == value


@pytest.mark.parametrize("raw", ["0", str(2**31), str(2**63), "9" * 20, "1" + "0" * 5000])
def test_ids_outside_the_column_range(raw):
    with pytest.raises(NumberError):
        parse_id(raw)


def test_json_values_are_checked_too():
    with pytest.raises(NumberError):
        parse_id(True)
    with pytest.raises(NumberError):
        parse_id(2**31)


def test_message_names_parameter_and_range(app):
    with app.test_request_context():
        with pytest.raises(NumberError) as error:
            parse_int("²", low=1, high=600, name="limit")
        assert str(error.value) == "Der Parameter „limit“ muss eine ganze Zahl von 1 bis 600 sein."
        assert isinstance(error.value, ValueError)
        with pytest.raises(NumberError) as error:
            parse_int("21", low=1, high=20)
        assert str(error.value) == "Bitte geben Sie eine ganze Zahl von 1 bis 20 ein."


@pytest.mark.parametrize(
    "raw,page",
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        (" 3 ", 3),
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("²", 1),
        ("99999999999999999999", PAGE_MAX),
        (str(PAGE_MAX + 1), PAGE_MAX),
    ],
)
def test_page_numbers(raw, page):
    args = {} if raw is None else {"page": raw}
    assert page_arg(args=args) == page


def test_page_numbers_clamp_to_the_last_page():
    assert page_arg(args={"page": "7"}, last=3) == 3
    assert page_arg(args={"page": "9" * 30}, last=3) == 3
    assert page_arg(args={"page": "2"}, last=0) == 1


# --- the URL converter --------------------------------------------------------------------


@pytest.fixture
def adapter():
    url_map = Map([Rule("/items/<id:item_id>", endpoint="item")], converters={"id": IdConverter})
    return url_map.bind("example.org")


@pytest.mark.parametrize("value", [1, 42, 2**31 - 1])
def test_converter_matches_ids(adapter, value):
    assert adapter.match(f"/items/{value}") == ("item", {"item_id": value})
    assert adapter.build("item", {"item_id": value}) == f"/items/{value}"


@pytest.mark.parametrize(
    "path", ["0", "01", "-1", str(2**31), "99999999999", "9" * 20, "²", "١٢", "1e3", " 1"]
)
def test_converter_refuses_what_no_row_can_have(adapter, path):
    with pytest.raises(NotFound):
        adapter.match(f"/items/{path}")


def test_converter_is_registered_as_id(app):
    assert app.url_map.converters["id"] is IdConverter


# --- form fields --------------------------------------------------------------------------


class _Form(FlaskForm):
    class Meta:
        csrf = False

    council = IdSelectField(validators=[Optional()])
    parent = IdField(validators=[Optional()], message="No such comment.")
    required = IdField(validators=[DataRequired()])
    years = WholeNumberField(low=1, high=20, validators=[Optional()])


def _form(**data) -> _Form:
    form = _Form(MultiDict({"required": "5", **data}))
    form.council.choices = [("", "—"), ("3", "Drei"), ("4", "Vier")]
    return form


def test_fields_read_ids_as_int(app):
    with app.test_request_context():
        form = _form(council="3", parent=" 12 ", years="20")
        assert form.validate(), form.errors
        assert (form.council.data, form.parent.data, form.required.data) == (3, 12, 5)
        assert form.years.data == 20
        assert 'value="3" selected' in str(form.council) or 'selected value="3"' in str(
            form.council
        )


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_blank_fields_are_absent(app, blank):
    with app.test_request_context():
        form = _form(council=blank, parent=blank, years=blank)
        assert form.validate(), form.errors
        assert (form.council.data, form.parent.data, form.years.data) == (None, None, None)


@pytest.mark.parametrize("bad", ["²", "١٢", str(2**31), "99999999999", "-1", "abc", "+1"])
def test_fields_refuse_what_is_no_id(app, bad):
    with app.test_request_context():
        form = _form(council=bad, parent=bad, required=bad, years=bad)
        assert not form.validate()
        assert form.council.errors == ["Bitte wählen Sie einen Eintrag aus der Liste."]
        assert form.parent.errors == ["No such comment."]
        assert form.required.errors
        assert form.years.errors == ["Bitte geben Sie eine ganze Zahl von 1 bis 20 ein."]
        assert form.council.data is None and form.parent.data is None


def test_select_refuses_an_id_it_does_not_offer(app):
    with app.test_request_context():
        form = _form(council="5")
        assert not form.validate()
        assert form.council.errors
