"""``flask users …``"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..districts.models import Council
from ..extensions import db
from . import services
from .models import Office


@click.group("users", help="People and roles.")
def users_cli() -> None:
    pass


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", help="Display name (default: part before @).")
@click.option(
    "--role",
    type=click.Choice(("citizen", *services.ROLES)),
    default="citizen",
    show_default=True,
)
@click.option("--council", help="Council slug or name (mayor, council_member).")
@click.option("--office", help="Office slug (planner).")
@with_appcontext
def create_user(email, display_name, role, council, office) -> None:
    """Create a confirmed account. The password is read from a prompt or standard input."""
    council_id = office_id = None
    if council:
        found = db.session.scalar(
            select(Council).where((Council.slug == council) | (Council.name == council))
        )
        if found is None:
            raise click.ClickException(f"Unknown council {council!r}")
        council_id = found.id
    if office:
        found_office = db.session.scalar(select(Office).where(Office.slug == office))
        if found_office is None:
            raise click.ClickException(f"Unknown office {office!r}")
        office_id = found_office.id
    password = _read_password()
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise click.ClickException(f"The password must have at least {minimum} characters")
    try:
        user = services.register(email, display_name or email.split("@")[0], password)
        services.confirm_email(user)
        if role != "citizen":
            services.grant_role(None, user, role, council_id=council_id, office_id=office_id)
    except services.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created user {user.id} <{user.email}> with role {role}")
