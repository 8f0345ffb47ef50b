"""Admin pages of the workflow: statuses, routing rules and response targets."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workflow", __name__, url_prefix="/verwaltung")
