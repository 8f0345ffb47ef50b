"""The DCAT-AP.de catalogue of the open data (``/daten/catalog.jsonld|ttl|rdf``), built with
rdflib from the registry.

It follows DCAT-AP.de 2.0 and GovData's Konventionenhandbuch (http://dcat-ap.de/def/dcatde/2.0/):

* ``dcat:Catalog``: ``dct:title``, ``dct:description``, ``dct:publisher`` (a ``foaf:Agent``
  with ``foaf:name``), ``dcat:dataset`` (mandatory); ``foaf:homepage``, ``dct:language``,
  ``dct:issued``, ``dct:modified``, ``dcat:themeTaxonomy`` (recommended).
* ``dcat:Dataset``: ``dct:title``, ``dct:description``; ``dcatde:contributorID`` exactly once
  (convention 12/13), ``dct:publisher`` (convention 36); ``dcat:contactPoint`` (a
  ``vcard:Organization`` with ``vcard:hasEmail`` or ``vcard:hasURL``, convention 1),
  ``dcat:theme`` (EU data themes), ``dcat:keyword``, ``dcat:landingPage``, ``dct:identifier``,
  ``dct:issued``, ``dct:modified``, ``dcat:distribution``, ``dct:accessRights``,
  ``dcatde:politicalGeocodingURI`` and ``…LevelURI`` (the municipality key).
* ``dcat:Distribution``: ``dcat:accessURL`` (mandatory), ``dcat:downloadURL``, ``dct:license``
  from the DCAT-AP.de licence list (convention 31), ``dcatde:licenseAttributionByText``,
  ``dct:format`` from the EU file-type vocabulary (convention 32), ``dcat:mediaType`` (IANA),
  ``dct:title``, ``dct:modified``.

Titles, descriptions and keywords are given in German and English (language-tagged literals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from ..core.csv_export import CSV_MIMETYPE
from ..core.exports import GEOJSON_MIMETYPE, XLSX_MIMETYPE
from ..core.time import as_utc
from ..core.urls import external_url
from . import licences
from .registry import Dataset

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEMES = Namespace(EU + "data-theme/")
FILE_TYPES = Namespace(EU + "file-type/")
LANGUAGES = Namespace(EU + "language/")
IANA = "http://www.iana.org/assignments/media-types/"
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
PUBLIC_ACCESS = URIRef(EU + "access-right/PUBLIC")

MEDIA_TYPES = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE, "geojson": GEOJSON_MIMETYPE}
FILE_TYPE_CODES = {"csv": "CSV", "xlsx": "XLSX", "geojson": "GEOJSON"}
SERIALISATIONS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
}
LOCALES = ("de", "en")
CATALOG_TITLE = _l("Quartier open data")
CATALOG_DESCRIPTION = _l(
    "Open data of the participation platform Quartier: proposals, council needs, offers, "
    "indicators, the social index, access-barrier aggregates and the district boundaries."
)


def _texts(value) -> list[Literal]:
    """A lazy string in both languages, as language-tagged literals."""
    found = []
    for lang in LOCALES:
        with force_locale(lang):
            found.append(Literal(str(value), lang=lang))
    return found


def _moment(value: datetime) -> Literal:
    return Literal(as_utc(value).isoformat(timespec="seconds"), datatype=XSD.dateTime)


def download_url(dataset: Dataset, fmt: str) -> str:
    return external_url("opendata.download", key=dataset.key, fmt=fmt)


def landing_page(dataset: Dataset) -> str:
    return external_url("opendata.index", _anchor=dataset.key)


def build(entries: Sequence[tuple[Dataset, datetime | None, datetime | None]]) -> Graph:
    """The catalogue of ``entries`` – ``(dataset, issued, modified)`` – as an RDF graph."""
    config = current_app.config
    licence = licences.current()
    home = external_url("opendata.index")
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("dcatde", DCATDE),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("xsd", XSD),
    ):
        graph.bind(prefix, namespace)

    catalog = URIRef(home + "#catalog")
    publisher = URIRef(home + "#publisher")
    contact = URIRef(home + "#contact")
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(config["OPEN_DATA_PUBLISHER_NAME"])))
    if config.get("OPEN_DATA_PUBLISHER_URL"):
        graph.add((publisher, FOAF.homepage, URIRef(config["OPEN_DATA_PUBLISHER_URL"])))
    graph.add((contact, RDF.type, VCARD.Organization))
    contact_name = config.get("OPEN_DATA_CONTACT_NAME") or config["OPEN_DATA_PUBLISHER_NAME"]
    graph.add((contact, VCARD.fn, Literal(contact_name)))
    if config.get("OPEN_DATA_CONTACT_EMAIL"):
        graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + config["OPEN_DATA_CONTACT_EMAIL"])))
    graph.add((contact, VCARD.hasURL, URIRef(config.get("OPEN_DATA_CONTACT_URL") or home)))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    for text in _texts(CATALOG_TITLE):
        graph.add((catalog, DCTERMS.title, text))
    for text in _texts(CATALOG_DESCRIPTION):
        graph.add((catalog, DCTERMS.description, text))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, FOAF.homepage, URIRef(home)))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    for code in ("DEU", "ENG"):
        graph.add((catalog, DCTERMS.language, LANGUAGES[code]))
    issued = [as_utc(i) for _d, i, _m in entries if i is not None]
    modified = [as_utc(m) for _d, _i, m in entries if m is not None]
    if issued:
        graph.add((catalog, DCTERMS.issued, _moment(min(issued))))
    if modified:
        graph.add((catalog, DCTERMS.modified, _moment(max(modified))))

    key = config.get("OPEN_DATA_MUNICIPALITY_KEY")
    for dataset, issued_at, modified_at in entries:
        node = URIRef(landing_page(dataset))
        graph.add((catalog, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        for text in _texts(dataset.title):
            graph.add((node, DCTERMS.title, text))
        for text in _texts(dataset.description):
            graph.add((node, DCTERMS.description, text))
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        graph.add((node, DCATDE.contributorID, URIRef(config["OPEN_DATA_CONTRIBUTOR_ID"])))
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((node, DCAT.landingPage, URIRef(landing_page(dataset))))
        graph.add((node, DCTERMS.accessRights, PUBLIC_ACCESS))
        for theme in dataset.themes:
            graph.add((node, DCAT.theme, THEMES[theme]))
        for keyword in dataset.keywords:
            for text in _texts(keyword):
                graph.add((node, DCAT.keyword, text))
        if key:
            graph.add(
                (node, DCATDE.politicalGeocodingURI, URIRef(f"{GEOCODING}municipalityKey/{key}"))
            )
            graph.add(
                (node, DCATDE.politicalGeocodingLevelURI, URIRef(GEOCODING + "Level/municipality"))
            )
        if issued_at is not None:
            graph.add((node, DCTERMS.issued, _moment(issued_at)))
        if modified_at is not None:
            graph.add((node, DCTERMS.modified, _moment(modified_at)))
        for fmt in dataset.formats:
            url = URIRef(download_url(dataset, fmt))
            distribution = URIRef(f"{node}-{fmt}")
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            for lang in LOCALES:
                with force_locale(lang):
                    title = f"{dataset.title} ({FILE_TYPE_CODES[fmt]})"
                graph.add((distribution, DCTERMS.title, Literal(title, lang=lang)))
            graph.add((distribution, DCAT.accessURL, url))
            graph.add((distribution, DCAT.downloadURL, url))
            graph.add((distribution, DCTERMS.license, URIRef(licence.iri)))
            if licence.attribution:
                graph.add(
                    (
                        distribution,
                        DCATDE.licenseAttributionByText,
                        Literal(licences.attribution_text()),
                    )
                )
            graph.add((distribution, DCTERMS.format, FILE_TYPES[FILE_TYPE_CODES[fmt]]))
            graph.add((distribution, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[fmt])))
            if modified_at is not None:
                graph.add((distribution, DCTERMS.modified, _moment(modified_at)))
    return graph


def serialise(graph: Graph, extension: str) -> tuple[str, str]:
    """``(text, mimetype)`` of the graph as JSON-LD (``jsonld``), Turtle (``ttl``) or RDF/XML
    (``rdf``)."""
    name, mimetype = SERIALISATIONS[extension]
    if name == "json-ld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix in _PREFIXES}
        return graph.serialize(format=name, context=context, auto_compact=True), mimetype
    return graph.serialize(format=name), mimetype


_PREFIXES = {"dcat", "dct", "dcatde", "foaf", "vcard", "xsd"}
