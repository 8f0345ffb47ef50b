"""The licences a city may put on its open data (config ``OPEN_DATA_LICENSE``), with the IRIs
of the DCAT-AP.de licence vocabulary (http://dcat-ap.de/def/licenses, GovData's convention 31:
``dct:license`` of a distribution MUST be one of them)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class Licence:
    key: str
    name: str  # the licence's own name (German: the name the licence gives itself)
    url: str  # the licence text
    iri: str  # DCAT-AP.de vocabulary
    attribution: bool  # the licence asks for attribution (dcatde:licenseAttributionByText)


LICENCES: dict[str, Licence] = {
    licence.key: licence
    for licence in (
        Licence(
            "dl-de/by-2-0",
            "Datenlizenz Deutschland – Namensnennung – Version 2.0",
            "https://www.govdata.de/dl-de/by-2-0",
            "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
            True,
        ),
        Licence(
            "dl-de/zero-2-0",
            "Datenlizenz Deutschland – Zero – Version 2.0",
            "https://www.govdata.de/dl-de/zero-2-0",
            "http://dcat-ap.de/def/licenses/dl-zero-de/2.0",
            False,
        ),
        Licence(
            "cc-by/4.0",
            "Creative Commons Namensnennung – 4.0 International (CC BY 4.0)",
            "https://creativecommons.org/licenses/by/4.0/",
            "http://dcat-ap.de/def/licenses/cc-by/4.0",
            True,
        ),
        Licence(
            "cc-zero",
            "Creative Commons CC Zero License (cc-zero)",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "http://dcat-ap.de/def/licenses/cc-zero",
            False,
        ),
    )
}


def check(key: str) -> Licence:
    """The licence ``key`` names; ``ValueError`` naming the known keys otherwise."""
    try:
        return LICENCES[key]
    except KeyError:
        known = ", ".join(sorted(LICENCES))
        raise ValueError(f"OPEN_DATA_LICENSE={key!r} is not one of: {known}") from None


def current() -> Licence:
    return check(current_app.config["OPEN_DATA_LICENSE"])


def attribution_text() -> str:
    """The attribution the licence asks for (``OPEN_DATA_ATTRIBUTION``, else the publisher)."""
    config = current_app.config
    return config.get("OPEN_DATA_ATTRIBUTION") or config["OPEN_DATA_PUBLISHER_NAME"]
