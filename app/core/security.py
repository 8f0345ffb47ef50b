"""Security headers: a Content-Security-Policy with a per-request nonce, and friends;
the reverse-proxy headers we trust."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import leaflet


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def proxy_fix(wsgi_app: Any, config: Mapping[str, Any]) -> ProxyFix:
    """Trust one reverse proxy's X-Forwarded-For and X-Forwarded-Proto (``PROXY_FIX``).

    X-Forwarded-Host only with ``PROXY_FIX_HOST``: a proxy that passes a client's header on
    would otherwise let it choose the host. Links never come from the host anyway (they are
    built from ``BASE_URL``); ``TRUSTED_HOSTS`` checks whatever host results.
    """
    return ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1 if config.get("PROXY_FIX_HOST") else 0)


def _tile_origin(app: Flask) -> str:
    parts = urlsplit(app.config.get("TILE_URL") or "")
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return ""


def init_app(app: Flask) -> None:
    leaflet.csp_nonce_callback(csp_nonce)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    tile_origin = _tile_origin(app)

    @app.errorhandler(SecurityError)
    def refuse_untrusted_host(error: SecurityError):
        """A Host outside ``TRUSTED_HOSTS``: 400 without the usual error page, which would
        need URLs for a host that is refused (Flask has no URL adapter for the request)."""
        message = _("The request could not be understood. Please try again.")
        if request.path.startswith("/api/"):
            return jsonify(error={"status": 400, "message": message}), 400
        return Response(f"{_('Bad request')}\n\n{message}\n", 400, mimetype="text/plain")

    @app.before_request
    def refuse_nul_characters():
        """NUL characters have no place in a path or text input (PostgreSQL refuses them):
        400, for every value of a repeated parameter and for parameter names too."""
        if "\x00" in request.path:
            abort(400)
        for values in (request.args, request.form):
            for name, items in values.lists():
                if "\x00" in name or any("\x00" in value for value in items):
                    abort(400)

    @app.after_request
    def set_security_headers(response):
        img_src = " ".join(filter(None, ["'self'", "data:", tile_origin]))
        policy = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self'; "
            f"img-src {img_src}; "
            "connect-src 'self'; "
            "font-src 'self'; "
            "object-src 'none'; "
            "base-uri 'self'; "
            "form-action 'self'; "
            "frame-ancestors 'none'"
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
