"""Pages: new proposal (with the duplicate hint), proposal page, edit, withdraw, supports,
photo. Thin routes: load → permission → form → one service call → commit → redirect.

Duplicate hint without JavaScript: the first POST ("Weiter") checks for similar proposals
within 300 m. If there are some, a confirm step lists them (each with "support this one"),
with the typed values in hidden fields and "Trotzdem einreichen". If there are none, the
proposal is saved straight away – an extra confirm step would only cost a click.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import can_contribute
from ..core import files
from ..core.permissions import authorize, is_signed_in, public, requires
from ..core.supports import support_view, unsupport_view
from ..core.urls import external_url
from ..districts import services as district_services
from ..districts.services import OutsideCity
from ..extensions import db
from ..moderation.visibility import can_see
from . import forms, integration, photos, services
from .models import Proposal
from .permissions import (
    can_create_proposal,
    can_edit_proposal,
    can_support_proposal,
    can_withdraw_proposal,
)

bp = Blueprint("proposals", __name__)


def _load(proposal_id: int) -> Proposal:
    """The proposal, or 404 – also when it is hidden or pending and the viewer is neither its
    author nor one of its moderators (for the public it does not exist)."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_see(current_user, "proposal", proposal):
        abort(404)
    return proposal


def _form(proposal: Proposal | None = None) -> forms.ProposalForm:
    preset = request.args.get("ortsteil", "") if proposal is None else ""
    if proposal is None and request.method == "GET" and preset:
        # started from a district page: that district is chosen (an unknown number is ignored)
        form = forms.ProposalForm(data={"district": preset})
    elif proposal is not None and request.method == "GET":
        form = forms.ProposalForm(
            data={
                "title": proposal.title,
                "description": proposal.description,
                "category": proposal.category.slug,
                **forms.ProposalForm.place_data(proposal),
            }
        )
    else:
        form = forms.ProposalForm()
    form.set_choices(services.categories(), district_services.list_districts())
    if preset and request.method == "GET" and form.chosen_district is None:
        form.district.data = ""
    return form


def _map_centre(form: forms.ProposalForm) -> tuple[float, float] | None:
    """Where the place map opens: the chosen district's label point (none: the city)."""
    district = form.chosen_district if form.district.data else None
    return (district.label_lat, district.label_lon) if district is not None else None


def _place(form: forms.ProposalForm):
    """The place from the form, or ``None`` with the error on the form."""
    address = form.address.data or ""
    point = form.point()
    if point is not None:
        try:
            return services.place_from_point(point[0], point[1], address)
        except OutsideCity:
            form.lat.errors.append(
                _("This place is outside Erfurt. Please choose a place in Erfurt or a district.")
            )
            return None
    return services.place_from_district(form.chosen_district, address)


def _photo(form: forms.ProposalForm) -> tuple[bool, photos.CheckedPhoto | None]:
    """(ok, a new upload checked in memory): nothing is written before the whole form is
    valid, see :func:`_store_photo`."""
    upload = form.photo.data
    if upload and getattr(upload, "filename", ""):
        try:
            return True, photos.check_photo(upload.stream)
        except photos.PhotoError as exc:
            form.photo.errors = [*form.photo.errors, str(exc)]
            return False, None
    return True, None


def _store_photo(form: forms.ProposalForm, upload: photos.CheckedPhoto | None) -> str | None:
    """The photo name for a valid form: the new upload, written now (removed again unless the
    request commits), or the one kept from the confirmation step."""
    if upload is not None:
        name = photos.store(upload)
        form.photo_name.data = name
        return name
    kept = form.photo_name.data or ""
    if kept and photos.path_for(kept) is None:
        form.photo_name.data = ""
        return None
    return kept or None


def _refused(form: forms.ProposalForm, upload: photos.CheckedPhoto | None) -> None:
    """A refused form keeps no file: ask for a good photo once more."""
    if upload is not None:
        again = _("Please choose the photo again: it is only saved together with the proposal.")
        form.photo.description = f"{again} {form.photo.description}"


