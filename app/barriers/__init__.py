"""Access-barrier reports: the offers catalogue, reports, "affects me too", aggregates."""

from flask import Blueprint

bp = Blueprint("barriers", __name__)

from . import integration, routes  # noqa: E402, F401

integration.register()
integration.register_comment_target()
integration.register_contributions()
integration.register_personal_data()
