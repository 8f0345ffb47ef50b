"""Configuration classes, driven by environment variables.

Pick one with ``QUARTIER_CONFIG`` (``development`` | ``testing`` | ``production``);
``create_app()`` defaults to development.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("QUARTIER_INSTANCE_DIR", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def parse_base_url(value: str | None) -> str:
    """``BASE_URL`` checked and normalised: an absolute http(s) URL with a host and an optional
    path prefix, without credentials, query or fragment; the trailing slash is dropped.
    Raises ``ValueError`` with the reason."""
    value = (value or "").strip()
    if not value:
        raise ValueError("it is empty")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("it is not an absolute http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError("it must not contain a user name or password")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ValueError("it must not contain a query or fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def host_list(value: str | None) -> list[str]:
    """A comma-separated list of host names (``TRUSTED_HOSTS``), blanks dropped."""
    return [host.strip() for host in (value or "").split(",") if host.strip()]


def database_url(value: str | None, default: str | None = None) -> str | None:
    """Use psycopg 3 for PostgreSQL whatever the URL's spelling (``postgres://``,
    ``postgresql://``)."""
    value = value or default
    if value:
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
    return value


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL"), f"sqlite:///{INSTANCE_DIR / 'quartier.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024

    # Absolute links (mails, exports, share links) are built from BASE_URL, never from the
    # request's Host header: scheme, host and an optional path prefix, no trailing slash.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Flask refuses (400) requests whose Host is not listed; None accepts any (production
    # sets it from TRUSTED_HOSTS or BASE_URL's host).
    TRUSTED_HOSTS: list[str] | None = None
    # Behind a reverse proxy: trust its X-Forwarded-For and X-Forwarded-Proto (one hop);
    # X-Forwarded-Host only when PROXY_FIX_HOST is set as well.
    PROXY_FIX = _bool("PROXY_FIX", False)
    PROXY_FIX_HOST = _bool("PROXY_FIX_HOST", False)

    # Internationalisation: German first.
    LANGUAGES = ("de", "en")
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    # Sessions and cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Accounts.
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - werkzeug's default: scrypt, n=2**15, r=8, p=1
    EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 3
    RESET_TOKEN_MAX_AGE = 60 * 60 * 2

    # Mail: "console" logs messages, "smtp" sends them, "memory" keeps them (tests).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "quartier@localhost")

    # Rate limiting (Flask-Limiter): memory by default, Redis when configured.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute; 50 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per minute; 20 per hour")

    # Maps. Tiles go through our own proxy by default so that visitors' browsers never
    # contact a third party; TILE_URL may point elsewhere (then CSP allows that origin).
    TILE_UPSTREAM_URL = os.environ.get(
        "TILE_UPSTREAM_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    )
    TILE_URL = os.environ.get("TILE_URL", "/tiles/{z}/{x}/{y}.png")
    TILE_ATTRIBUTION = os.environ.get(
        "TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-Mitwirkende',
    )
    TILE_CACHE_DIR = os.environ.get("TILE_CACHE_DIR", str(INSTANCE_DIR / "tile-cache"))
    # Proposal photos (re-encoded JPEGs without metadata, random names).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Larger photos are refused from their header, before decoding (memory per upload).
    PHOTO_MAX_PIXELS = _int("PHOTO_MAX_PIXELS", 40_000_000)
    TILE_PROXY_TIMEOUT = 5
    DISTRICT_ATTRIBUTION = (
        "Ortsteilgrenzen: &copy; Landeshauptstadt Erfurt, Geoportal, "
        '<a href="https://www.govdata.de/dl-de/by-2-0">dl-de/by-2-0</a> (vereinfacht)'
    )
    MAP_CENTER = (50.978, 11.03)
    MAP_ZOOM = 11
    LEAFLET_CSS_LOCAL_PATH = "vendor/leaflet/leaflet.css"
    LEAFLET_JS_LOCAL_PATH = "vendor/leaflet/leaflet.js"
    LEAFLET_MARKER_ICON_URL = "/static/vendor/leaflet/images/marker-icon.png"
    LEAFLET_MARKER_ICON_SHADOW_URL = "/static/vendor/leaflet/images/marker-shadow.png"

    # Access-barrier aggregates: only cells with at least this many affected people are shown.
    BARRIER_MIN_CELL = _int("BARRIER_MIN_CELL", 5)

    # Moderation: after this many open reports an item is hidden until a moderator reviews it.
    MODERATION_FLAG_THRESHOLD = _int("MODERATION_FLAG_THRESHOLD", 3)

    # Demo content may be loaded (never in production).
    DEMO_CONTENT_ALLOWED = True


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"), "sqlite://")
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    RATELIMIT_ENABLED = False  # tests that check rate limits switch it back on
    MAIL_BACKEND = "memory"
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - the same scheme, cheap enough for tests
    TILE_URL = ""  # no base map in tests: the suite must not touch the network
    BASE_URL = "http://localhost"  # what the test client sends as Host
    SERVER_NAME = None


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    # __Host-: the browser accepts it only over HTTPS, for this host, for every path.
    REMEMBER_COOKIE_NAME = "__Host-remember"
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    DEMO_CONTENT_ALLOWED = False

    @classmethod
    def validate(cls) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "Production needs SECRET_KEY set to a random value of at least 32 characters, "
                'e.g. python -c "import secrets; print(secrets.token_hex(32))"'
            )
        cls.SECRET_KEY = key

        try:
            base_url = parse_base_url(os.environ.get("BASE_URL"))
        except ValueError as exc:
            raise RuntimeError(
                f"Production needs BASE_URL set to the site's public address ({exc}), "
                "e.g. BASE_URL=https://quartier.erfurt.de (scheme, host and an optional path "
                "prefix; links in e-mails are built from it)"
            ) from None
        cls.BASE_URL = base_url
        cls.TRUSTED_HOSTS = host_list(os.environ.get("TRUSTED_HOSTS")) or [
            urlsplit(base_url).hostname
        ]


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
