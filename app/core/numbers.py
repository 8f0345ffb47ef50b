"""One parser for the whole numbers people send: query parameters, form fields, URL parts.

``str.isdigit()`` accepts "²" (which ``int()`` refuses) and ``int()`` accepts "١٢", "1_000"
and " +7 "; a number beyond the column's range reaches PostgreSQL and fails there with
"integer out of range". Everything that reads a number from a request goes through
:func:`parse_int` instead: ASCII digits only (a leading "-" only where the range has negative
numbers, never "+"), surrounding whitespace ignored, blank means absent, and the value must lie
in the caller's range — for database ids :data:`ID_MIN`..:data:`ID_MAX`, the range of the
``INTEGER`` id columns (no column is ``BIGINT``).

Besides the parser: :func:`arg_int` for query parameters, :func:`page_arg` for list pages,
the URL converter ``<id:…>`` (:class:`IdConverter`, registered by :func:`init_app`) and
WTForms fields (:class:`IdField`, :class:`IdSelectField`, :class:`WholeNumberField`).
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import BaseConverter, ValidationError
from wtforms import HiddenField, IntegerField, SelectField

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
ID_MIN = 1
ID_MAX = INT32_MAX  # every id column is INTEGER (PostgreSQL: 4 bytes)
YEAR_MIN, YEAR_MAX = 1900, 2100
PAGE_MAX = 100_000  # list pages: beyond it (or the last page) a page shows what the last shows

_UNSIGNED = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"-?[0-9]+")


class NumberError(ValueError):
    """Not a whole number in the allowed range; ``str(error)`` is a translated message."""

    def __init__(self, message: str, *, low: int, high: int) -> None:
        super().__init__(message)
        self.message = message
        self.low = low
        self.high = high


def _message(name: str | None, low: int, high: int) -> str:
    if name:
        return _(
            "The parameter “%(name)s” must be a whole number from %(low)d to %(high)d.",
            name=name,
            low=low,
            high=high,
        )
    return _("Please enter a whole number from %(low)d to %(high)d.", low=low, high=high)


def parse_int(
    raw: str | int | None,
    *,
    low: int,
    high: int,
    default: int | None = None,
    name: str | None = None,
) -> int | None:
    """The whole number in ``raw`` if it lies in ``[low, high]``; ``default`` when ``raw`` is
    ``None``, empty or only whitespace; :class:`NumberError` otherwise (its message names the
    parameter ``name`` when given). A leading "-" is allowed only when ``low`` is negative."""
    if raw is None:
        return default
    if isinstance(raw, bool):  # JSON true/false are not numbers
        raise NumberError(_message(name, low, high), low=low, high=high)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not text:
            return default
        pattern = _SIGNED if low < 0 else _UNSIGNED
        if not pattern.fullmatch(text):
            raise NumberError(_message(name, low, high), low=low, high=high)
        # Leading zeros are harmless; more digits than the bounds have cannot be in range
        # (and a huge string is not worth converting).
        digits = text.lstrip("-").lstrip("0") or "0"
        if len(digits) > max(len(str(abs(low))), len(str(abs(high)))):
            raise NumberError(_message(name, low, high), low=low, high=high)
        value = int(text)
    if not low <= value <= high:
        raise NumberError(_message(name, low, high), low=low, high=high)
    return value


def parse_id(raw: str | int | None, *, default: int | None = None, name: str | None = None):
    """A database id (``ID_MIN``..``ID_MAX``) or ``default`` when blank; :class:`NumberError`."""
    return parse_int(raw, low=ID_MIN, high=ID_MAX, default=default, name=name)


def arg_int(
    name: str,
    *,
    low: int,
    high: int,
    default: int | None = None,
    args=None,
) -> int | None:
    """The query parameter ``name`` (of ``args``, by default ``request.args``) through
    :func:`parse_int`; :class:`NumberError` names the parameter. The JSON API answers it as
    a 400 (:func:`app.core.api.int_arg`), pages show the message."""
    args = request.args if args is None else args
    return parse_int(args.get(name), low=low, high=high, default=default, name=name)


def page_arg(*, last: int | None = None, name: str = "page", args=None) -> int:
    """The page number of a list page: 1 when absent or not a number (a mistyped link still
    shows the list), at most ``last`` (when known) and :data:`PAGE_MAX`."""
    args = request.args if args is None else args
    high = PAGE_MAX if last is None else max(min(last, PAGE_MAX), 1)
    try:
        page = parse_int(args.get(name), low=1, high=high, default=1)
    except NumberError:
        text = (args.get(name) or "").strip()
        # digits beyond the range: the last page; "0", "-1", "abc", "²": the first
        return high if _UNSIGNED.fullmatch(text) and text.strip("0") else 1
    return page or 1


# --- the URL converter --------------------------------------------------------------------


class IdConverter(BaseConverter):
    """``<id:name>``: a database id, 1..``ID_MAX``, written without leading zeros. Anything
    else does not match the rule, so the URL answers 404 instead of reaching the database."""

    regex = r"[1-9][0-9]{0,9}"
    weight = 50  # as werkzeug's ``int``

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def init_app(app: Flask) -> None:
    """Register ``<id:…>``; before the blueprints, whose rules are compiled when added."""
    app.url_map.converters["id"] = IdConverter


# --- form fields --------------------------------------------------------------------------


class IdField(HiddenField):
    """A hidden field holding an id: ``data`` is an ``int`` or ``None`` when left empty;
    anything else is a validation error with ``message`` (by default the parser's), which
    the form's error summary shows. Add ``DataRequired`` to require a value."""

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = parse_id(valuelist[0])
            except NumberError as exc:
                raise ValueError(str(self.message or exc.message)) from None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class IdSelectField(SelectField):
    """A select of database rows whose choices are ``(str(id), label)`` (``""`` for none):
    ``data`` is the chosen id as ``int``, or ``None`` for the empty choice or a blank value.
    A value that is no id fails with ``message``; an id not offered fails as "not a valid
    choice" (unless ``validate_choice=False``)."""

    def __init__(self, *args, message=None, **kwargs):
        kwargs.setdefault("coerce", _optional_id)
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = parse_id(valuelist[0])
            except NumberError:
                self.data = None
                raise ValueError(
                    str(self.message or _("Please choose an entry from the list."))
                ) from None


def _optional_id(value) -> int | None:
    """``coerce`` of :class:`IdSelectField` (choices and defaults): a bad value is ``None``."""
    try:
        return parse_id(value)
    except NumberError:
        return None


class WholeNumberField(IntegerField):
    """``IntegerField`` through :func:`parse_int`: ASCII digits only (no "١٢", "1_000", "+1"),
    within ``low``..``high`` (by default the range of an ``INTEGER`` column); a value that
    fails gets ``message`` (by default the parser's, naming the range). A blank value is
    ``None``: add ``Optional`` or ``InputRequired``/``NumberRange`` as the field needs."""

    def __init__(self, *args, low: int = INT32_MIN, high: int = INT32_MAX, message=None, **kw):
        super().__init__(*args, **kw)
        self.low = low
        self.high = high
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = parse_int(valuelist[0], low=self.low, high=self.high)
        except NumberError as exc:
            self.data = None
            raise ValueError(str(self.message or exc.message)) from None