@bp.route("/vorschlaege/neu", methods=["GET", "POST"])
@requires(can_create_proposal)
def new():
    form = _form()
    if form.validate_on_submit():
        place = _place(form)
        ok, upload = _photo(form)
        if place is not None and ok:
            photo = _store_photo(form, upload)
            if not form.confirm.data:
                similar = services.similar_proposals(form.title.data, place.lat, place.lon)
                if similar:
                    if photo:  # kept for "Submit anyway"; `flask uploads gc` removes it if unused
                        files.keep(photos.folder() / photo)
                    return render_template(
                        "proposals/confirm.html",
                        form=form,
                        similar=similar,
                        support_form=forms.ConfirmForm(),
                    )
            proposal = services.create_proposal(
                current_user,
                title=form.title.data,
                description=form.description.data,
                category=form.chosen_category,
                place=place,
                photo=photo,
            )
            integration.follow_own(current_user, proposal)
            pending = proposal.is_pending_approval
            if not pending:  # pre-moderation: followers hear about it once it is approved
                integration.notify_new(proposal, current_user)
            db.session.commit()
            flash(
                _("Thank you. Your proposal will be published after approval.")
                if pending
                else _("Thank you. Your proposal has been published."),
                "success",
            )
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
        _refused(form, upload)
    status = 400 if form.errors else 200
    return render_template(
        "proposals/form.html", form=form, proposal=None, map_centre=_map_centre(form)
    ), status


@bp.get("/vorschlaege/<id:proposal_id>")
@public
def show(proposal_id: int):
    proposal = _load(proposal_id)
    supported = services.has_supported(current_user, proposal.id)
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        supports=services.support_count(proposal.id),
        supported=supported,
        can_support=proposal.is_visible and can_support_proposal(current_user, proposal),
        can_edit=can_edit_proposal(current_user, proposal),
        can_withdraw=can_withdraw_proposal(current_user, proposal),
        confirm_form=forms.ConfirmForm(),
        share_url=external_url("proposals.show", proposal_id=proposal.id),
        description_html=services.linkify(proposal.description),
    )


@bp.get("/vorschlaege/<id:proposal_id>/foto")
@public
def photo(proposal_id: int):
    proposal = _load(proposal_id)
    path = photos.path_for(proposal.photo or "")
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/vorschlaege/<id:proposal_id>/bearbeiten", methods=["GET", "POST"])
@requires(can_contribute)
def edit(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(can_edit_proposal(current_user, proposal))
    form = _form(proposal)
    if form.validate_on_submit():
        place = _place(form)
        ok, upload = _photo(form)
        if place is not None and ok:
            photo = _store_photo(form, upload)
            replaced = proposal.photo if photo and photo != proposal.photo else None
            services.edit_proposal(
                proposal,
                title=form.title.data,
                description=form.description.data,
                category=form.chosen_category,
                place=place,
                photo=photo,
            )
            db.session.commit()
            photos.delete_photo(replaced)
            flash(_("Your changes have been saved."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
        _refused(form, upload)
    status = 400 if form.errors else 200
    return render_template("proposals/form.html", form=form, proposal=proposal), status


@bp.post("/vorschlaege/<id:proposal_id>/zurueckziehen")
@requires(is_signed_in)
def withdraw(proposal_id: int):
    proposal = _load(proposal_id)
    authorize(can_withdraw_proposal(current_user, proposal))
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    services.withdraw(current_user, proposal)
    integration.notify_status(proposal, current_user)
    db.session.commit()
    flash(_("Your proposal has been withdrawn."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.post("/vorschlaege/<id:proposal_id>/unterstuetzen")
@requires(can_support_proposal)
def support(proposal_id: int):
    proposal = _load(proposal_id)
    return support_view(
        proposal,
        allowed=proposal.is_visible and can_support_proposal(current_user, proposal),
        support=services.support,
        back=url_for("proposals.show", proposal_id=proposal.id),
    )


@bp.post("/vorschlaege/<id:proposal_id>/unterstuetzung-zurueckziehen")
@requires(is_signed_in)
def unsupport(proposal_id: int):
    proposal = _load(proposal_id)
    return unsupport_view(
        proposal,
        unsupport=services.unsupport,
        back=url_for("proposals.show", proposal_id=proposal.id),
    )
