"""Flask extensions, created unbound and bound to the app in ``create_app``."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_leaflet import Leaflet
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class StreamSafeCompress(Compress):
    """Flask-Compress that leaves streamed answers alone, except static files.

    Streamed downloads (``app.core.exports``: CSV, XLSX, GeoJSON of whole tables) must send
    their first rows while the later ones are still read; a compressor buffers its output, so
    they go out uncompressed (CSV and XLSX are not compressible types anyway). Static files are
    streamed by Werkzeug from disk and compressed chunk by chunk. A partial answer (206, a
    byte range of the file) is never compressed: its range counts bytes of the plain file."""

    STATIC_ENDPOINTS = frozenset({"static", "leaflet.static"})

    def after_request(self, response):
        if response.status_code == 206 or (
            response.is_streamed and request.endpoint not in self.STATIC_ENDPOINTS
        ):
            return response
        return super().after_request(response)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
leaflet = Leaflet()
compress = StreamSafeCompress()
