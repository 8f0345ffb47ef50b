"""Comments on proposals, barrier reports and other registered targets."""

from flask import Blueprint

bp = Blueprint("comments", __name__, url_prefix="/kommentare")

from . import routes  # noqa: E402, F401
