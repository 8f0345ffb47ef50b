"""Mail preferences on the account page, switching mail on again, one-click unsubscribe."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import can_manage_own_account
from ..core.permissions import public, requires
from ..extensions import csrf, db
from . import kinds, services
from .forms import ActionForm, preferences_form
from .models import MailOutbox
from .permissions import can_manage_mail

bp = Blueprint("mail", __name__)


bp.add_app_template_global(kinds.status_label, "mail_status_label")


@bp.app_template_global()
def mail_settings() -> dict:
    """What the account page shows about mail (templates/mail/_account.html)."""
    current = services.preferences_of(current_user)
    return {
        "form": preferences_form(current_user, formdata=None, data=current),
        "reenable_form": ActionForm(formdata=None),
        "suppressed_at": current_user.mail_suppressed_at,
    }


@bp.post("/konto/e-mail-benachrichtigungen")
@requires(can_manage_own_account)
def preferences():
    form = preferences_form(current_user)
    if not form.validate_on_submit():
        abort(400)
    for category in form.categories:
        services.set_preference(current_user, category, form[category].data)
    db.session.commit()
    flash(_("Your e-mail settings have been saved."), "success")
    return redirect(url_for("accounts.account", _anchor="mail"))


@bp.post("/konto/e-mail-wieder-zustellen")
@requires(can_manage_own_account)
def reenable():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.reenable_mail(current_user)
    db.session.commit()
    flash(_("We will send e-mails to your address again."), "success")
    return redirect(url_for("accounts.account", _anchor="mail"))


def _token_or_404(token: str):
    found = services.read_unsubscribe_token(token)
    if found is None:
        abort(404)
    return found


@bp.get("/mail/abbestellen/<token>")
@public
def unsubscribe(token: str):
    """A confirmation page with a button: a GET (link scanners, prefetching) changes nothing."""
    user, category = _token_or_404(token)
    return render_template(
        "mail/unsubscribe.html", token=token, category=category, labels=_labels(category)
    )


# RFC 8058: mail clients POST ``List-Unsubscribe=One-Click`` to this URL without our CSRF
# token or a session. The signed token (salt of its own, person and category) is what
# authorises the change; the change is idempotent (setting "never" again changes nothing), so
# a forged cross-site POST can do no more than the token's holder could anyway.
@csrf.exempt
@bp.post("/mail/abbestellen/<token>")
@public
def unsubscribe_post(token: str):
    user, category = _token_or_404(token)
    services.unsubscribe(user, category)
    db.session.commit()
    return render_template("mail/unsubscribed.html", category=category, labels=_labels(category))


def _labels(category: str) -> list[str]:
    if category in kinds.DIGEST_CATEGORIES:
        return [
            str(_("All e-mails of your daily summary"))
            if category == kinds.DIGEST_DAILY
            else str(_("All e-mails of your weekly summary"))
        ]
    return [str(kinds.CATEGORY_LABELS[category])]


# --- admin: the outbox ------------------------------------------------------------------


@bp.get("/admin/e-mail")
@requires(can_manage_mail)
def admin():
    return render_template(
        "mail/admin.html",
        counts=services.status_counts(),
        failed=services.failed_rows(),
        form=ActionForm(),
    )


@bp.post("/admin/e-mail/<id:row_id>/erneut")
@requires(can_manage_mail)
def admin_resend(row_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    row = db.session.get(MailOutbox, row_id)
    if row is None:
        abort(404)
    try:
        services.resend(current_user, row)
    except services.ResendError as exc:
        flash(str(exc), "error")
        return redirect(url_for("mail.admin"))
    db.session.commit()
    flash(_("The e-mail is queued again."), "success")
    return redirect(url_for("mail.admin"))
