"""Moderation pages: the queue, an item's page with its reports and history, the actions
(hide, show again, approve, dismiss reports) and the citizens' report form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import can_contribute
from ..core.audit import action_label
from ..core.forms import options
from ..core.permissions import authorize, requires
from ..core.urls import safe_next
from ..extensions import db
from . import services
from .forms import ActionForm, FlagForm, HideForm, QueueFilterForm, reason_labels, state_labels
from .models import VISIBLE
from .permissions import can_moderate_somewhere
from .registry import moderated_types

bp = Blueprint("moderation", __name__)


@bp.app_template_global()
def moderation_links(target_type: str, item) -> dict:
    """What ``moderation/_report_link.html`` needs: may the viewer report or moderate it?"""
    entry = services.entry_for(target_type)
    if entry is None or item is None or not current_user.is_authenticated:
        return {"flag_url": None, "moderate_url": None}
    return {
        "flag_url": (
            url_for("moderation.flag", target_type=target_type, target_id=item.id)
            if services.may_flag(current_user, entry, item)
            else None
        ),
        "moderate_url": (
            url_for("moderation.item", target_type=target_type, target_id=item.id)
            if services.may_moderate(current_user, entry, item)
            else None
        ),
    }


def _load(target_type: str, target_id: int):
    loaded = services.load_item(target_type, target_id)
    if loaded is None:
        abort(404)
    return loaded


def _back(form) -> str:
    return safe_next(form.next.data or request.args.get("next"), url_for("moderation.queue"))


def _labels() -> dict:
    return {"reasons": reason_labels(), "states": state_labels()}


# --- queue and item page ---------------------------------------------------------------------


@bp.get("/moderation/")
@requires(can_moderate_somewhere)
def queue():
    form = QueueFilterForm(request.args)
    districts = services.moderated_district_choices(current_user)
    form.district.choices = options(
        [("", _("All your districts"))] + [(str(d.id), f"{d.number} {d.name}") for d in districts]
    )
    form.type.choices = options(
        [("", _("All kinds"))] + [(t.type, str(t.label)) for t in moderated_types()]
    )
    items, status = [], 200
    if request.args and not form.validate():
        status = 400
    else:
        items = services.queue(
            current_user,
            district_id=form.district.data,
            target_type=form.type.data or None,
        )
    return render_template(
        "moderation/queue.html",
        form=form,
        items=items,
        hide_form=HideForm(formdata=None),
        action_form=ActionForm(formdata=None),
        back=request.full_path if request.args else request.path,
        labels=_labels(),
    ), status


def _render_item(entry, obj, hide_form=None, status: int = 200):
    district = services.district_of(entry, obj)
    return render_template(
        "moderation/item.html",
        entry=entry,
        obj=obj,
        item=services.QueueItem(
            entry=entry,
            obj=obj,
            district=district,
            flag_count=services.open_flag_count(entry.type, obj.id),
        ),
        flags=services.flags_for(entry.type, obj.id),
        history=services.history(entry.type, obj.id),
        hide_form=hide_form or HideForm(formdata=None),
        action_form=ActionForm(formdata=None),
        back=request.args.get("next") or url_for("moderation.queue"),
        labels=_labels(),
        action_label=action_label,
    ), status


@bp.get("/moderation/<target_type>/<id:target_id>")
@requires(can_moderate_somewhere)
def item(target_type: str, target_id: int):
    entry, obj = _load(target_type, target_id)
    authorize(services.may_moderate(current_user, entry, obj))
    return _render_item(entry, obj)


# --- actions ---------------------------------------------------------------------------------


@bp.post("/moderation/<target_type>/<id:target_id>/verbergen")
@requires(can_moderate_somewhere)
def hide(target_type: str, target_id: int):
    entry, obj = _load(target_type, target_id)
    authorize(services.may_moderate(current_user, entry, obj))
    form = HideForm()
    if not form.validate_on_submit():
        return _render_item(entry, obj, hide_form=form, status=400)
    try:
        services.hide(current_user, target_type, obj, form.reason.data, form.note.data)
    except services.StateError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The content is hidden. Its author has been told why."), "success")
    return redirect(_back(form))


def _simple_action(target_type: str, target_id: int, action, done: str):
    entry, obj = _load(target_type, target_id)
    authorize(services.may_moderate(current_user, entry, obj))
    form = ActionForm()
    if not form.validate_on_submit():  # pragma: no cover - CSRF refuses first
        abort(400)
    try:
        action(current_user, target_type, obj)
    except services.StateError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(_back(form))


@bp.post("/moderation/<target_type>/<id:target_id>/einblenden")
@requires(can_moderate_somewhere)
def unhide(target_type: str, target_id: int):
    return _simple_action(
        target_type, target_id, services.unhide, _("The content is visible again.")
    )


@bp.post("/moderation/<target_type>/<id:target_id>/freigeben")
@requires(can_moderate_somewhere)
def approve(target_type: str, target_id: int):
    return _simple_action(
        target_type, target_id, services.approve, _("The content is approved and published.")
    )


@bp.post("/moderation/<target_type>/<id:target_id>/meldungen-erledigen")
@requires(can_moderate_somewhere)
def dismiss(target_type: str, target_id: int):
    return _simple_action(
        target_type, target_id, services.dismiss_flags, _("The reports have been dismissed.")
    )


# --- citizens report content ------------------------------------------------------------------


@bp.route("/melden/<target_type>/<id:target_id>", methods=["GET", "POST"])
@requires(can_contribute)
def flag(target_type: str, target_id: int):
    entry, obj = _load(target_type, target_id)
    if not services.may_flag(current_user, entry, obj):
        # Hidden or non-public items do not exist for the reporter; own content is refused.
        if obj.moderation_state != VISIBLE or (
            entry.is_public is not None and not entry.is_public(obj)
        ):
            abort(404)
        abort(403)
    form = FlagForm()
    if form.validate_on_submit():
        created = services.flag(current_user, target_type, obj, form.reason.data, form.text.data)
        db.session.commit()
        flash(
            _("Thank you. The moderators will look at it.")
            if created
            else _("You have already reported this."),
            "success",
        )
        return redirect(entry.url(obj))
    return render_template(
        "moderation/flag.html",
        form=form,
        entry=entry,
        obj=obj,
        title=entry.title(obj),
        back=entry.url(obj),
    ), 400 if form.errors else 200
