"""Proposals (Vorschläge): residents suggest improvements at a place; others support them."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)
