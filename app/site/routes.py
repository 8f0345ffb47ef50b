"""Start page, language switch, data sources page, and the map tile proxy."""

from __future__ import annotations

import os
import secrets
import urllib.request
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    send_file,
    session,
    url_for,
)
from flask_login import current_user

from ..accounts.forms import LanguageForm
from ..core.permissions import is_anyone, public, requires
from ..core.urls import safe_next
from ..districts import services as district_services
from ..extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@public
def index():
    return render_template("core/index.html", districts=district_services.list_districts())


@bp.get("/datenquellen")
@public
def sources():
    return render_template("core/sources.html")


@bp.post("/sprache")
@requires(is_anyone)
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        current_user.locale = form.lang.data
        db.session.commit()
    return redirect(safe_next(form.next.data, url_for("core.index")))


MAX_TILE_ZOOM = 19


@bp.get("/tiles/<int:z>/<int:x>/<int:y>.png")
@public
def tile(z: int, x: int, y: int):
    """Serve base-map tiles from our origin, fetched once from the upstream and cached, so
    that visitors' browsers never contact the tile server (no IP addresses leak)."""
    if not (0 <= z <= MAX_TILE_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z):
        abort(404)
    cache = Path(current_app.config["TILE_CACHE_DIR"]) / str(z) / str(x) / f"{y}.png"
    if not cache.exists():
        upstream = current_app.config["TILE_UPSTREAM_URL"].format(z=z, x=x, y=y)
        if not upstream.startswith(("https://", "http://")):
            abort(404)
        request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
            upstream, headers={"User-Agent": "Quartier tile cache (civic participation platform)"}
        )
        try:
            with urllib.request.urlopen(  # noqa: S310
                request, timeout=current_app.config["TILE_PROXY_TIMEOUT"]
            ) as response:
                data = response.read()
        except OSError:
            abort(404)
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{secrets.token_hex(4)}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, cache)
    response = send_file(cache, mimetype="image/png", max_age=7 * 24 * 3600)
    return response
