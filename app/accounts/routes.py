"""Registration, login, e-mail confirmation, password reset, own data."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.i18n import current_language
from ..core.mail import send_mail
from ..core.permissions import is_anyone, is_signed_in, public, requires
from ..core.urls import external_url, safe_next
from ..extensions import db, limiter, login_manager
from . import forms, services
from .models import User
from .permissions import can_manage_own_account

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Sessions and remember-me cookies carry the account's session token, not its id: a new
    token (``services.end_sessions``) ends them all."""
    return services.find_by_session_token(session_token)


# What a new session keeps from the one before (the language choice, nothing else).
SESSION_KEYS_KEPT = ("lang",)


def _fresh_session() -> None:
    """Start a new session on login and logout: nothing another person planted or left
    behind survives (session fixation, old CSRF tokens, flashes), only the language."""
    kept = {key: session[key] for key in SESSION_KEYS_KEPT if key in session}
    session.clear()
    session.update(kept)


def _stay_logged_in(user: User) -> None:
    """After ``end_sessions``: this client continues with the new token (and a new
    remember-me cookie if it had one)."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    _fresh_session()
    login_user(user, remember=remember_cookie in request.cookies)


login_manager.login_view = "accounts.login"
login_manager.login_message = None  # the login page explains itself


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


def _send_registration_notice(user: User) -> None:
    """Someone tried to register with the address of an existing account: tell its owner
    (the registration page itself answers as for a new address)."""
    send_mail(
        user.email,
        _("Quartier: someone tried to register with your e-mail address"),
        _(
            "Hello %(name)s,\n\nsomeone tried to create a new Quartier account with your "
            "e-mail address. You already have an account, so no new one was created.\n\n"
            "If it was you, you can log in here:\n%(login)s\n\nIf you have forgotten your "
            "password, you can choose a new one here:\n%(reset)s\n\nIf it was not you, "
            "you can ignore this message. Your account has not been changed.",
            name=user.display_name,
            login=external_url("accounts.login"),
            reset=external_url("accounts.reset_request"),
        ),
    )


def _send_confirmation(user: User) -> None:
    token = services.make_token(user, "confirm")
    link = external_url("accounts.confirm", token=token)
    send_mail(
        user.email,
        _("Quartier: please confirm your e-mail address"),
        _(
            "Hello %(name)s,\n\nplease confirm your e-mail address by opening this link:\n"
            "%(link)s\n\nIf you did not register, you can ignore this message.",
            name=user.display_name,
            link=link,
        ),
    )


@bp.route("/registrieren", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register(
                form.email.data, form.display_name.data, form.password.data, current_language()
            )
        except services.EmailTaken as taken:
            # The same answer as for a new address; the owner hears of it by mail.
            if taken.user.email_confirmed:
                _send_registration_notice(taken.user)
            else:
                _send_confirmation(taken.user)
            return _registered()
        except services.AccountError as exc:
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            db.session.commit()
            _send_confirmation(user)
            return _registered()
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


def _registered():
    """The answer to a registration, whether the address was new or not: nobody is logged in
    (that would tell the two apart); the person logs in next."""
    flash(
        _(
            "Welcome! We have sent you an e-mail. Please confirm your address with the link "
            "in it. Then log in."
        ),
        "success",
    )
    return redirect(url_for("accounts.login"))


@bp.get("/bestaetigen/<token>")
@public
def confirm(token: str):
    max_age = current_app.config["EMAIL_TOKEN_MAX_AGE"]
    user = services.read_token(token, "confirm", max_age)
    if user is None:
        flash(_("This confirmation link is invalid or has expired."), "error")
        return redirect(
            url_for("accounts.account" if current_user.is_authenticated else "accounts.login")
        )
    services.confirm_email(user)
    db.session.commit()
    flash(_("Thank you, your e-mail address is confirmed."), "success")
    return redirect(url_for("core.index" if current_user.is_authenticated else "accounts.login"))


@bp.post("/bestaetigen/erneut")
@limiter.limit(_register_limit)
@requires(is_signed_in)
def resend_confirmation():
    form = forms.ResendConfirmationForm()
    if form.validate_on_submit() and not current_user.email_confirmed:
        _send_confirmation(current_user)
        flash(_("We have sent the confirmation e-mail again."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/anmelden", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = forms.LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("E-mail address or password is wrong."))
        else:
            db.session.commit()
            _fresh_session()
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data, url_for("core.index")))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.post("/abmelden")
@requires(is_anyone)
def logout():
    form = forms.LogoutForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # A new token: this session, copies of its cookie and every remember-me cookie
            # of the person stop working (all devices are logged out).
            services.end_sessions(current_user)
            db.session.commit()
        _fresh_session()
        logout_user()
        flash(_("You are logged out."), "success")
    return redirect(url_for("core.index"))


@bp.route("/passwort-vergessen", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
@public
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None and user.is_active:
            token = services.make_token(user, "reset")
            send_mail(
                user.email,
                _("Quartier: reset your password"),
                _(
                    "Hello %(name)s,\n\nto choose a new password, open this link within two "
                    "hours:\n%(link)s\n\nIf you did not ask for this, you can ignore this message.",
                    name=user.display_name,
                    link=external_url("accounts.reset_password", token=token),
                ),
            )
        # Same answer whether or not the address exists.
        flash(
            _("If an account exists for this address, we have sent a link to reset the password."),
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/passwort-neu/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = services.read_token(token, "reset", current_app.config["RESET_TOKEN_MAX_AGE"])
    if user is None:
        flash(_("This link is invalid or has expired. Please ask for a new one."), "error")
        return redirect(url_for("accounts.reset_request"))
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        services.confirm_email(user)  # the link proves the address
        db.session.commit()
        flash(_("Your password has been changed. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


def _account_page(status: int = 200, **given):
    page_forms = {
        "resend_form": forms.ResendConfirmationForm(),
        "password_form": forms.ChangePasswordForm(formdata=None),
        "sessions_form": forms.LogoutEverywhereForm(formdata=None),
        "delete_form": forms.DeleteAccountForm(formdata=None),
        **given,
    }
    return render_template("accounts/account.html", **page_forms), status


@bp.get("/konto")
@requires(can_manage_own_account)
def account():
    return _account_page()


@bp.post("/konto/passwort")
@limiter.limit(_login_limit)  # it checks the current password
@requires(can_manage_own_account)
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        if not services.check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("The password is wrong."))
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.new_password.data)  # ends every session
            db.session.commit()
            _stay_logged_in(user)
            flash(
                _("Your password has been changed. You are logged out on all other devices."),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return _account_page(400, password_form=form)


@bp.post("/konto/ueberall-abmelden")
@requires(can_manage_own_account)
def logout_everywhere():
    form = forms.LogoutEverywhereForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        services.end_sessions(user)
        db.session.commit()
        _stay_logged_in(user)
        flash(_("You are logged out on all other devices."), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/konto/export.json")
@requires(can_manage_own_account)
def export():
    body = json.dumps(services.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="quartier-meine-daten.json"'},
    )


@bp.post("/konto/loeschen")
@requires(can_manage_own_account)
def delete_account():
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.password.data) is None:
            form.password.errors.append(_("The password is wrong."))
        else:
            services.delete_account(current_user)
            db.session.commit()
            _fresh_session()
            logout_user()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("core.index"))
    return _account_page(400, delete_form=form)
