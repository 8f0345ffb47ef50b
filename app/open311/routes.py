"""Open311 GeoReport v2 at ``/open311/v2/`` and the admin page of the API keys.

Every resource exists as ``.xml`` and ``.json``; another extension is a 404 answered in XML
(the format the specification requires). Errors — also routing errors, 405 and 429 — are the
specification's ``errors`` document in the requested format, never HTML
(``app.core.errors.register_renderer``). Only ``POST requests`` is exempt from CSRF: it is
authenticated by its API key, not by a session.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask import redirect as redirect_to
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..core.permissions import public, requires
from ..extensions import csrf, db, limiter
from . import forms, keys, services
from .formats import FORMATS, JSON, XML, document, errors
from .permissions import can_manage_api_keys
from .services import Open311Error

PREFIX = "/open311/v2"
bp = Blueprint("open311", __name__, url_prefix=PREFIX)
admin_bp = Blueprint("open311_admin", __name__, url_prefix="/admin/open311")

EXT = "<any(xml, json):ext>"


def requested_format() -> str:
    """The format of the current request: its ``.json``/``.xml`` ending (XML otherwise)."""
    ext = (request.view_args or {}).get("ext")
    if ext in FORMATS:
        return ext
    return JSON if request.path.endswith(".json") else XML


def render_error(status: int, message: str):
    """The errors document for a routing error, an abort or a rate limit under /open311/."""
    if status == 404 and request.url_rule is None:
        message = _("No such resource. The resources end in .xml or .json; see discovery.xml.")
    elif status == 405:
        message = _("The method %(method)s is not allowed here.", method=request.method)
    return errors(requested_format(), status, [message])


@bp.errorhandler(Open311Error)
def _refused(error: Open311Error):
    db.session.rollback()
    return errors(requested_format(), error.status, [error.description])


@bp.before_request
def _jurisdiction() -> None:
    services.check_jurisdiction(request.values)  # the query string and a POST's form


@bp.get(f"/discovery.{EXT}")
@public
def discovery(ext: str):
    return document(ext, "discovery", services.discovery())


@bp.get(f"/services.{EXT}")
@public
def service_list(ext: str):
    return document(ext, "services", services.service_list())


@bp.get(f"/services/<service_code>.{EXT}")
@public
def service_definition(service_code: str, ext: str):
    return document(ext, "service_definition", services.service_definition(service_code))


@bp.get(f"/requests.{EXT}")
@public
def request_list(ext: str):
    found = services.find_requests(services.parse_filter(request.args))
    return document(ext, "service_requests", found)


def _key_of_request() -> str:
    """Rate limits count per API key (its digest); without a key per client address."""
    secret = (request.form.get("api_key") or "").strip()
    if secret:
        return "open311-key:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()
    return "open311-addr:" + get_remote_address()


def _post_limit() -> str:
    return current_app.config["OPEN311_RATELIMIT"]


@bp.post(f"/requests.{EXT}")
@csrf.exempt
@limiter.limit(_post_limit, key_func=_key_of_request)
@public
def create_request(ext: str):
    created = services.create_request(request.form)
    db.session.commit()
    return document(ext, "service_requests", services.created_document(created))


@bp.get(f"/requests/<service_request_id>.{EXT}")
@public
def show_request(service_request_id: str, ext: str):
    # JSON: an array even for one request (clients read element 0)
    return document(ext, "service_requests", [services.get_request(service_request_id)])


@bp.get(f"/tokens/<token>.{EXT}")
@public
def show_token(token: str, ext: str):
    return document(ext, "service_requests", [services.resolve_token(token)])


# --- the admin page of the keys --------------------------------------------------------------


def _page(form: forms.NewKeyForm, *, secret: str | None = None, created=None, status=200):
    return (
        render_template(
            "open311/keys.html",
            keys=keys.list_keys(),
            form=form,
            revoke_form=forms.RevokeForm(),
            secret=secret,
            created=created,
            endpoint=services.discovery()["endpoints"][0]["url"],
        ),
        status,
    )


@admin_bp.get("/")
@requires(can_manage_api_keys)
def index():
    return _page(forms.NewKeyForm())


@admin_bp.post("/")
@requires(can_manage_api_keys)
def create_key():
    form = forms.NewKeyForm()
    if form.validate_on_submit():
        try:
            key, secret = keys.create_key(current_user, form.name.data)
        except keys.ApiKeyError as exc:
            form.name.errors = [*form.name.errors, str(exc)]
        else:
            db.session.commit()
            # Shown in this answer only (never in a redirect's session cookie), not again.
            return _page(forms.NewKeyForm(formdata=None), secret=secret, created=key)
    return _page(form, status=400)


@admin_bp.post("/<id:key_id>/widerrufen")
@requires(can_manage_api_keys)
def revoke_key(key_id: int):
    key = keys.get_key(key_id)
    if key is None:
        abort(404)
    form = forms.RevokeForm()
    if form.validate_on_submit():
        try:
            keys.revoke(current_user, key)
        except keys.ApiKeyError:
            pass  # already revoked: nothing to do
        else:
            db.session.commit()
    return redirect_to(url_for("open311_admin.index"))
