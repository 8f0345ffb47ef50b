"""The open-data registry: every dataset ``/daten/`` lists, downloads and describes in its
DCAT-AP.de catalogue is one :class:`Dataset`, registered once (:func:`register`).

A dataset is a table in the sense of :mod:`app.core.exports` (columns and a row source) plus
what the page and the catalogue say about it. Adding one – e.g. the measures once they
exist – is a few lines in :mod:`app.opendata.datasets`::

    register(Dataset(
        key="massnahmen",
        title=_l("Measures"),
        description=_l("…"),
        columns=MEASURE_COLUMNS,
        rows=measure_rows,          # a generator that pages through the database
        dates=measure_dates,        # (first published, latest change) in one query
        point=lambda row: (row.lat, row.lon),   # only if the rows have places
        themes=("GOVE", "REGI"),
        keywords=(_l("measures"),),
    ))

The formats follow from the places: CSV and XLSX always, GeoJSON when ``point`` or
``geometry`` is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..core.exports import Column

FORMATS = ("csv", "xlsx", "geojson")

Dates = tuple["datetime | None", "datetime | None"]


@dataclass(frozen=True)
class Dataset:
    """One downloadable dataset.

    :param key: the URL slug (``/daten/<key>.csv``), also the dataset's identifier.
    :param title, description: lazy strings (German and English).
    :param columns: the table's columns (:class:`app.core.exports.Column`).
    :param rows: ``rows()`` gives the rows; a generator paging through the database.
    :param dates: ``dates()`` gives ``(issued, modified)`` – the first publication and the
        latest change of the data (aware UTC or naive UTC datetimes, ``None`` when empty).
    :param point: ``point(row)`` → ``(lat, lon)`` or ``None``: the rows are places (GeoJSON).
    :param geometry: ``geometry(row)`` → a GeoJSON geometry (dict) or ``None``, for shapes.
    :param themes: codes of the EU data-theme vocabulary (``SOCI``, ``REGI``, ``GOVE`` …).
    :param keywords: lazy strings.
    """

    key: str
    title: Any
    description: Any
    columns: Sequence[Column]
    rows: Callable[[], Iterable[Any]]
    dates: Callable[[], Dates]
    point: Callable[[Any], Any] | None = None
    geometry: Callable[[Any], dict | None] | None = None
    themes: tuple[str, ...] = ("SOCI",)
    keywords: tuple[Any, ...] = field(default_factory=tuple)

    @property
    def formats(self) -> tuple[str, ...]:
        if self.point is not None or self.geometry is not None:
            return FORMATS
        return ("csv", "xlsx")


_DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> None:
    """Add ``dataset`` (idempotent for the same key: the last registration wins, so an app
    created twice in one process keeps one entry per key)."""
    _DATASETS[dataset.key] = dataset


def datasets() -> list[Dataset]:
    """The datasets in the order they were registered."""
    return list(_DATASETS.values())


def get(key: str) -> Dataset | None:
    return _DATASETS.get(key)
