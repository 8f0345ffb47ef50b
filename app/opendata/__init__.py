"""Open data: the public page /daten/ with every dataset as CSV, XLSX and GeoJSON, and its
DCAT-AP.de catalogue (/daten/catalog.jsonld|ttl|rdf) for the city's data portal."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Deferred on purpose: importing the package stays free of side effects.
    from . import datasets, licences, routes

    licences.check(app.config["OPEN_DATA_LICENSE"])  # a wrong key stops the start at once
    datasets.register_all()
    app.register_blueprint(routes.bp)
