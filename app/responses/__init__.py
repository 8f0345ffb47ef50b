"""Official responses of district mayors and planning offices."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..notifications import services as notifications
    from ..workflow import services as workflow
    from . import permissions, routes, services

    app.register_blueprint(routes.bp)
    workflow.set_response_lookup(services.latest_id)
    app.jinja_env.globals["public_timeline"] = services.public_timeline  # workflow/_timeline.html
    notifications.register_details(services.mail_details)  # the answer quoted in mails
    register_predicates(permissions)  # perm.<name> in templates
