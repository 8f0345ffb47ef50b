"""Public JSON API, version 1 (``/api/v1``): the shared blueprint and the district endpoints.

The domains add their endpoints to :data:`app.api.blueprint.bp`; ``create_app`` calls
:func:`init_app` after their ``init_app``, when every endpoint is there."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import blueprint, districts  # noqa: F401 - districts adds its endpoints

    app.register_blueprint(blueprint.bp)
