"""The pages a German public body's site must have (privacy, imprint, accessibility
statement with its feedback form), the Leichte-Sprache pages, and the admin list of feedback."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core.i18n import current_language
from ..core.numbers import page_arg
from ..core.permissions import public, requires
from ..extensions import db, limiter
from . import content, services
from .forms import FeedbackForm, HandledForm
from .models import AccessibilityFeedback
from .permissions import can_read_accessibility_feedback, can_send_accessibility_feedback

bp = Blueprint("legal", __name__)

# The legal pages: endpoint → (file name, title if the file has none).
LEGAL_PAGES = {
    "privacy": ("datenschutz", _l("Privacy policy")),
    "imprint": ("impressum", _l("Imprint")),
    "accessibility": ("barrierefreiheit", _l("Accessibility statement")),
}
# The Leichte-Sprache pages, in reading order (file names = URL slugs).
EASY_PAGES = (
    "was-ist-quartier",
    "vorschlag-machen",
    "barriere-melden",
    "was-passiert",
    "meine-daten",
)


def _legal_page(endpoint: str):
    slug, _title = LEGAL_PAGES[endpoint]
    lang = current_language()
    page = content.load(slug, lang, fallback=current_app.config["BABEL_DEFAULT_LOCALE"])
    if page is None:
        abort(404)
    return render_template("legal/page.html", page=page, endpoint=endpoint)


@bp.get("/datenschutz")
@public
def privacy():
    return _legal_page("privacy")


@bp.get("/impressum")
@public
def imprint():
    return _legal_page("imprint")


@bp.get("/barrierefreiheit")
@public
def accessibility():
    return _legal_page("accessibility")


def _feedback_limit() -> str:
    return current_app.config["RATELIMIT_FEEDBACK"]


@bp.route("/barrierefreiheit/barriere-melden", methods=["GET", "POST"])
@limiter.limit(_feedback_limit, methods=["POST"])
@requires(can_send_accessibility_feedback)
def feedback():
    form = FeedbackForm()
    if request.method == "GET" and not form.page_url.data:
        form.page_url.data = (request.args.get("seite") or "")[:500]
    if form.validate_on_submit():
        services.submit_feedback(
            description=form.description.data,
            page_url=form.page_url.data,
            name=form.name.data,
            email=form.email.data,
            user=current_user,
            locale=current_language(),
        )
        db.session.commit()
        return redirect(url_for("legal.feedback_sent"))
    status = 400 if request.method == "POST" else 200
    return render_template("legal/feedback.html", form=form), status


@bp.get("/barrierefreiheit/barriere-melden/danke")
@requires(can_send_accessibility_feedback)
def feedback_sent():
    return render_template("legal/feedback_sent.html")


@bp.get("/admin/barrierefreiheit/rueckmeldungen")
@requires(can_read_accessibility_feedback)
def feedback_list():
    open_only = request.args.get("offen") == "1"
    page = page_arg()
    rows, total = services.feedback_page(page, open_only=open_only)
    pages = max((total + services.PAGE_SIZE - 1) // services.PAGE_SIZE, 1)
    if page > pages:
        page = pages
        rows, total = services.feedback_page(page, open_only=open_only)
    return render_template(
        "legal/feedback_list.html",
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        open_only=open_only,
        form=HandledForm(),
    )


@bp.post("/admin/barrierefreiheit/rueckmeldungen/<id:feedback_id>")
@requires(can_read_accessibility_feedback)
def feedback_handled(feedback_id: int):
    feedback = db.session.get(AccessibilityFeedback, feedback_id)
    if feedback is None:
        abort(404)
    if not HandledForm().validate_on_submit():
        abort(400)
    handled = request.form.get("handled") == "1"
    services.set_handled(current_user, feedback, handled)
    db.session.commit()
    flash(_("Marked as dealt with.") if handled else _("Marked as open again."), "success")
    return redirect(url_for("legal.feedback_list"))


@bp.get("/leichte-sprache/")
@public
def easy_index():
    pages = [content.load(slug, content.EASY) for slug in EASY_PAGES]
    return render_template(
        "legal/easy_index.html", intro=content.load("start", content.EASY), pages=pages
    )


@bp.get("/leichte-sprache/<slug>")
@public
def easy_page(slug: str):
    if slug not in EASY_PAGES:
        abort(404)
    page = content.load(slug, content.EASY)
    if page is None:
        abort(404)
    position = EASY_PAGES.index(slug)
    following = EASY_PAGES[position + 1] if position + 1 < len(EASY_PAGES) else None
    return render_template(
        "legal/easy_page.html",
        page=page,
        next_page=content.load(following, content.EASY) if following else None,
    )


@bp.get("/medien/<path:filename>")
@public
def media(filename: str):
    """Files the city puts into ``instance/media/`` (e.g. the DGS video): served from this
    site, so visitors' browsers contact no third party (``send_from_directory`` refuses any
    path outside the folder)."""
    return send_from_directory(
        current_app.config["MEDIA_FOLDER"], filename, max_age=24 * 3600, conditional=True
    )
