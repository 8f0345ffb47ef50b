"""Local needs (Bedarfe) that district councils post for their districts."""

from __future__ import annotations

from flask import Flask

from ..core import clusters
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import api, integration, listing, permissions, routes  # noqa: F401 - api adds its /api/v1 endpoints

    app.register_blueprint(routes.bp)
    app.context_processor(integration.template_helpers)
    integration.register()
    clusters.track(listing.SOURCE)  # the map's counts per cell, kept on write
    register_predicates(permissions)  # perm.<name> in templates
