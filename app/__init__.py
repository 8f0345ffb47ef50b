"""Quartier: integrated social-space planning with the people who live there."""

from __future__ import annotations

import logging
import os

from flask import Flask

from config import BASE_DIR, CONFIGS, INSTANCE_DIR, Config

from . import (
    accounts,
    api,
    backoffice,
    barriers,
    comments,
    dashboard,
    demo,
    districts,
    indicators,
    legal,
    locations,
    mail,
    measures,
    models,  # noqa: F401 - registers all tables
    moderation,
    needs,
    notifications,
    open311,
    opendata,
    proposals,
    responses,
    responsiveness,
    site,
    workflow,
)
from .core import (
    cards,
    cli,
    errors,
    http_cache,
    i18n,
    numbers,
    page_cache,
    permissions,
    search,
    security,
)
from .extensions import babel, compress, csrf, db, leaflet, limiter, login_manager, migrate


def create_app(config_class: type[Config] | str | None = None, **overrides) -> Flask:
    """Application factory.

    ``config_class`` is a config class or its name; by default ``QUARTIER_CONFIG`` or
    ``development``. Keyword ``overrides`` are applied last (used by tests).
    """
    if config_class is None or isinstance(config_class, str):
        config_class = CONFIGS[config_class or os.environ.get("QUARTIER_CONFIG", "development")]
    validate = getattr(config_class, "validate", None)
    if validate is not None:
        validate()

    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    numbers.init_app(app)  # the ``<id:…>`` URL converter, before any blueprint's rules
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("PROXY_FIX"):
        # deferred: the proxy middleware is imported only where a proxy is configured
        from .core.security import proxy_fix

        app.wsgi_app = proxy_fix(app.wsgi_app, app.config)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(BASE_DIR / "migrations"),
        render_as_batch=True,
        include_name=search.include_name,  # the SQLite FTS tables are not the models'
    )
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    leaflet.init_app(app)
    security.init_app(app)
    http_cache.init_app(app)  # hashed static URLs, their cache headers
    page_cache.init_app(app)  # whole answers of the busiest public GETs, stale on any write
    compress.init_app(app)  # brotli / gzip (runs after every other after_request)
    i18n.init_app(app)
    cards.init_app(app)  # the cards' icon, colour and age (templates/macros/cards.html)
    permissions.init_app(app)  # templates ask the same predicates: ``perm.<name>``
    cli.init_app(app)

    # The domains, lowest first: each registers its blueprints, content types, CLI and
    # template helpers. ``api`` comes after the domains that add endpoints to /api/v1.
    for domain in (
        accounts,
        districts,
        mail,
        notifications,
        moderation,
        comments,
        workflow,
        responses,
        proposals,
        needs,
        barriers,
        indicators,
        measures,
        api,
        locations,
        dashboard,
        backoffice,
        responsiveness,
        open311,
        opendata,
        site,
        legal,
        demo,
    ):
        domain.init_app(app)

    errors.init_app(app)
    return app
