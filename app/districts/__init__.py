"""Districts (Ortsteile), councils (Ortsteilräte) and locating a point."""

from flask import Blueprint

bp = Blueprint("districts", __name__, url_prefix="/ortsteile")

from . import routes  # noqa: E402, F401
