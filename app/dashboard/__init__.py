"""The district council's dashboard, CSV export and print view."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import routes  # noqa: E402, F401
