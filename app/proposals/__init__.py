"""Proposals (Vorschläge): residents suggest improvements at a place; others support them."""

from __future__ import annotations

from flask import Flask

from ..core import clusters, files
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import api, cli, integration, listing, permissions, routes  # noqa: F401 - api adds its /api/v1 endpoints

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.uploads_cli)
    files.init_app(app)  # photos are written with the request's transaction
    app.context_processor(integration.template_helpers)
    integration.register()
    clusters.track(listing.SOURCE)  # the map's counts per cell, kept on write
    register_predicates(permissions)  # perm.<name> in templates
