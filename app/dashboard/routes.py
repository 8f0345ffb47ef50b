"""The district council's dashboard, its settings, the exports (CSV, XLSX, GeoJSON) and the
print view.
Thin routes: load → permission → (form → one service call → commit) → render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import exports
from ..core.permissions import authorize, is_admin, is_planner, requires
from ..core.time import utcnow
from ..districts import services as district_services
from ..districts.permissions import can_configure_council
from ..extensions import db
from ..needs.permissions import can_post_needs
from ..responses import services as response_services
from . import services
from .forms import PremoderationForm
from .permissions import can_print_district, can_view_council_dashboard

bp = Blueprint("dashboard", __name__)


def _council_or_404(slug: str):
    council = services.council_by_slug(slug)
    if council is None:
        abort(404)
    return council


@bp.get("/ortsteilrat/")
@requires(can_view_council_dashboard)
def index():
    everyone = is_admin(current_user) or is_planner(current_user)
    councils = services.councils_for(current_user, all_councils=everyone)
    if len(councils) == 1 and not everyone:
        return redirect(url_for("dashboard.show", slug=councils[0].slug))
    return render_template("dashboard/index.html", councils=councils)


def _render(council, districts, previous, *, form=None, status=200):
    """The dashboard page; ``previous`` is the visit before this one (``None``: first)."""
    district_ids = [d.id for d in districts]
    can_configure = can_configure_council(current_user, council)
    if can_configure and form is None:
        form = PremoderationForm(
            formdata=None, premoderation="on" if council.premoderation else "off"
        )
    return render_template(
        "dashboard/show.html",
        council=council,
        districts=districts,
        new=services.new_since(
            district_ids, services.since_for(previous), first_visit=previous is None
        ),
        reports=services.open_reports(district_ids),
        top=services.top_proposals(district_ids),
        needs=services.council_needs(council),
        new_need_url=services.endpoint_url("needs.new") if can_post_needs(current_user) else None,
        summary=services.barrier_summary(district_ids),
        can_configure=can_configure,
        form=form,
        services=services,
    ), status


@bp.get("/ortsteilrat/<slug>/")
@requires(can_view_council_dashboard)
def show(slug: str):
    council = _council_or_404(slug)
    authorize(can_view_council_dashboard(current_user, council))
    districts = services.district_list(council)
    previous = services.track_visit(current_user, council)
    db.session.commit()
    return _render(council, districts, previous)


@bp.post("/ortsteilrat/<slug>/einstellungen")
@requires(can_configure_council)
def settings(slug: str):
    council = _council_or_404(slug)
    authorize(can_configure_council(current_user, council))
    form = PremoderationForm()
    if form.validate_on_submit():
        enabled = form.premoderation.data == "on"
        services.set_premoderation(current_user, council, enabled)
        db.session.commit()
        flash(
            _("Pre-moderation is now switched on.")
            if enabled
            else _("Pre-moderation is now switched off."),
            "success",
        )
        return redirect(url_for("dashboard.show", slug=council.slug, _anchor="settings-title"))
    districts = services.district_list(council)
    previous = services.previous_visit(current_user, council)
    return _render(council, districts, previous, form=form, status=400)


def _export(slug: str, extension: str):
    """The council's public inputs as a streamed download: ``csv``, ``xlsx`` or ``geojson``."""
    council = _council_or_404(slug)
    authorize(can_view_council_dashboard(current_user, council))
    district_ids = [d.id for d in services.district_list(council)]
    filename = f"ortsteilrat-{council.slug}-{utcnow().date().isoformat()}.{extension}"
    rows = services.export_rows(district_ids)
    columns = services.EXPORT_COLUMNS
    if extension == "xlsx":
        return exports.xlsx_download(filename, columns, rows, title=council.name)
    if extension == "geojson":
        return exports.geojson_download(filename, columns, rows, point=services.export_point)
    return exports.csv_download(filename, columns, rows)


@bp.get("/ortsteilrat/<slug>/export.csv")
@requires(can_view_council_dashboard)
def export(slug: str):
    return _export(slug, "csv")


@bp.get("/ortsteilrat/<slug>/export.xlsx")
@requires(can_view_council_dashboard)
def export_xlsx(slug: str):
    return _export(slug, "xlsx")


@bp.get("/ortsteilrat/<slug>/export.geojson")
@requires(can_view_council_dashboard)
def export_geojson(slug: str):
    return _export(slug, "geojson")


@bp.get("/ortsteilrat/<slug>/druckansicht")
@requires(can_view_council_dashboard)
def print_view(slug: str):
    council = _council_or_404(slug)
    authorize(can_view_council_dashboard(current_user, council))
    districts = services.district_list(council)
    return render_template(
        "dashboard/print.html",
        council=council,
        districts=districts,
        inputs=services.public_inputs([d.id for d in districts], external=True),
        services=services,
        badge=response_services.badge,
        today=utcnow(),
    )


@bp.get("/ortsteile/<number>/druckansicht")
@requires(can_print_district)
def district_print_view(number: str):
    """A district's open needs and proposals, numbered, for a council meeting."""
    district = district_services.get_district(number)
    if district is None:
        abort(404)
    authorize(can_print_district(current_user, district))
    needs, proposals = services.open_inputs([district.id])
    return render_template(
        "dashboard/district_print.html",
        district=district,
        council=district.council,
        needs=needs,
        proposals=proposals,
        services=services,
        badge=response_services.badge,
        today=utcnow(),
    )
