"""The pages a German public body's site must have and the easy-to-read ones.

Datenschutzerklärung, Impressum and Erklärung zur Barrierefreiheit (BITV 2.0 § 7 / ThürBarrWebG)
as Markdown files a city replaces under ``instance/legal/`` (:mod:`app.legal.content`), the
accessibility feedback form (stored, mailed through the outbox to
``ACCESSIBILITY_FEEDBACK_EMAIL``, listed for admins), the Leichte-Sprache pages, and the place
for a German Sign Language video on the start page. Top layer, beside ``app.site``.
"""

from __future__ import annotations

from flask import Flask, current_app

from ..core import content_types
from ..core.content_types import PersonalData
from ..core.permissions import register_predicates


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from ..mail.messages import register_builder
    from . import permissions, routes, services

    app.config.setdefault("MEDIA_FOLDER", f"{app.instance_path}/media")
    if app.config.get("ENV_NAME") == "production" and not app.config.get(
        "ACCESSIBILITY_FEEDBACK_EMAIL"
    ):
        app.logger.warning(
            "ACCESSIBILITY_FEEDBACK_EMAIL is not set: accessibility feedback is only listed "
            "at /admin/barrierefreiheit/rueckmeldungen, nobody is mailed"
        )
    app.register_blueprint(routes.bp)
    register_predicates(permissions)
    register_builder(services.MAIL_KIND, services.build_mail)
    content_types.update(
        "legal:accessibility_feedback",
        personal_data=PersonalData(
            "accessibility_feedback", export=services.export_own, erase=services.erase_own
        ),
    )

    @app.template_global()
    def dgs_video() -> dict | None:
        """The start page's German Sign Language video, or ``None`` when none is configured."""
        url = (current_app.config.get("DGS_VIDEO_URL") or "").strip()
        if not url:
            return None
        return {"url": url, "captions": (current_app.config.get("DGS_VIDEO_CAPTIONS_URL") or "")}
