"""The planners' back office: the triage inbox over every tracked input, the item view with
its actions, the export of the current filter and the navigation counts."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import permissions, routes, services

    app.register_blueprint(routes.bp)
    app.jinja_env.globals["inbox_counts"] = services.nav_counts
    register_predicates(permissions)  # perm.<name> in templates
