"""Pages: the list of needs, new need, need page, edit (with the status), supports.
Thin routes: load → permission → form → one service call → commit → redirect."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.i18n import localized
from ..core.numbers import page_arg
from ..core.permissions import authorize, is_signed_in, public, requires
from ..core.supports import support_view, unsupport_view
from ..districts import services as district_services
from ..extensions import db
from ..moderation.permissions import can_see_moderated
from ..proposals import services as proposal_services
from ..workflow import services as workflow
from . import forms, integration, listing, services
from .models import PRIORITIES, Need
from .permissions import can_edit_need, can_post_needs, can_support_need

bp = Blueprint("needs", __name__)

PAGE_SIZE = 20


def _load(need_id: int) -> Need:
    need = db.session.get(Need, need_id)
    if need is None:
        abort(404)
    return need


def _load_public(need_id: int) -> Need:
    """The need, or 404 for people who may not see it while it is hidden or pending."""
    need = _load(need_id)
    if not need.is_visible and not can_see_moderated(current_user, need.district, need.author_id):
        abort(404)
    return need


def _form(need: Need | None = None) -> forms.NeedForm:
    if need is not None and request.method == "GET":
        form = forms.NeedForm(
            data={
                "council": str(need.council_id),
                "title": need.title,
                "description": need.description,
                "category": need.category.slug,
                "priority": need.priority,
                "status": need.status,
                **forms.NeedForm.place_data(need),
                "proposals": [str(i) for i in services.linked_proposal_ids(need.id)],
            }
        )
    else:
        form = forms.NeedForm()
    councils = [need.council] if need is not None else services.councils_of(current_user)
    keep = services.linked_proposal_ids(need.id) if need is not None else []
    form.set_choices(
        councils,
        proposal_services.categories(),
        services.linkable_proposals([c.id for c in councils], keep=keep),
    )
    return form


def _save(form: forms.NeedForm, need: Need | None = None) -> Need | None:
    """Create or change the need from a valid form; ``None`` with the errors on the form."""
    council = need.council if need is not None else form.chosen_council
    address = form.address.data or ""
    try:
        ids = services.parse_proposal_ids(form.proposals.data)
        point = form.point()
        if point is not None:
            place = services.place_from_point(council, point[0], point[1], address)
        else:
            place = services.place_from_district(council, form.chosen_district, address)
        values = {
            "title": form.title.data,
            "description": form.description.data,
            "category": form.chosen_category,
            "priority": form.priority.data,
            "place": place,
            "linked_proposal_ids": ids,
        }
        if need is None:
            return services.create_need(current_user, council, **values)
        services.edit_need(current_user, need, status=form.status.data or None, **values)
        return need
    except services.NeedError as exc:
        field = form[exc.field] if exc.field and exc.field in form else form.title
        field.errors = [*field.errors, str(exc)]
        return None


@bp.get("/bedarfe/")
@public
def index():
    filters, error = listing.Filters.for_page(
        request.args, ("category", "district", "priority", "status")
    )
    number = page_arg()
    rows, total = listing.page(filters, number, PAGE_SIZE)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    districts = district_services.list_districts()
    return (
        render_template(
            "needs/index.html",
            rows=rows,
            total=total,
            number=number,
            pages=pages,
            page_url=lambda n: url_for("needs.index", **filters.query_args(limit=None), page=n),
            filters=filters,
            typed=request.args,
            error=error,
            categories=[(c.slug, localized(c, "name")) for c in proposal_services.categories()],
            districts=[(d.number, f"{d.number} {d.name}") for d in districts],
            priorities=[(p, services.PRIORITY_LABELS[p]) for p in PRIORITIES],
            statuses=workflow.status_choices(),
        ),
        400 if error else 200,
    )


@bp.route("/bedarfe/neu", methods=["GET", "POST"])
@requires(can_post_needs)
def new():
    form = _form()
    if form.validate_on_submit():
        need = _save(form)
        if need is not None:
            integration.follow_own(current_user, need)
            integration.notify_new(need, current_user)
            db.session.commit()
            flash(_("The need has been published."), "success")
            return redirect(url_for("needs.show", need_id=need.id))
    status = 400 if form.errors else 200
    return render_template("needs/form.html", form=form, need=None), status


@bp.get("/bedarfe/<id:need_id>")
@public
def show(need_id: int):
    need = _load_public(need_id)
    return render_template(
        "needs/show.html",
        need=need,
        council_label=services.council_label(need.council),
        role_label=services.role_label(need.author_role),
        priority_text=services.PRIORITY_LABELS.get(need.priority, need.priority),
        status_text=services.status_label(need.status),
        proposals=services.linked_proposals(need.id),
        supports=services.support_count(need.id),
        supported=services.has_supported(current_user, need.id),
        can_support=can_support_need(current_user, need),
        can_edit=can_edit_need(current_user, need),
        confirm_form=forms.ConfirmForm(),
        description_html=proposal_services.linkify(need.description),
    )


@bp.route("/bedarfe/<id:need_id>/bearbeiten", methods=["GET", "POST"])
@requires(can_post_needs)
def edit(need_id: int):
    need = _load(need_id)
    authorize(can_edit_need(current_user, need))
    form = _form(need)
    if form.validate_on_submit() and _save(form, need) is not None:
        db.session.commit()
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("needs.show", need_id=need.id))
    status = 400 if form.errors else 200
    return render_template("needs/form.html", form=form, need=need), status


@bp.post("/bedarfe/<id:need_id>/unterstuetzen")
@requires(can_support_need)
def support(need_id: int):
    need = _load_public(need_id)
    return support_view(
        need,
        allowed=can_support_need(current_user, need),
        support=services.support,
        back=url_for("needs.show", need_id=need.id),
    )


@bp.post("/bedarfe/<id:need_id>/unterstuetzung-zurueckziehen")
@requires(is_signed_in)
def unsupport(need_id: int):
    need = _load_public(need_id)
    return unsupport_view(
        need, unsupport=services.unsupport, back=url_for("needs.show", need_id=need.id)
    )
