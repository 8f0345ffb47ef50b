"""``flask open311 keys create --name NAME | list | revoke KEY_ID``: the clients' API keys.

``create`` prints the secret once, on its own line (only its SHA-256 digest is stored)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..core.numbers import ID_MAX, ID_MIN
from ..extensions import db
from . import keys

open311_cli = AppGroup("open311", help="Open311 GeoReport v2: the clients' API keys.")
keys_cli = AppGroup("keys", help="Create, list and revoke API keys.")
open311_cli.add_command(keys_cli)


@keys_cli.command("create")
@click.option("--name", required=True, help="The client's name (shown as “über NAME”).")
def create(name: str) -> None:
    """Create a key and print its secret once, on its own line."""
    try:
        key, secret = keys.create_key(None, name)
    except keys.ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Key {key.id} for “{key.name}” created. The key (shown only now):", err=True)
    click.echo(secret)


@keys_cli.command("list")
def list_() -> None:
    """Every key: id, name, created, state."""
    for key in keys.list_keys():
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        used = f", last used {key.last_used_at:%Y-%m-%d}" if key.last_used_at else ""
        click.echo(f"{key.id}\t{key.name}\tcreated {key.created_at:%Y-%m-%d}\t{state}{used}")


@keys_cli.command("revoke")
@click.argument("key_id", type=click.IntRange(ID_MIN, ID_MAX))
def revoke(key_id: int) -> None:
    """Revoke the key KEY_ID (see `list`); its client can no longer create requests."""
    key = keys.get_key(key_id)
    if key is None:
        raise click.ClickException(f"No key {key_id}.")
    try:
        keys.revoke(None, key)
    except keys.ApiKeyError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Key {key.id} for “{key.name}” revoked.")
