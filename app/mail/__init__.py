"""E-mail delivery of notifications: the outbox, the worker, digests, preferences and
one-click unsubscribe.

Placed in the import layers right below ``app.notifications`` (which writes outbox rows in
the event's transaction) and above ``app.accounts`` (the recipients). Domains above it that
want a section in the staff digest register it with :func:`app.mail.digests.register_section`
from their own ``init_app`` instead of being imported here.
"""

from __future__ import annotations

from flask import Flask

from ..core import content_types
from ..core.content_types import PersonalData
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import cli, permissions, routes, services, worker

    app.register_blueprint(routes.bp)
    register_predicates(permissions)  # perm.<name> in templates
    content_types.update(
        "mail:settings",
        personal_data=PersonalData("mail", export=services.export_own, erase=services.erase_own),
    )
    app.cli.add_command(cli.mail_cli)
    worker.init_console_flush(app)
