"""Indicators and the social index: district figures over time, imported with validation,
the MSS-method social index, choropleth maps and district profiles.

Services by subject: ``catalogue`` (entries, units, formatting), ``values`` (stored values,
city average, ranks), ``imports`` (validated CSV/XLSX import, rollback), ``district_index`` (the
districts' social index from the stored values), ``choropleth`` (map classes, colours, GeoJSON),
``profile`` (district profile), ``links`` (inputs linked to indicators) and ``demo`` (synthetic
demo data). ``social_index`` and ``demo_series`` are pure computation; the blueprints live in
``routes`` and ``api``.
"""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import api, cli, glance, permissions, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(api.api_bp)
    app.cli.add_command(cli.indicators_cli)
    register_predicates(permissions)  # perm.<name> in templates
    app.add_template_global(glance.district_glance)  # the district page's numbers at a glance
