"""Comments on proposals, barrier reports and other registered targets."""

from flask import Blueprint

bp = Blueprint("comments", __name__, url_prefix="/kommentare")

from . import routes  # noqa: E402, F401


def _register_personal_data() -> None:
    from ..accounts.services import register_personal_data
    from .services import export_own

    register_personal_data("comments", export=export_own)


_register_personal_data()
