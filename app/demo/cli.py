"""``flask demo load``: demo people and content (development only)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .loader import load_demo


@click.group("demo", help="Demo content for development (never in production).")
def demo_cli() -> None:
    pass


@demo_cli.command("load")
@with_appcontext
def demo_load() -> None:
    """Add demo people (idempotent). Refused in production."""
    if not current_app.config["DEMO_CONTENT_ALLOWED"]:
        raise click.ClickException("Demo content is never loaded in production.")
    created = load_demo()
    db.session.commit()
    if created:
        click.echo("Demo accounts (development only):")
        for email, role, password in created:
            click.echo(f"  {email:<32} {role:<16} password: {password}")
    else:
        click.echo("Demo content is already there.")
