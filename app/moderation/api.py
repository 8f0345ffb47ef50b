"""``/api/v1/moderation``: the queue as JSON and the actions, for the signed-in moderator.

Session authentication; the actions are POSTs and stay CSRF-protected (send the token in the
``X-CSRFToken`` header). Body of the actions: ``{"reason": "...", "note": "..."}`` (``reason``
only for ``hide``). Errors are JSON: 400 bad input, 403 not your district or own content,
404 unknown type or item, 409 the item is not in a state for this action.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.api import ApiError, int_arg
from ..core.numbers import ID_MAX, ID_MIN
from ..core.permissions import authorize, requires
from ..extensions import db
from . import services
from .models import REASONS
from .permissions import can_moderate_somewhere
from .registry import get_moderated

api_bp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation")

FILTERS = {"district", "type"}


def _district(item) -> dict | None:
    d = item.district
    return {"id": d.id, "number": d.number, "name": d.name} if d is not None else None


def _item_json(item: services.QueueItem) -> dict:
    return {
        "type": item.type,
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "moderation_url": url_for("moderation.item", target_type=item.type, target_id=item.id),
        "district": _district(item),
        "state": item.state,
        "reason": item.obj.moderation_reason,
        "flags": {
            "open": item.flag_count,
            "reasons": item.reasons,
            "texts": item.texts,
            "oldest": item.oldest_flag.isoformat() if item.oldest_flag else None,
        },
    }


@api_bp.get("/queue")
@requires(can_moderate_somewhere, login=False)
def queue():
    unknown = sorted(set(request.args) - FILTERS)
    if unknown:
        raise ApiError(400, _("Unknown parameter “%(name)s”.", name=unknown[0]))
    district_id = int_arg("district", low=ID_MIN, high=ID_MAX)
    target_type = request.args.get("type") or None
    if target_type is not None and get_moderated(target_type) is None:
        raise ApiError(400, _("Unknown type “%(type)s”.", type=target_type))
    items = services.queue(current_user, district_id=district_id, target_type=target_type)
    return jsonify({"count": len(items), "items": [_item_json(i) for i in items]})


def _act(target_type: str, target_id: int, action: str):
    loaded = services.load_item(target_type, target_id)
    if loaded is None:
        abort(404)
    entry, obj = loaded
    authorize(services.may_moderate(current_user, entry, obj))
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, _("The request body must be a JSON object."))
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise ApiError(400, _("The note must be text."))
    try:
        if action == "hide":
            reason = body.get("reason")
            if reason not in REASONS:
                raise ApiError(
                    400,
                    _("Please choose a reason: %(reasons)s.", reasons=", ".join(REASONS)),
                )
            services.hide(current_user, target_type, obj, reason, note)
        elif action == "unhide":
            services.unhide(current_user, target_type, obj, note)
        elif action == "approve":
            services.approve(current_user, target_type, obj, note)
        else:
            services.dismiss_flags(current_user, target_type, obj, note)
    except services.StateError as exc:
        db.session.rollback()
        raise ApiError(409, str(exc)) from None
    except services.ModerationError as exc:
        db.session.rollback()
        raise ApiError(400, str(exc)) from None
    db.session.commit()
    return jsonify(
        {
            "type": target_type,
            "id": obj.id,
            "state": obj.moderation_state,
            "reason": obj.moderation_reason,
            "note": obj.moderation_note,
        }
    )


@api_bp.post("/<target_type>/<id:target_id>/hide")
@requires(can_moderate_somewhere, login=False)
def hide(target_type: str, target_id: int):
    return _act(target_type, target_id, "hide")


@api_bp.post("/<target_type>/<id:target_id>/unhide")
@requires(can_moderate_somewhere, login=False)
def unhide(target_type: str, target_id: int):
    return _act(target_type, target_id, "unhide")


@api_bp.post("/<target_type>/<id:target_id>/approve")
@requires(can_moderate_somewhere, login=False)
def approve(target_type: str, target_id: int):
    return _act(target_type, target_id, "approve")


@api_bp.post("/<target_type>/<id:target_id>/dismiss")
@requires(can_moderate_somewhere, login=False)
def dismiss(target_type: str, target_id: int):
    return _act(target_type, target_id, "dismiss")
