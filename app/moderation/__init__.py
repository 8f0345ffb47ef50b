"""Moderation: hide with a reason, flags by citizens, the district-scoped queue, pre-moderation."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)
api_bp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation")

# visibility: the read side (who sees hidden items; template globals for the banners)
from . import api, routes, visibility  # noqa: E402, F401
