"""The open-data page and downloads: each dataset's dates, the streamed files with validators
(``ETag``, ``Last-Modified``) and the DCAT-AP.de catalogue. Read-only: nothing is written."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import Response, current_app, request

from ..core import exports
from ..core.i18n import current_language
from ..core.time import as_utc
from . import dcat, licences
from .registry import Dataset, datasets


@dataclass(frozen=True)
class Entry:
    """A dataset with its dates: first publication and latest change (UTC, ``None``: empty)."""

    dataset: Dataset
    issued: datetime | None
    modified: datetime | None


def _entry(dataset: Dataset) -> Entry:
    issued, modified = dataset.dates()
    return Entry(
        dataset,
        as_utc(issued) if issued is not None else None,
        as_utc(modified) if modified is not None else None,
    )


def overview() -> list[Entry]:
    """Every registered dataset with its dates: one query per dataset."""
    return [_entry(dataset) for dataset in datasets()]


def entry(dataset: Dataset) -> Entry:
    return _entry(dataset)


def filename(dataset: Dataset, fmt: str) -> str:
    return f"quartier-{dataset.key}.{fmt}"


def etag(dataset: Dataset, fmt: str, modified: datetime | None) -> str:
    """Changes with the data (its latest change), the format, the language of the headers and
    labels, the licence and the threshold of the barrier figures."""
    config = current_app.config
    parts = (
        dataset.key,
        fmt,
        current_language(),
        modified.isoformat() if modified else "-",
        config["OPEN_DATA_LICENSE"],
        str(config.get("BARRIER_MIN_CELL")),
        config["BASE_URL"],
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _validators(response: Response, tag: str, modified: datetime | None) -> Response:
    response.set_etag(tag)
    if modified is not None:
        response.last_modified = modified.replace(microsecond=0)
    # The labels follow the visitor's language (a cookie): caches must tell them apart.
    response.headers["Cache-Control"] = "public, no-cache"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def not_modified(tag: str, modified: datetime | None) -> bool:
    """The client's copy is current (``If-None-Match`` first, else ``If-Modified-Since``)."""
    if request.if_none_match:
        return request.if_none_match.contains(tag)
    since = request.if_modified_since
    return since is not None and modified is not None and modified.replace(microsecond=0) <= since


def download(dataset: Dataset, fmt: str) -> Response:
    """The dataset as a streamed CSV, XLSX or GeoJSON file; 304 when the client has it."""
    found = _entry(dataset)
    tag = etag(dataset, fmt, found.modified)
    if not_modified(tag, found.modified):
        return _validators(Response(status=304), tag, found.modified)
    name = filename(dataset, fmt)
    rows = dataset.rows()
    if fmt == "xlsx":
        response = exports.xlsx_download(name, dataset.columns, rows, title=str(dataset.title))
    elif fmt == "geojson":
        response = exports.geojson_download(
            name, dataset.columns, rows, point=dataset.point, geometry=dataset.geometry
        )
    else:
        response = exports.csv_download(name, dataset.columns, rows)
    return _validators(response, tag, found.modified)


def catalogue(extension: str) -> Response:
    """The DCAT-AP.de catalogue as JSON-LD, Turtle or RDF/XML."""
    entries = [(e.dataset, e.issued, e.modified) for e in overview()]
    text, mimetype = dcat.serialise(dcat.build(entries), extension)
    response = Response(text, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, no-cache"
    return response


def licence() -> licences.Licence:
    return licences.current()


def attribution() -> str:
    return licences.attribution_text()
