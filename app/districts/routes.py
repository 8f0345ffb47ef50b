"""District pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..core.page_cache import cached
from ..core.permissions import public
from . import services

bp = Blueprint("districts", __name__, url_prefix="/ortsteile")


@bp.get("/<number>")
@public
@cached
def show(number: str):
    district = services.get_district(number)
    if district is None:
        abort(404)
    # the council's people: ``council_people`` (a template global of the accounts domain)
    return render_template("districts/show.html", district=district)
