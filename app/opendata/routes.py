"""The open-data page, the downloads and the DCAT-AP.de catalogue. Public and read-only.
Thin routes: load (404) → one service call → render or send."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..core.permissions import public
from . import registry, services

bp = Blueprint("opendata", __name__)


@bp.get("/daten/")
@public
def index():
    return render_template(
        "opendata/index.html",
        entries=services.overview(),
        licence=services.licence(),
        attribution=services.attribution(),
        filename=services.filename,
    )


@bp.get("/daten/<key>.<fmt>")
@public
def download(key: str, fmt: str):
    dataset = registry.get(key)
    if dataset is None or fmt not in dataset.formats:
        abort(404)
    return services.download(dataset, fmt)


@bp.get("/daten/catalog.<any(jsonld, ttl, rdf):extension>")
@public
def catalog(extension: str):
    return services.catalogue(extension)
