"""Indicators and the social index: district figures over time, imported with validation,
the MSS-method social index, choropleth maps and district profiles.

Services by subject: ``catalogue`` (entries, units, formatting), ``values`` (stored values,
city average, ranks), ``imports`` (validated CSV/XLSX import, rollback), ``district_index`` (the
districts' social index from the stored values), ``choropleth`` (map classes, colours, GeoJSON),
``profile`` (district profile), ``links`` (inputs linked to indicators) and ``demo`` (synthetic
demo data). ``social_index`` and ``demo_series`` are pure computation; the blueprints live in
``routes`` and ``api``.
"""

from flask import Blueprint

bp = Blueprint("indicators", __name__)
api_bp = Blueprint("indicators_api", __name__, url_prefix="/api/v1")

from . import api, routes  # noqa: E402, F401
