"""``flask measures import FILE [--dry-run]``: the back office's upload for the city's
scheduled jobs; the same checks, the same row-numbered report, exit status 1 on problems."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..core.time import utcnow
from ..extensions import db
from . import effects, imports
from .models import Measure


@click.group("measures", help="Measures (Maßnahmen).")
def measures_cli() -> None:
    pass


def echo_report(report: imports.ImportReport) -> None:
    for problem in report.problems:
        where = f"row {problem.row}" if problem.row else "file"
        column = f", {problem.column}" if problem.column else ""
        click.echo(f"{where}{column}: {problem.message}", err=True)
    click.echo(
        f"rows: {report.rows}; created: {report.created}; updated: {report.updated}; "
        f"unchanged: {report.unchanged}; inputs linked: {report.linked}; "
        f"problems: {len(report.problems)}"
    )


@measures_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only check the file; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import measures from a CSV or XLSX file (rows matched by external_id)."""
    report = imports.import_file(None, path.name, path.read_bytes(), dry_run=dry_run)
    echo_report(report)
    if not report.ok:
        db.session.rollback()
        click.echo("Nothing was written.", err=True)
        raise SystemExit(1)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
        return
    db.session.commit()


@measures_cli.command("freeze-comparisons")
@with_appcontext
def freeze_comparisons_command() -> None:
    """Fix the comparison groups of effect monitoring for every measure that has started
    (for a daily job: saving a measure in the back office does the same)."""
    year = utcnow().date().year
    stored = sum(effects.freeze(m, year) for m in db.session.scalars(select(Measure)))
    db.session.commit()
    click.echo(f"comparison groups stored: {stored}")
