"""Open311 GeoReport v2 at /open311/v2/: third-party clients read the public proposals and
needs and create proposals with an API key."""

from __future__ import annotations

from flask import Flask

from ..core import errors
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import cli, permissions, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.admin_bp)
    app.cli.add_command(cli.open311_cli)
    errors.register_renderer(routes.PREFIX + "/", routes.render_error)
    register_predicates(permissions)
