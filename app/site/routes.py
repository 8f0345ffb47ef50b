"""Start page, language switch, data sources page, and the map tile proxy."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..accounts.forms import LanguageForm
from ..core.page_cache import cached
from ..core.permissions import is_anyone, public, requires
from ..core.urls import safe_next
from ..districts import services as district_services
from ..extensions import db
from . import home, tiles

bp = Blueprint("core", __name__)


MAX_SEARCH_CHARS = 80
_DISTRICT_LIST_KEY = "quartier_start_page_district_list"


def _district_list() -> Markup:
    """The start page's list of the districts, rendered once per process: the same for every
    request and language. Rendered again when the district index is rebuilt (a reload)."""
    entries = district_services.district_index()
    cached = current_app.extensions.get(_DISTRICT_LIST_KEY)
    if cached is None or cached[0] is not entries:
        page = render_template("core/_district_list.html", districts=entries)
        html = Markup(page)  # noqa: S704 - a template rendered with autoescape
        cached = current_app.extensions[_DISTRICT_LIST_KEY] = (entries, html)
    return cached[1]


@bp.get("/")
@public
@cached
def index():
    """The start page: the map and the districts, what is happening (the newest proposals
    and needs, the latest public answers) and "find your district". A fixed number of
    queries (tests/site/test_start_page.py)."""
    return render_template(
        "core/index.html",
        districts=district_services.district_index(),
        district_list=_district_list(),
        proposals=home.newest_proposals(),
        needs=home.newest_needs(),
        answers=home.latest_answers(),
    )


@bp.get("/ortsteile/suche")
@public
def district_search():
    """The start page's district finder without JavaScript: one match goes to its page,
    several are listed, none (or nothing typed) says so and keeps what was typed."""
    typed = (request.args.get("q") or "").strip()[:MAX_SEARCH_CHARS]
    entries = district_services.district_index()
    found = home.find_districts(typed, entries)
    if len(found) == 1:
        return redirect(url_for("districts.show", number=found[0].number))
    if not typed:
        error = _("Please enter the name or number of a district.")
    elif not found:
        error = _(
            "No district of Erfurt is called “%(name)s”. "
            "Check the spelling or choose from the list.",
            name=typed,
        )
    else:
        error = None
    return (
        render_template(
            "core/district_search.html", typed=typed, found=found, error=error, districts=entries
        ),
        400 if not typed else 200,
    )


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


@bp.get("/tiles/<int:z>/<int:x>/<int:y>.png")
@public
def tile(z: int, x: int, y: int):
    """Base-map tiles from our origin, so that visitors' browsers never contact the tile
    server (no IP addresses leak); bounded and never blocking, see :mod:`app.site.tiles`."""
    try:
        found = tiles.get_tile(z, x, y)
    except tiles.TileUnavailable:
        return _placeholder(200, "public, max-age=60")
    except tiles.TileRateLimited as exc:
        response = _placeholder(429, "no-store")
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if found is None:
        abort(404)
    return send_file(found.path, mimetype="image/png", max_age=7 * 24 * 3600)


def _placeholder(status: int, cache_control: str) -> Response:
    """The neutral grey tile, never cached as the real one."""
    response = Response(tiles.placeholder_png(), status=status, mimetype="image/png")
    response.headers["Cache-Control"] = cache_control
    return response
