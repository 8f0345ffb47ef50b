"""Moderation: hide with a reason, flags by citizens, the district-scoped queue, pre-moderation."""

from __future__ import annotations

from flask import Flask

from ..core import content_types
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..mail.digests import register_staff_section
    from . import api, digest, permissions, routes, visibility

    app.register_blueprint(routes.bp)
    app.register_blueprint(api.api_bp)
    # the read side: who sees hidden items (every registered loader), the banners' globals
    content_types.set_visibility_rule(visibility.rule)
    app.add_template_global(visibility.state_label, "moderation_state_label")
    app.add_template_global(visibility.moderation_notice)
    app.add_template_global(visibility.comment_visibility)
    register_predicates(permissions)  # perm.<name> in templates
    register_staff_section(digest.SECTION)  # the weekly staff digest shows the queue
