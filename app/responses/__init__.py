"""Official responses of district mayors and planning offices."""

from flask import Blueprint

bp = Blueprint("responses", __name__)

from . import routes, targets  # noqa: E402, F401

targets.register_proposals()
