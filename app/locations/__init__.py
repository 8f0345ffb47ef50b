"""Location decisions (Standortentscheidungen) for the advisory board: scenarios that rank the
districts for the next site of a programme by weighted criteria, with the stability of the
ranking, saved, compared, shared read-only with the board, exported and decided."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..core.audit import register_actions
from ..core.permissions import register_predicates

AUDIT_LABELS = {
    "location_scenario.created": _l("Location scenario created"),
    "location_scenario.edited": _l("Location scenario edited"),
    "location_scenario.decided": _l("Board's location decision recorded"),
    "location_share.created": _l("Read-only link to a location scenario made"),
    "location_share.revoked": _l("Read-only link to a location scenario revoked"),
}


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import integration, permissions, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.public_bp)
    register_actions(AUDIT_LABELS)  # the audit log page names these actions
    register_predicates(permissions)
    integration.register()  # the measure page names the decisions that led to it
