"""Configuration classes, driven by environment variables.

Pick one with ``QUARTIER_CONFIG`` (``development`` | ``testing`` | ``production``);
``create_app()`` defaults to development.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
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


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``TILE_BBOX``: "west,south,east,north" in degrees (WGS 84), or ``None`` when empty.
    Raises ``ValueError`` for anything else."""
    if not (value or "").strip():
        return None
    parts = [float(part) for part in value.split(",")]
    if len(parts) != 4:
        raise ValueError("TILE_BBOX needs four numbers: west,south,east,north")
    west, south, east, north = parts
    if not (-180 <= west < east <= 180 and -85.06 <= south < north <= 85.06):
        raise ValueError("TILE_BBOX must be west,south,east,north with west < east, south < north")
    return west, south, east, north


def rate_limit_storage(environ: Mapping[str, str]) -> str:
    """Where Flask-Limiter counts: ``RATELIMIT_STORAGE_URI`` when set, else ``REDIS_URL``
    when set, else ``memory://`` (each process counts on its own)."""
    return (
        environ.get("RATELIMIT_STORAGE_URI", "").strip()
        or environ.get("REDIS_URL", "").strip()
        or "memory://"
    )


def worker_count(environ: Mapping[str, str]) -> int:
    """The number of server processes the app is told about: ``WEB_CONCURRENCY`` (gunicorn's
    own default for ``--workers``; our ``gunicorn.conf.py`` sets it to the real count)."""
    value = environ.get("WEB_CONCURRENCY", "").strip()
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        raise RuntimeError(f"WEB_CONCURRENCY must be a number of workers, not {value!r}") from None


