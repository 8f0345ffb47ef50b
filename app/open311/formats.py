"""The two formats of GeoReport v2: XML (required by the specification) and JSON.

A document is a root name and a value: a list (JSON: an array; XML: the root element with one
child per item, named by :data:`ITEM_NAMES`) or a dict (JSON: an object; XML: the root's child
elements). Lists inside items are named the same way (``attributes`` → ``attribute``). XML
starts with the declaration and UTF-8; JSON is UTF-8 too. ``None`` is an empty element in XML
and ``null`` in JSON; booleans are ``true``/``false`` in both.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML, never parse it

from flask import Response

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
MIMETYPES = {XML: "text/xml", JSON: "application/json"}

ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, name), child)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, value)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document(ext: str, root: str, value: Any, status: int = 200) -> Response:
    """The response: ``value`` in the format ``ext`` (XML for anything but JSON)."""
    if ext == JSON:
        body = to_json(value)
        mimetype = MIMETYPES[JSON]
    else:
        body = to_xml(root, value)
        mimetype = MIMETYPES[XML]
    response = Response(body, status=status, mimetype=mimetype)
    response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    return response


def errors(ext: str, status: int, descriptions: list[str]) -> Response:
    """The specification's error document: ``errors`` with one ``{code, description}`` each
    (the code is the HTTP status)."""
    return document(
        ext,
        "errors",
        [{"code": status, "description": text} for text in descriptions],
        status=status,
    )
