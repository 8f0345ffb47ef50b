"""Measures (Maßnahmen): planned and implemented interventions, linked to inputs and
indicators, with public accountability pages, the feedback to contributors, import and
export."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import api, backoffice, cli, integration, permissions, routes  # noqa: F401 - api adds /api/v1 endpoints

    app.register_blueprint(routes.bp)
    app.register_blueprint(backoffice.bp)
    app.cli.add_command(cli.measures_cli)
    app.context_processor(integration.template_helpers)
    integration.register()
    register_predicates(permissions)
