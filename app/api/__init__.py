"""Public JSON API, version 1 (``/api/v1``)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from ..barriers import api as barriers_api  # noqa: E402, F401
from ..proposals import api as proposals_api  # noqa: E402, F401
from . import districts  # noqa: E402, F401
