"""Quartier: integrated social-space planning with the people who live there."""

from __future__ import annotations

import logging
import os

from flask import Flask

from config import BASE_DIR, CONFIGS, INSTANCE_DIR, Config

from .extensions import babel, csrf, db, leaflet, limiter, login_manager, migrate


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
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("PROXY_FIX"):
        from .core.security import proxy_fix

        app.wsgi_app = proxy_fix(app.wsgi_app, app.config)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    from . import models  # noqa: F401 - registers all tables
    from .core import i18n, permissions, security

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    leaflet.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    app.jinja_env.globals["perm"] = permissions  # templates ask the same predicates

    _register_blueprints(app)
    _register_cli(app)

    from .core import errors

    errors.init_app(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .accounts.admin import bp as admin_bp
    from .api import bp as api_bp
    from .barriers import bp as barriers_bp
    from .comments import bp as comments_bp
    from .core.audit_views import bp as audit_bp
    from .core.routes import bp as core_bp
    from .dashboard import bp as dashboard_bp
    from .districts import bp as districts_bp
    from .districts.admin import bp as districts_admin_bp
    from .indicators import api_bp as indicators_api_bp
    from .indicators import bp as indicators_bp
    from .moderation import api_bp as moderation_api_bp
    from .moderation import bp as moderation_bp
    from .needs import bp as needs_bp
    from .notifications import bp as notifications_bp
    from .proposals import bp as proposals_bp
    from .proposals.map_routes import bp as proposal_map_bp
    from .responses import bp as responses_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        admin_bp,
        districts_bp,
        districts_admin_bp,
        audit_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(barriers_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(indicators_api_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(proposal_map_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(moderation_api_bp)
    app.register_blueprint(responses_bp)
    app.register_blueprint(dashboard_bp)


def _register_cli(app: Flask) -> None:
    from .accounts.cli import users_cli
    from .barriers.cli import barriers_cli
    from .core.cli import demo_cli, setup_command, translate_cli
    from .districts.cli import districts_cli
    from .indicators.cli import indicators_cli

    for command in (users_cli, districts_cli, demo_cli, setup_command, translate_cli):
        app.cli.add_command(command)
    app.cli.add_command(indicators_cli)
    app.cli.add_command(barriers_cli)
