"""Account forms. Labels and messages are lazy so they follow the request's language."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..core.numbers import IdField, IdSelectField


def _min_password_length(form, field) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if field.data and len(field.data) < minimum:
        raise ValidationError(_l("The password must have at least %(n)d characters.", n=minimum))


def _email_validators():
    return [
        DataRequired(message=_l("Please enter your e-mail address.")),
        Email(message=_l("Please enter a valid e-mail address."), check_deliverability=False),
        Length(max=254, message=_l("The e-mail address is too long.")),
    ]


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=_email_validators())
    display_name = StringField(
        _l("Display name"),
        description=_l("Shown publicly with your contributions instead of your real name."),
        validators=[
            DataRequired(message=_l("Please choose a display name.")),
            Length(min=2, max=60, message=_l("The display name must have 2 to 60 characters.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters."),
        validators=[DataRequired(message=_l("Please choose a password.")), _min_password_length],
    )
    password_confirm = PasswordField(
        _l("Repeat password"),
        validators=[
            DataRequired(message=_l("Please repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )
    accept_privacy = BooleanField(
        _l("I have read the privacy notice."),
        validators=[
            DataRequired(message=_l("Please confirm that you have read the privacy notice."))
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=_email_validators())
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Please enter your password."))]
    )
    remember = BooleanField(_l("Stay logged in on this device"))
    next = HiddenField()


class ResendConfirmationForm(FlaskForm):
    pass


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=_email_validators())


def _new_password() -> PasswordField:
    return PasswordField(
        _l("New password"),
        description=_l("At least 10 characters."),
        validators=[DataRequired(message=_l("Please choose a password.")), _min_password_length],
    )


def _repeated(field_name: str, label) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Please repeat the password.")),
            EqualTo(field_name, message=_l("The two passwords are not the same.")),
        ],
    )


class ResetPasswordForm(FlaskForm):
    password = _new_password()
    password_confirm = _repeated("password", _l("Repeat password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password."))],
    )
    # Not "password": the account page's delete form has a field of that name (and id).
    new_password = _new_password()
    new_password_confirm = _repeated("new_password", _l("Repeat new password"))


class LogoutEverywhereForm(FlaskForm):
    pass


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Please enter your password to confirm."))],
    )


class LogoutForm(FlaskForm):
    pass


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[DataRequired(message=_l("Please choose a role."))])
    council = IdSelectField(_l("Council (for mayor and council member)"), validators=[Optional()])
    office = IdSelectField(_l("Office (for planner)"), validators=[Optional()])


class RevokeRoleForm(FlaskForm):
    assignment_id = IdField(validators=[DataRequired()])