def check_rate_limit_storage(storage: str, workers: int) -> None:
    """Refuse per-process rate-limit counters when several processes serve the app: each
    would count on its own and let through a multiple of every limit."""
    if storage.startswith("memory://") and workers > 1:
        raise RuntimeError(
            f"Production with {workers} worker processes needs a shared rate-limit storage: "
            "with memory:// each worker counts on its own and lets through a multiple of every "
            "limit. Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) or RATELIMIT_STORAGE_URI, "
            "or run a single worker."
        )


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
    # Days until the first answer is due, for categories without their own target.
    WORKFLOW_DEFAULT_RESPONSE_DAYS = int(os.environ.get("WORKFLOW_DEFAULT_RESPONSE_DAYS", "30"))

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
    # The mailto of List-Unsubscribe (default: the sender's address); a person reads it.
    MAIL_UNSUBSCRIBE_MAILTO = os.environ.get("MAIL_UNSUBSCRIBE_MAILTO")
    # rows the worker sends per commit: the most a crash after SMTP acceptance can repeat
    MAIL_BATCH_SIZE = _int("MAIL_BATCH_SIZE", 50)
    # `flask mail inbound`: where the server for the unsubscribe address listens
    MAIL_INBOUND_HOST = os.environ.get("MAIL_INBOUND_HOST", "127.0.0.1")
    MAIL_INBOUND_PORT = _int("MAIL_INBOUND_PORT", 8025)
    MAIL_INBOUND_LMTP = _bool("MAIL_INBOUND_LMTP", False)

    # Rate limiting (Flask-Limiter): RATELIMIT_STORAGE_URI, else REDIS_URL, else memory://
    # (per process: production refuses it with more than one worker, see worker_count).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = rate_limit_storage(os.environ)
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
    # The built-in proxy (app/site/tiles.py) is bounded: zoom levels the maps offer (the maps
    # read the same pair), tiles covering the districts' bounding box (or TILE_BBOX,
    # "west,south,east,north") plus a margin in degrees, a per-client limit on upstream
    # fetches, and a cache of at most TILE_CACHE_MAX_BYTES (least recently used tiles go).
    TILE_MIN_ZOOM = _int("TILE_MIN_ZOOM", 10)
    TILE_MAX_ZOOM = _int("TILE_MAX_ZOOM", 18)
    TILE_BBOX = parse_bbox(os.environ.get("TILE_BBOX"))
    TILE_BBOX_MARGIN = _float("TILE_BBOX_MARGIN", 0.1)
    TILE_RATELIMIT = os.environ.get("TILE_RATELIMIT", "120 per minute")
    TILE_CACHE_MAX_BYTES = _int("TILE_CACHE_MAX_BYTES", 200 * 1024 * 1024)
    TILE_CACHE_SWEEP_EVERY = 50  # writes per process between two size checks of the cache
    # Never block the app: the whole upstream request (connect and read) ends after
    # TILE_PROXY_TIMEOUT seconds; a failed tile is not asked for again for TILE_FAILURE_TTL
    # seconds, and after an upstream failure every process answers a placeholder tile at once
    # for TILE_UPSTREAM_RETRY seconds (a file in TILE_CACHE_DIR) before one request tries again.
    TILE_PROXY_TIMEOUT = _float("TILE_PROXY_TIMEOUT", 1.5)
    TILE_FAILURE_TTL = _int("TILE_FAILURE_TTL", 60)
    TILE_UPSTREAM_RETRY = _int("TILE_UPSTREAM_RETRY", 30)
    # Sent upstream as the OSM tile usage policy asks; by default "Quartier/<version> (+BASE_URL)".
    TILE_USER_AGENT = os.environ.get("TILE_USER_AGENT", "")
    # Proposal photos (re-encoded JPEGs without metadata, random names).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Larger photos are refused from their header, before decoding (memory per upload).
    PHOTO_MAX_PIXELS = _int("PHOTO_MAX_PIXELS", 40_000_000)
    DISTRICT_ATTRIBUTION = (
        "Ortsteilgrenzen: &copy; Landeshauptstadt Erfurt, Geoportal, "
        '<a href="https://www.govdata.de/dl-de/by-2-0">dl-de/by-2-0</a> (vereinfacht)'
    )
    MAP_CENTER = (50.978, 11.03)
    MAP_ZOOM = 11
    DISTRICT_MAP_ZOOM = 14  # a map opened at one district (a proposal started from its page)
    LEAFLET_CSS_LOCAL_PATH = "vendor/leaflet/leaflet.css"
    LEAFLET_JS_LOCAL_PATH = "vendor/leaflet/leaflet.js"
    LEAFLET_MARKER_ICON_URL = "/static/vendor/leaflet/images/marker-icon.png"
    LEAFLET_MARKER_ICON_SHADOW_URL = "/static/vendor/leaflet/images/marker-shadow.png"

    # Bytes on the wire (app/core/http_cache.py, Flask-Compress): brotli or gzip for text
    # answers of at least COMPRESS_MIN_SIZE bytes; streamed downloads stay uncompressed.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]  # static files, sent from disk in chunks
    COMPRESS_MIN_SIZE = 500
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "text/csv",
        "text/plain",
        "image/svg+xml",
    ]
    # Static files: URLs from url_for('static', …) carry ?v=<content hash> and are cached for
    # a year (immutable); a request without the current hash gets STATIC_SHORT_MAX_AGE seconds.
    STATIC_LONG_MAX_AGE = 31536000
    STATIC_SHORT_MAX_AGE = _int("STATIC_SHORT_MAX_AGE", 300)

    # The per-process cache of the busiest public answers (app/core/page_cache.py): seconds an
    # answer is kept at most (0: off), answers per process, and the file whose changes tell
    # every process on this host (or sharing the file) that something was written.
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 60)
    PAGE_CACHE_ENTRIES = _int("PAGE_CACHE_ENTRIES", 256)
    # the shared write counter of the page cache: Redis when there is one (several hosts)
    PAGE_CACHE_REDIS_URL = (
        os.environ.get("PAGE_CACHE_REDIS_URL", "").strip()
        or os.environ.get("REDIS_URL", "").strip()
    )
    PAGE_CACHE_VERSION_FILE = os.environ.get(
        "PAGE_CACHE_VERSION_FILE", str(INSTANCE_DIR / "page-cache-version")
    )

    # Access-barrier aggregates: only cells with at least this many affected people are shown.
    BARRIER_MIN_CELL = _int("BARRIER_MIN_CELL", 5)

    # Open data (/daten/ and its DCAT-AP.de catalogue): the licence of every download (a key
    # of app.opendata.licences.LICENCES), the publisher, the contact and GovData's ids.
    OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "dl-de/by-2-0")
    OPEN_DATA_PUBLISHER_NAME = os.environ.get("OPEN_DATA_PUBLISHER_NAME", "Landeshauptstadt Erfurt")
    OPEN_DATA_PUBLISHER_URL = os.environ.get("OPEN_DATA_PUBLISHER_URL", "https://www.erfurt.de")
    # The attribution the licence asks for (dcatde:licenseAttributionByText); empty: the publisher.
    OPEN_DATA_ATTRIBUTION = os.environ.get("OPEN_DATA_ATTRIBUTION", "")
    OPEN_DATA_CONTACT_NAME = os.environ.get("OPEN_DATA_CONTACT_NAME", "")  # empty: the publisher
    OPEN_DATA_CONTACT_EMAIL = os.environ.get("OPEN_DATA_CONTACT_EMAIL", "")
    OPEN_DATA_CONTACT_URL = os.environ.get("OPEN_DATA_CONTACT_URL", "")  # empty: the /daten/ page
    # dcatde:contributorID: the supplier's IRI from http://dcat-ap.de/def/contributors (GovData
    # assigns it; the default is a placeholder until the city has one).
    OPEN_DATA_CONTRIBUTOR_ID = os.environ.get(
        "OPEN_DATA_CONTRIBUTOR_ID", "http://dcat-ap.de/def/contributors/landeshauptstadtErfurt"
    )
    # Amtlicher Gemeindeschlüssel (dcatde:politicalGeocodingURI); Erfurt: 16051000.
    OPEN_DATA_MUNICIPALITY_KEY = os.environ.get("OPEN_DATA_MUNICIPALITY_KEY", "16051000")

    # Moderation: after this many open reports an item is hidden until a moderator reviews it.
    MODERATION_FLAG_THRESHOLD = _int("MODERATION_FLAG_THRESHOLD", 3)

    # Open311 GeoReport v2 (/open311/v2/): the jurisdiction_id clients may send (absent or
    # empty works too), the limit on POST requests per API key, the discovery's contact.
    OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "erfurt.de")
    OPEN311_RATELIMIT = os.environ.get("OPEN311_RATELIMIT", "30 per minute; 500 per day")
    OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")

    # Demo content may be loaded (never in production).
    DEMO_CONTENT_ALLOWED = True

    # Legal and accessibility pages (app/legal): the city's own texts in
    # LEGAL_CONTENT_DIR/<de|en|leichte-sprache>/<page>.md replace the shipped defaults.
    LEGAL_CONTENT_DIR = os.environ.get("LEGAL_CONTENT_DIR", str(INSTANCE_DIR / "legal"))
    # Where feedback on the site's accessibility is mailed (it is always stored as well).
    ACCESSIBILITY_FEEDBACK_EMAIL = os.environ.get("ACCESSIBILITY_FEEDBACK_EMAIL", "")
    RATELIMIT_FEEDBACK = os.environ.get("RATELIMIT_FEEDBACK", "5 per minute; 20 per hour")
    # A self-hosted German Sign Language video for the start page (e.g. /static/dgs/quartier.mp4
    # or a path under /barrierefreiheit/medien/); nothing is shown when it is empty.
    DGS_VIDEO_URL = os.environ.get("DGS_VIDEO_URL", "")
    DGS_VIDEO_CAPTIONS_URL = os.environ.get("DGS_VIDEO_CAPTIONS_URL", "")


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
    RATELIMIT_STORAGE_URI = "memory://"  # whatever REDIS_URL says; the Redis test sets its own
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105 - the same scheme, cheap enough for tests
    TILE_URL = ""  # no base map in tests: the suite must not touch the network
    PAGE_CACHE_SECONDS = 0  # off: tests of the cache switch it on (tests/core/test_page_cache.py)
    PAGE_CACHE_REDIS_URL = ""  # the version file; the Redis test sets its own
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

        storage = rate_limit_storage(os.environ)
        check_rate_limit_storage(storage, worker_count(os.environ))
        cls.RATELIMIT_STORAGE_URI = storage

        cls.TRUSTED_HOSTS = host_list(os.environ.get("TRUSTED_HOSTS")) or [
            urlsplit(base_url).hostname
        ]


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
