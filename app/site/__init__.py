"""Pages that bring the domains together: the home page, language and map tiles, the map
page ``/karte``, the audit log, and ``flask setup``."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import audit_views, cli, map_routes, routes, tiles

    app.register_blueprint(routes.bp)
    app.register_blueprint(audit_views.bp)
    app.register_blueprint(map_routes.bp)
    app.cli.add_command(cli.setup_command)
    app.cli.add_command(cli.map_cells_command)

    @app.template_global()
    def tile_layer_attributes() -> Markup:
        """The data attributes of a map's tile layer (URL, attribution, zoom range, bounds):
        the maps offer exactly the tiles the proxy serves."""
        return Markup(" ").join(
            Markup('{}="{}"').format(name, value)
            for name, value in tiles.layer_settings(app.config).items()
        )
