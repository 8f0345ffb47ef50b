"""Official responses: publish on a registered target, edit one's own. The list and the
form are rendered inside the target's page (``templates/responses/_section.html``)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.form_pages import text_form_page
from ..core.permissions import authorize, is_signed_in, requires
from ..extensions import db
from . import services
from .forms import ResponseForm
from .models import OfficialResponse
from .permissions import (
    can_edit_official_response,
    can_give_official_responses,
    can_respond_officially,
)
from .targets import get_respondable, resolve

bp = Blueprint("responses", __name__)

# An official response published or edited: the form about the item, then back to it at the text.
_response_form = partial(
    text_form_page, errors=services.ResponseError, template="responses/form.html", anchor="response"
)


def _target_or_404(target_type: str, target_id: int):
    """The type and the object, 404 unless the person may see it (the registry's one rule:
    an item hidden by the moderation exists only for its author and its moderators)."""
    resolved = resolve(target_type, target_id)
    if resolved is None or not resolved[0].shown(resolved[1]):
        abort(404)
    return resolved


@bp.app_template_global()
def official_responses(target_type: str, target_id: int) -> dict:
    """What ``_section.html`` needs: the responses (newest first), each with its badge, and
    the form if the viewer may answer."""
    form = None
    resolved = resolve(target_type, target_id)
    if resolved is not None:
        target, obj = resolved
        voices = (
            services.voices(current_user, target.respondable.district(obj))
            if target.respondable.is_open(obj)
            else []
        )
        if voices:
            form = ResponseForm(formdata=None)
            form.set_voices(voices)
    responses = services.responses_for(target_type, target_id)
    return {
        "responses": [(r, services.badge(r)) for r in responses],
        "form": form,
        "target_type": target_type,
        "target_id": target_id,
    }


@bp.post("/antworten/<target_type>/<id:target_id>")
@requires(can_give_official_responses)
def add(target_type: str, target_id: int):
    target, obj = _target_or_404(target_type, target_id)
    authorize(can_respond_officially(current_user, target.respondable.district(obj)))
    authorize(target.respondable.is_open(obj))
    form = ResponseForm()
    voices = services.voices(current_user, target.respondable.district(obj))
    form.set_voices(voices)

    def save() -> OfficialResponse:
        voice = form.voice.data or None
        return services.respond(current_user, target, obj, form.body.data, voice)

    saved = _("Your official response has been published.")
    return _response_form(form, target, obj, save, saved=saved, show_voice=len(voices) > 1)


@bp.route("/antworten/<id:response_id>/bearbeiten", methods=["GET", "POST"])
@requires(is_signed_in)
def edit(response_id: int):
    response = db.session.get(OfficialResponse, response_id)
    if response is None:
        abort(404)
    target = get_respondable(response.target_type)
    obj = target.load(response.target_id) if target is not None else None
    if obj is None:
        abort(404)
    authorize(can_edit_official_response(current_user, response))
    form = ResponseForm(obj=response) if request.method == "GET" else ResponseForm()

    def save() -> OfficialResponse:
        district = target.respondable.district(obj)
        district_id = getattr(district, "id", None)
        services.edit_response(current_user, response, form.body.data, district_id=district_id)
        return response

    return _response_form(
        form,
        target,
        obj,
        save,
        saved=_("Your official response has been changed."),
        show_voice=False,
        editing=True,
        badge=services.badge(response),
    )
