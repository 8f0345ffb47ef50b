"""Follows, in-app notifications and "my contributions"."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import permissions, routes

    app.register_blueprint(routes.bp)
    register_predicates(permissions)  # perm.<name> in templates
