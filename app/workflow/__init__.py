"""The back office's workflow: statuses as data, work items, history, routing."""

from __future__ import annotations

from flask import Flask

from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..core import supports
    from ..mail.digests import register_staff_section
    from ..notifications import services as notifications
    from . import cli, digest, permissions, routes, services, triage

    app.config.setdefault("WORKFLOW_DEFAULT_RESPONSE_DAYS", services.DEFAULT_RESPONSE_DAYS)
    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.workflow_cli)
    app.jinja_env.globals["workflow_status_label"] = services.status_label
    app.jinja_env.globals["workflow_status"] = services.status_by_key  # the cards' chip colour
    app.jinja_env.globals["workflow_timeline"] = services.timeline
    app.jinja_env.globals["workflow_original"] = triage.public_original
    register_predicates(permissions)  # perm.<name> in templates
    supports.on_change(services.recount_supports)  # the inbox's support counts
    register_staff_section(digest.SECTION)  # planners' weekly digest of their open items
    # the new status's name in the mails of status changes and answers
    notifications.register_details(services.mail_details)
