"""Accounts: registration, login, password reset, own data; roles and offices."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..districts import services as districts
    from . import admin, cli, permissions, routes, services

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.bp)
    app.cli.add_command(cli.users_cli)
    register_predicates(permissions)  # perm.<name> in templates
    app.add_template_global(services.council_people)  # the district page's council
    districts.register_council_use("roles", services.council_has_roles)
