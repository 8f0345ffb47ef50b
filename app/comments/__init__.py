"""Comments on proposals, barrier reports and other registered content types."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import integration, permissions, routes

    app.register_blueprint(routes.bp)
    integration.register()
    register_predicates(permissions)  # perm.<name> in templates
