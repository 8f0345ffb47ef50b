"""``flask districts …``"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import services


@click.group("districts", help="Districts and councils.")
def districts_cli() -> None:
    pass


@districts_cli.command("load")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@with_appcontext
def load_command(path: str | None) -> None:
    """Create or update districts and councils from PATH (default: the shipped Erfurt data).

    PATH is a folder with districts.geojson, districts.csv and councils.csv.
    """
    try:
        report = services.load_districts(path)
    except services.DistrictDataError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    for warning in report.warnings:
        click.echo(f"note: {warning}")
    click.echo(
        f"districts: {report.districts_created} created, {report.districts_updated} updated; "
        f"councils: {report.councils_created} created, {report.councils_updated} updated, "
        f"{report.councils_removed} removed"
    )
