"""Local needs (Bedarfe) that district councils post for their districts."""

from flask import Blueprint

bp = Blueprint("needs", __name__)

from . import api, integration, routes  # noqa: E402, F401

integration.register_all()


@bp.app_context_processor
def _template_helpers():
    """Helpers for templates (district page, proposal page); they query only when called."""
    from . import services

    return {
        "district_needs": lambda district: services.for_district(district.id),
        "proposal_needs": lambda proposal: services.needs_for_proposal(proposal.id),
        "need_priority_label": lambda p: services.PRIORITY_LABELS.get(p, p),
        "need_status_label": lambda s: services.STATUS_LABELS.get(s, s),
        "need_council_label": services.council_label,
        "need_role_label": services.role_label,
    }
