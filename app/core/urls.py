"""URL helpers: local redirect targets, and absolute links built from ``BASE_URL``."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths are followed after login or a language switch (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def _base_url_adapter(app: Flask) -> MapAdapter:
    parts = urlsplit(app.config["BASE_URL"])
    return app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
    )


def external_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """The absolute URL of ``endpoint`` (a full name such as ``"accounts.confirm"``), built
    from the configured ``BASE_URL`` (scheme, host and path prefix), never from the request.

    A request's ``Host`` header is chosen by the client: ``url_for(..., _external=True)``
    would put a spoofed host into a password-reset link. This works the same inside and
    outside a request (CLI commands, a mail worker). Every absolute link that leaves the
    site goes through it: confirmation and password-reset mails, the CSV export, share
    links, and later the notification digests and their unsubscribe links.
    """
    app = current_app._get_current_object()
    values = dict(values)
    app.inject_url_defaults(endpoint, values)
    url = _base_url_adapter(app).build(endpoint, values, force_external=True)
    if _anchor is not None:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url
