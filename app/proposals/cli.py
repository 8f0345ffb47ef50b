"""``flask uploads gc``: remove photo files that no proposal uses."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from . import photos


@click.group("uploads", help="Uploaded files (proposal photos).")
def uploads_cli() -> None:
    pass


@uploads_cli.command("gc")
@click.option(
    "--older-than",
    "hours",
    type=click.FloatRange(min=0),
    default=24,
    show_default=True,
    help="Only remove files older than this many hours (younger ones may be in a "
    "confirmation step).",
)
@click.option("--dry-run", is_flag=True, help="Only count, delete nothing.")
@with_appcontext
def gc(hours: float, dry_run: bool) -> None:
    """Delete photo files in UPLOAD_FOLDER that no proposal references."""
    report = photos.collect_garbage(timedelta(hours=hours), dry_run=dry_run)
    verb = "would be deleted (dry run)" if dry_run else "deleted"
    click.echo(
        f"photo files: {report.checked} checked, {report.in_use} in use, "
        f"{report.young} younger than {hours:g} h, {report.deleted} {verb}"
    )
