"""Districts (Ortsteile), councils (Ortsteilräte) and locating a point."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import admin, cli, integration, permissions, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.bp)
    app.cli.add_command(cli.districts_cli)
    integration.register()
    register_predicates(permissions)  # perm.<name> in templates
