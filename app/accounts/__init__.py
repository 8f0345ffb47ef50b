"""Accounts: registration, login, password reset, own data; roles and offices."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from . import routes  # noqa: E402, F401
