"""The planners' back office: the triage inbox over every tracked input, the item view with
its actions, the export of the current filter and the navigation counts."""

from __future__ import annotations

from flask import Flask, url_for

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..notifications import services as notifications
    from ..workflow import triage
    from . import permissions, routes, services

    app.register_blueprint(routes.bp)
    app.jinja_env.globals["inbox_counts"] = services.nav_counts
    register_predicates(permissions)  # perm.<name> in templates
    # mentions in internal notes link to the back office's item view, not the public page
    notifications.register_link(
        triage.MENTION,
        lambda target_type, target_id: url_for(
            "backoffice.item", type_name=target_type, target_id=target_id
        ),
    )
