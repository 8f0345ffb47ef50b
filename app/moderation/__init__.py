"""Moderation: hide with a reason, flags by citizens, the district-scoped queue, pre-moderation."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
api_bp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation")

from . import api, routes  # noqa: E402, F401
