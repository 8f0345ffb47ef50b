"""Indicators and the social index: district figures over time, imported with validation,
the MSS-method social index, choropleth maps and district profiles.

``social_index`` and ``demo_series`` are pure (no Flask); the blueprints live in ``routes`` and
``api``.
"""

from flask import Blueprint

bp = Blueprint("indicators", __name__)
api_bp = Blueprint("indicators_api", __name__, url_prefix="/api/v1")

from . import api, routes  # noqa: E402, F401
