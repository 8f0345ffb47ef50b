"""The shared ``/api/v1`` blueprint; the domains add their endpoints to it (``api.py`` in each
domain), and :func:`app.api.init_app` registers it after them."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
