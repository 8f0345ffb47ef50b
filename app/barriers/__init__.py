"""Access-barrier reports: the offers catalogue, reports, "affects me too", aggregates."""

from __future__ import annotations

from flask import Flask

from ..core import clusters as map_clusters
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import api, cli, integration, permissions, routes  # noqa: F401 - api adds its /api/v1 endpoints
    from .clusters import OFFER_SOURCE

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.barriers_cli)
    integration.register()
    map_clusters.register(OFFER_SOURCE)  # the barrier map's offers, counted live
    register_predicates(permissions)  # perm.<name> in templates
