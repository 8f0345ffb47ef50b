"""Pages: barrier summary and list, report form, report page, "affects me too", planner
view with export, offers catalogue administration with CSV import."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..core.csv_export import csv_response
from ..core.form_pages import edit_label_page
from ..core.forms import options
from ..core.numbers import NumberError, page_arg, parse_id
from ..core.permissions import authorize, public, requires
from ..districts import services as district_services
from ..extensions import db
from . import forms, integration, services
from .models import VISIBILITY_PUBLIC, BarrierReport, BarrierType, Offer
from .permissions import (
    can_add_affected,
    can_edit_barrier_types,
    can_manage_offers,
    can_read_barrier_types,
    can_report_barrier,
    can_view_barrier_details,
    can_view_barrier_report,
)

bp = Blueprint("barriers", __name__)

PAGE_SIZE = 30


def _page() -> int:
    return page_arg(last=10_000)


# --- public -----------------------------------------------------------------------------------


@bp.get("/barrieren")
@public
def index():
    page = _page()
    total = services.count_public_reports()
    return render_template(
        "barriers/index.html",
        summary=services.cached_summary(),
        reports=services.public_reports(PAGE_SIZE, (page - 1) * PAGE_SIZE),
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        labels=services.barrier_labels(),
        can_details=can_view_barrier_details(current_user),
        can_offers=can_manage_offers(current_user),
        mine=services.own_reports(current_user),
    )


def _load_report(report_id: int) -> BarrierReport:
    report = db.session.get(BarrierReport, report_id)
    # Private reports are 404 to others: do not reveal that they exist. So are public reports
    # hidden by the moderation, except to their author and their moderators.
    if report is None or not can_view_barrier_report(current_user, report):
        abort(404)
    return report


def _comments_available(report: BarrierReport) -> bool:

    return (
        report.visibility == VISIBILITY_PUBLIC
        and "comments" in current_app.blueprints
        and "notifications" in current_app.blueprints
    )


@bp.get("/barrieren/<id:report_id>")
@public
def report(report_id: int):
    return _render_report(_load_report(report_id))


def _render_report(report: BarrierReport, code: int = 200):
    own = services.own_entry(report, current_user)
    return render_template(
        "barriers/report.html",
        report=report,
        own=own,
        threshold=services.min_cell(),
        labels=services.barrier_labels(),
        details_labels=_details_labels(),
        can_add=can_add_affected(current_user, report),
        withdraw_form=forms.ConfirmForm(),
        with_comments=_comments_available(report),
        can_details=can_view_barrier_details(current_user),
        people=report.affected_people if can_view_barrier_details(current_user) else [],
    ), code


def _details_labels():
    return {
        "affected": services.AFFECTED_LABELS,
        "age": services.AGE_LABELS,
        "benefits": services.BENEFIT_LABELS,
    }


def _report_form() -> forms.ReportForm:
    form = forms.ReportForm()
    q = request.args.get("q", "").strip()[:100]
    groups = services.offers_for_select() if not q else _filtered_groups(q)
    form.set_choices(groups, district_services.list_districts())
    return form


def _filtered_groups(q: str):
    groups: dict[str, list[Offer]] = {}
    for offer in services.list_offers(q):
        groups.setdefault(f"{offer.district.number} {offer.district.name}", []).append(offer)
    return list(groups.items())


@bp.route("/barrieren/melden", methods=["GET", "POST"])
@requires(can_report_barrier)
def new_report():
    form = _report_form()
    if request.method == "GET":
        try:
            chosen = parse_id(request.args.get("offer"))
        except NumberError:
            chosen = None
        if chosen is not None:
            form.offer.data = str(chosen)
    if form.validate_on_submit():
        offer_id = parse_id(form.offer.data)  # one of the offered ids (validate_offer)
        offer = db.session.get(Offer, offer_id) if offer_id is not None else None
        district = district_services.get_district(form.district_from.data)
        try:
            report = services.create_report(
                current_user,
                offer=offer,
                offer_text=form.offer_text.data or "",
                district_from=district,
                text=form.text.data or "",
                visibility=form.visibility.data,
                details=form.details(),
            )
        except services.BarrierError as exc:
            form.offer_text.errors.append(str(exc))
        else:
            integration.follow_own(current_user, report)
            db.session.commit()
            flash(_("Thank you. Your report has been saved."), "success")
            return redirect(url_for("barriers.report", report_id=report.id))
    status = 400 if form.errors else 200
    return render_template(
        "barriers/form.html", form=form, q=request.args.get("q", "")[:100]
    ), status


@bp.route("/barrieren/<id:report_id>/betrifft-mich", methods=["GET", "POST"])
@requires(can_report_barrier)
def affected(report_id: int):
    report = _load_report(report_id)
    own = services.own_entry(report, current_user)
    if own is None or not own.is_reporter:
        authorize(can_add_affected(current_user, report))
    if own is not None and request.method == "GET":
        form = forms.AffectedDetailsForm(
            keep=own.barrier_types,
            data={
                "barrier_types": own.barrier_types,
                "affected": own.affected,
                "age_group": own.age_group,
                "participation_benefits": own.participation_benefits,
            },
        )
    else:
        form = forms.AffectedDetailsForm(keep=own.barrier_types if own is not None else ())
    if form.validate_on_submit():
        services.set_affected(current_user, report, form.details())
        if own is None:
            integration.notify_affected(report, current_user)
        db.session.commit()
        flash(_("Thank you. Your details have been saved."), "success")
        return redirect(url_for("barriers.report", report_id=report.id))
    status = 400 if form.errors else 200
    return render_template(
        "barriers/affected.html",
        form=form,
        report=report,
        own=own,
        labels=services.barrier_labels(),
    ), status


@bp.post("/barrieren/<id:report_id>/betrifft-mich/zurueckziehen")
@requires(can_report_barrier)
def withdraw_affected(report_id: int):
    report = _load_report(report_id)
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if services.remove_affected(current_user, report):
        db.session.commit()
        flash(_("Your “affects me too” has been withdrawn."), "success")
    return redirect(url_for("barriers.report", report_id=report.id))


# --- planners and admins ------------------------------------------------------------------------


@bp.get("/barrieren/verwaltung")
@requires(can_view_barrier_details)
def manage():
    page = _page()
    total = services.count_reports()
    return render_template(
        "barriers/manage.html",
        reports=services.reports_with_details(PAGE_SIZE, (page - 1) * PAGE_SIZE),
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        labels=services.barrier_labels(),
        details_labels=_details_labels(),
    )


@bp.get("/barrieren/verwaltung/typen/")
@requires(can_read_barrier_types)
def barrier_types():
    return render_template(
        "barriers/types.html",
        types=services.barrier_types(include_inactive=True),
        can_edit=can_edit_barrier_types(current_user),
    )


@bp.route("/barrieren/verwaltung/typen/<id:type_id>", methods=["GET", "POST"])
@requires(can_edit_barrier_types)
def edit_barrier_type(type_id: int):
    return edit_label_page(
        BarrierType,
        type_id,
        forms.BarrierTypeForm,
        services.update_barrier_type,
        template="barriers/type_form.html",
        name="barrier_type",
        saved=_("The barrier type has been saved."),
        back=lambda: url_for("barriers.barrier_types"),
    )


@bp.get("/barrieren/verwaltung/export.csv")
@requires(can_view_barrier_details)
def export():
    return csv_response("zugangsbarrieren.csv", *services.export_table(), no_store=True)


@bp.get("/angebote/verwaltung")
@requires(can_manage_offers)
def offers():
    q = request.args.get("q", "").strip()[:100]
    return render_template(
        "barriers/offers.html",
        offers=services.list_offers(q, include_inactive=True),
        q=q,
        form=forms.ConfirmForm(),
    )


def _offer_form(offer: Offer | None = None) -> forms.OfferForm:
    form = forms.OfferForm(obj=offer) if offer is not None else forms.OfferForm()
    form.type.choices = options(
        [("", _("Please choose"))]
        + [(str(t.id), services.type_label(t)) for t in services.offer_types()]
    )
    if offer is not None and request.method == "GET":
        form.type.data = str(offer.type_id)
        form.lat.data = f"{offer.lat:.6f}"
        form.lon.data = f"{offer.lon:.6f}"
    return form


def _save_offer(offer: Offer | None):
    form = _offer_form(offer)
    if form.validate_on_submit():
        try:
            saved = services.save_offer(
                current_user,
                offer,
                name=form.name.data.strip(),
                type_id=parse_id(form.type.data),
                address=(form.address.data or "").strip(),
                provider=(form.provider.data or "").strip(),
                lat=form.lat.number,
                lon=form.lon.number,
            )
        except services.BarrierError as exc:
            form.lat.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The offer “%(name)s” has been saved.", name=saved.name), "success")
            return redirect(url_for("barriers.offers"))
    status = 400 if form.errors else 200
    return render_template("barriers/offer_form.html", form=form, offer=offer), status


@bp.route("/angebote/verwaltung/neu", methods=["GET", "POST"])
@requires(can_manage_offers)
def new_offer():
    return _save_offer(None)


@bp.route("/angebote/verwaltung/<id:offer_id>", methods=["GET", "POST"])
@requires(can_manage_offers)
def edit_offer(offer_id: int):
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        abort(404)
    return _save_offer(offer)


@bp.post("/angebote/verwaltung/<id:offer_id>/aktiv")
@requires(can_manage_offers)
def toggle_offer(offer_id: int):
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        abort(404)
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_offer_active(current_user, offer, not offer.active)
    db.session.commit()
    if offer.active:
        flash(_("The offer “%(name)s” is active again.", name=offer.name), "success")
    else:
        flash(_("The offer “%(name)s” has been deactivated.", name=offer.name), "success")
    return redirect(url_for("barriers.offers"))


@bp.route("/angebote/verwaltung/import", methods=["GET", "POST"])
@requires(can_manage_offers)
def import_offers():
    form = forms.ImportForm()
    report = None
    text = ""
    if form.validate_on_submit():
        if request.form.get("confirm") and form.csv_text.data:
            text = form.csv_text.data
            report = services.validate_offer_csv(text)
            count = services.import_offers(current_user, report)
            db.session.commit()
            flash(_("%(count)d offers have been imported.", count=count), "success")
            return redirect(url_for("barriers.offers"))
        upload = form.file.data
        raw = upload.read(services.MAX_CSV_BYTES + 1) if upload else b""
        if not raw:
            form.file.errors.append(_("Please choose a CSV file."))
        elif len(raw) > services.MAX_CSV_BYTES:
            form.file.errors.append(_("The file is larger than 1 MB."))
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                form.file.errors.append(_("The file must be saved as UTF-8."))
            else:
                report = services.validate_offer_csv(text)
                form.csv_text.data = text
    elif request.method == "POST" and not form.errors:
        abort(400)
    status = 400 if form.errors else 200
    return render_template("barriers/import.html", form=form, report=report, csv_text=text), status
