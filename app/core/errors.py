"""Error pages in the user's language; JSON errors under /api/."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from .api import ApiError, json_error


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        401: (_("Please log in"), _("You need to log in to see this page.")),
        403: (_("Access denied"), _("You are not allowed to do this.")),
        404: (
            _("Page not found"),
            _("This page does not exist (any more). Please check the address."),
        ),
        405: (_("Not allowed"), _("This action is not possible here.")),
        413: (_("File too large"), _("The file is too large.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Please wait a moment and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("An error occurred on our side. Please try again later."),
        ),
    }


# Interfaces with an error format of their own (Open311 under /open311/): path prefix → a
# function ``(status, message) -> response``. Domains register theirs from ``init_app``.
_RENDERERS: dict[str, Callable[[int, str], object]] = {}


def register_renderer(prefix: str, renderer: Callable[[int, str], object]) -> None:
    """Errors of every request under ``prefix`` (routing errors such as 404 and 405, rate
    limits, aborts) are answered by ``renderer`` instead of an HTML page."""
    _RENDERERS[prefix] = renderer


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int):
    title, message = _messages().get(status, (_("Error"), _("An error occurred.")))
    for prefix, renderer in _RENDERERS.items():
        if request.path.startswith(prefix):
            return renderer(status, message)
    if wants_json():
        return {"error": {"status": status, "message": message}}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return json_error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def handle_exception(error: Exception):
        if isinstance(error, HTTPException):  # pragma: no cover - handled above
            return handle_http_exception(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(InternalServerError.code)
