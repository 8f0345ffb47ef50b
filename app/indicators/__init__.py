"""Indicators and the social index: district figures over time, imported with validation,
the MSS-method social index, choropleth maps and district profiles.

``social_index`` and ``demo_series`` are pure (no Flask); the blueprints live in ``routes`` and
``api``.
"""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import api, cli, permissions, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(api.api_bp)
    app.cli.add_command(cli.indicators_cli)
    register_predicates(permissions)  # perm.<name> in templates
