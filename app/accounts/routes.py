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
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.i18n import current_language
from ..core.mail import send_mail
from ..core.numbers import NumberError, parse_id
from ..core.permissions import is_anyone, is_signed_in, public, requires
from ..core.urls import external_url, safe_next
from ..extensions import db, limiter, login_manager
from . import forms, services
from .models import User
from .permissions import can_manage_own_account

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        number = parse_id(user_id)
    except NumberError:
        return None
    user = db.session.get(User, number) if number is not None else None
    return user if user is not None and user.is_active else None


login_manager.login_view = "accounts.login"
login_manager.login_message = None  # the login page explains itself


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


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
        except services.AccountError as exc:
            getattr(form, exc.field or "email").errors.append(str(exc))
        else:
            db.session.commit()
            _send_confirmation(user)
            login_user(user)
            flash(_("Welcome! We have sent you an e-mail. Please confirm your address."), "success")
            return redirect(url_for("core.index"))
    return render_template("accounts/register.html", form=form), 400 if form.errors else 200


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
    return redirect(url_for("core.index"))


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
            login_user(user, remember=form.remember.data)
            flash(_("You are logged in."), "success")
            return redirect(safe_next(form.next.data, url_for("core.index")))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.post("/abmelden")
@requires(is_anyone)
def logout():
    form = forms.LogoutForm()
    if form.validate_on_submit():
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


@bp.get("/konto")
@requires(can_manage_own_account)
def account():
    return render_template(
        "accounts/account.html",
        delete_form=forms.DeleteAccountForm(),
        resend_form=forms.ResendConfirmationForm(),
    )


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
            logout_user()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("core.index"))
    return (
        render_template(
            "accounts/account.html",
            delete_form=form,
            resend_form=forms.ResendConfirmationForm(),
        ),
        400,
    )
