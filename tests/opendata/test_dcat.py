"""The DCAT-AP.de catalogue: rdflib parses every serialisation, and the catalogue, each
dataset and each distribution carry the properties DCAT-AP.de 2.0 and GovData's conventions
make mandatory (and the recommended ones Quartier promises)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from app.opendata import licences, registry

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
SERIALISATIONS = {
    "jsonld": ("json-ld", "application/ld+json"),
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
}

CATALOG_MANDATORY = (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset)
CATALOG_RECOMMENDED = (FOAF.homepage, DCTERMS.language, DCTERMS.modified, DCAT.themeTaxonomy)
DATASET_MANDATORY = (
    DCTERMS.title,
    DCTERMS.description,
    DCATDE.contributorID,  # conventions 12/13
    DCTERMS.publisher,  # convention 36
)
DATASET_RECOMMENDED = (
    DCAT.contactPoint,
    DCAT.distribution,
    DCAT.theme,
    DCAT.keyword,
    DCAT.landingPage,
    DCTERMS.identifier,
    DCTERMS.issued,
    DCTERMS.modified,
    DCATDE.politicalGeocodingURI,
)
DISTRIBUTION_MANDATORY = (
    DCAT.accessURL,
    DCTERMS.license,  # convention 31: mandatory for GovData
    DCTERMS.format,  # convention 32
)
DISTRIBUTION_RECOMMENDED = (
    DCAT.downloadURL,
    DCAT.mediaType,
    DCTERMS.title,
    DCTERMS.modified,
    DCATDE.licenseAttributionByText,
)


def _graph(client, extension: str) -> Graph:
    response = client.get(f"/daten/catalog.{extension}")
    assert response.status_code == 200
    name, mimetype = SERIALISATIONS[extension]
    assert response.mimetype == mimetype
    return Graph().parse(data=response.get_data(as_text=True), format=name)


def _missing(graph: Graph, node, properties) -> list[str]:
    return [str(p) for p in properties if graph.value(node, p) is None]


@pytest.mark.parametrize("extension", ["jsonld", "ttl", "rdf"])
def test_every_mandatory_property_is_there(client, full_scene, extension):
    graph = _graph(client, extension)
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    assert not _missing(graph, catalog, CATALOG_MANDATORY + CATALOG_RECOMMENDED)
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert str(graph.value(publisher, FOAF.name)) == "Landeshauptstadt Erfurt"

    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert len(datasets) == len(registry.datasets()) == 8
    distributions = 0
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        assert not _missing(graph, dataset, DATASET_MANDATORY + DATASET_RECOMMENDED), dataset
        # contributorID exactly once, an IRI of GovData's list
        contributors = list(graph.objects(dataset, DCATDE.contributorID))
        assert len(contributors) == 1 and isinstance(contributors[0], URIRef)
        assert str(contributors[0]).startswith("http://dcat-ap.de/def/contributors/")
        # titles and descriptions in both languages
        for prop in (DCTERMS.title, DCTERMS.description):
            assert {lit.language for lit in graph.objects(dataset, prop)} == {"de", "en"}
        for theme in graph.objects(dataset, DCAT.theme):
            assert str(theme).startswith(EU + "data-theme/")
        # convention 1: the contact point has an e-mail address or a URL
        contact = graph.value(dataset, DCAT.contactPoint)
        assert graph.value(contact, VCARD.hasEmail) or graph.value(contact, VCARD.hasURL)
        modified = graph.value(dataset, DCTERMS.modified)
        assert isinstance(modified, Literal) and modified.datatype == XSD.dateTime
        for distribution in graph.objects(dataset, DCAT.distribution):
            distributions += 1
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            assert not _missing(
                graph, distribution, DISTRIBUTION_MANDATORY + DISTRIBUTION_RECOMMENDED
            ), distribution
            licence = graph.value(distribution, DCTERMS.license)
            assert str(licence) == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
            assert str(graph.value(distribution, DCTERMS.format)).startswith(EU + "file-type/")
            assert str(graph.value(distribution, DCAT.mediaType)).startswith(
                "http://www.iana.org/assignments/media-types/"
            )
            attribution = graph.value(distribution, DCATDE.licenseAttributionByText)
            assert str(attribution) == "Landeshauptstadt Erfurt"
    assert distributions == 5 * 3 + 3 * 2


def test_download_urls_answer_with_the_stated_media_type(client, scene):
    graph = _graph(client, "ttl")
    urls = list(graph.subject_objects(DCAT.downloadURL))
    assert len(urls) == 5 * 3 + 3 * 2
    for distribution, url in urls:
        parts = urlsplit(str(url))
        assert parts.scheme == "http" and parts.netloc == "localhost"  # from BASE_URL
        response = client.get(parts.path)
        assert response.status_code == 200, url
        body = response.get_data()
        media = str(graph.value(distribution, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        assert response.mimetype == media
        assert body


def test_the_serialisations_describe_the_same_graph(client, full_scene):
    graphs = [_graph(client, extension) for extension in SERIALISATIONS]
    sizes = {len(graph) for graph in graphs}
    assert len(sizes) == 1 and sizes.pop() > 200
    turtle, jsonld = graphs[0], graphs[1]
    assert set(turtle) == set(jsonld)


def test_the_licence_and_publisher_come_from_the_configuration(app, client, scene):
    app.config.update(
        OPEN_DATA_LICENSE="dl-de/zero-2-0",
        OPEN_DATA_PUBLISHER_NAME="Stadt Musterhausen",
        OPEN_DATA_CONTACT_EMAIL="daten@musterhausen.example",
        OPEN_DATA_CONTRIBUTOR_ID="http://dcat-ap.de/def/contributors/stadtMusterhausen",
    )
    graph = _graph(client, "ttl")
    licences_found = set(graph.objects(None, DCTERMS.license))
    assert licences_found == {URIRef("http://dcat-ap.de/def/licenses/dl-zero-de/2.0")}
    assert not list(graph.objects(None, DCATDE.licenseAttributionByText))  # not asked for
    assert URIRef("mailto:daten@musterhausen.example") in set(graph.objects(None, VCARD.hasEmail))
    assert set(graph.objects(None, DCATDE.contributorID)) == {
        URIRef("http://dcat-ap.de/def/contributors/stadtMusterhausen")
    }
    page = client.get("/daten/").get_data(as_text=True)
    assert "Datenlizenz Deutschland – Zero – Version 2.0" in page
    assert "bitte nennen Sie als Quelle" not in page


def test_an_unknown_licence_stops_the_start():
    with pytest.raises(ValueError, match="OPEN_DATA_LICENSE"):
        licences.check("cc-by-sa/4.0")


def test_the_catalogue_takes_the_same_queries_for_more_data(
    client, scene, proposal_factory, count_queries
):
    with count_queries() as few:
        client.get("/daten/catalog.jsonld")
    for i in range(5):
        proposal_factory(None, title=f"Weiterer {i}")
    with count_queries() as more:
        client.get("/daten/catalog.jsonld")
    assert more.count == few.count <= 10
