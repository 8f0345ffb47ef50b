"""Security headers: a Content-Security-Policy with a per-request nonce, and friends."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, request

from ..extensions import leaflet


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _tile_origin(app: Flask) -> str:
    parts = urlsplit(app.config.get("TILE_URL") or "")
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return ""


def init_app(app: Flask) -> None:
    leaflet.csp_nonce_callback(csp_nonce)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    tile_origin = _tile_origin(app)

    @app.before_request
    def refuse_nul_characters():
        """NUL characters have no place in text input (PostgreSQL refuses them): 400."""
        for values in (request.args, request.form):
            for value in values.values():
                if "\x00" in value:
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
