"""``flask barriers setup`` (offer types) and ``flask barriers import-offers FILE``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import services


@click.group("barriers", help="Offers catalogue and access-barrier reports.")
def barriers_cli() -> None:
    pass


@barriers_cli.command("setup")
@with_appcontext
def setup() -> None:
    """Create the standard offer types and barrier types (idempotent)."""
    created = services.load_offer_types()
    barrier_types = services.load_barrier_types()
    db.session.commit()
    click.echo(f"offer types: {created} created; barrier types: {barrier_types} created")


@barriers_cli.command("import-offers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--write", is_flag=True, help="Write the valid rows (default: only check).")
@with_appcontext
def import_offers(path: str, write: bool) -> None:
    """Check a CSV of offers (and with --write, import its valid rows)."""
    services.load_offer_types()
    with open(path, encoding="utf-8-sig") as f:
        report = services.validate_offer_csv(f.read())
    for line, message in report.problems:
        click.echo(f"line {line}: {message}")
    if write:
        count = services.import_offers(None, report)
        db.session.commit()
        click.echo(f"{count} offers imported")
    else:
        click.echo(f"{len(report.rows)} rows valid (use --write to import them)")
