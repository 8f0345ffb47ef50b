"""The JSON API's errors: one :class:`ApiError`, answered by one handler for everything under
``/api/`` (:func:`app.core.errors.init_app`), and parameter parsing helpers."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _

from .numbers import NumberError, arg_int


def json_error(status: int, message: str, **details):
    body = {"error": {"status": status, "message": message, **details}}
    response = jsonify(body)
    response.status_code = status
    return response


def parse_float(args, name: str, low: float, high: float) -> float:
    """Read a required float query parameter within [low, high]; raise ApiError otherwise."""
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        raise ApiError(400, _("The parameter “%(name)s” is missing.", name=name))
    try:
        value = float(raw)
    except ValueError:
        raise ApiError(400, _("The parameter “%(name)s” must be a number.", name=name)) from None
    if not (low <= value <= high):  # also refuses nan and inf
        raise ApiError(
            400,
            _(
                "The parameter “%(name)s” must lie between %(low)s and %(high)s.",
                name=name,
                low=low,
                high=high,
            ),
        )
    return value


def int_arg(name: str, *, low: int, high: int, default: int | None = None, args=None):
    """The whole-number query parameter ``name`` (see :func:`app.core.numbers.parse_int`):
    ``default`` when absent or blank, :class:`ApiError` 400 with the range otherwise."""
    try:
        return arg_int(name, low=low, high=high, default=default, args=args)
    except NumberError as exc:
        raise ApiError(400, exc.message) from None


class ApiError(Exception):
    """A refused request; answered as ``{"error": {"status", "message"}}``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message
