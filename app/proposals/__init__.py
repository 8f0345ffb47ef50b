"""Proposals (Vorschläge): residents suggest improvements at a place; others support them."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)

from . import integration, routes  # noqa: E402, F401

integration.register()
integration.register_comment_target()
integration.register_contributions()


@bp.app_context_processor
def _template_helpers():
    """Helpers for templates; they query only when a template calls them."""
    from .services import STATUS_LABELS, all_for_district_url, latest_for_district

    return {
        "district_proposals": lambda district: latest_for_district(district.id),
        "proposals_all_url": all_for_district_url,
        "status_label": lambda status: STATUS_LABELS.get(status, status),
    }
