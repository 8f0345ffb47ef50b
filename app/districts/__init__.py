"""Districts (Ortsteile), councils (Ortsteilräte) and locating a point."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..core.i18n import current_language
    from . import admin, cli, integration, permissions, routes, sketch

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.bp)
    app.cli.add_command(cli.districts_cli)
    integration.register()
    register_predicates(permissions)  # perm.<name> in templates

    @app.template_filter("council_name")
    def council_name(council) -> str:
        """A council's name in the UI language (its English one where it has one)."""
        return council.label(current_language()) if council is not None else ""

    # item pages show a place as its district's sketch with words, not as coordinates
    @app.template_global()
    def place_sketch(item):
        return sketch.svg(item.district, item.lat, item.lon)

    @app.template_global()
    def place_description(item) -> str:
        return sketch.describe(item.district, item.lat, item.lon)
