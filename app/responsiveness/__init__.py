"""How fast the city answers: the back office's figures page (inputs by district, status,
category and office; the backlog by age; response and closure times; the barrier
aggregates) and the public page "Wie schnell antwortet die Stadt?" with its CSV."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import permissions, routes

    # Figures over every work item take a while: computed at most every 5 minutes per process
    # (the tests compute them every time).
    app.config.setdefault("RESPONSIVENESS_CACHE_SECONDS", 0 if app.testing else 300)
    app.register_blueprint(routes.bp)
    register_predicates(permissions)  # perm.<name> in templates
