"""``flask indicators load-demo``, ``import`` and ``social-index``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from .catalogue import IndicatorError
from .demo import load_demo_data
from .imports import (
    ImportFileError,
    apply_batch,
    batch_changes,
    batch_errors,
    create_pending_batch,
    incomplete_years,
)
from .social_index import compute_index, read_csv_rows, write_results_csv


@click.group("indicators", help="Indicators and the social index.")
def indicators_cli() -> None:
    pass


@indicators_cli.command("load-demo")
@with_appcontext
def load_demo_command() -> None:
    """Load the SYNTHETIC demo series (idempotent). Refused in production."""

    if not current_app.config["DEMO_CONTENT_ALLOWED"]:
        raise click.ClickException("Demo content is never loaded in production.")
    written = load_demo_data()
    db.session.commit()
    click.echo(f"synthetic demo series (not real statistics): {written} values written")


@indicators_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="", help="Where the figures come from (kept with the import).")
@click.option("--confirm", is_flag=True, help="Write the values (without it: only check).")
@click.option(
    "--overwrite", is_flag=True, help="With --confirm: overwrite stored values that differ."
)
@with_appcontext
def import_command(path: Path, source: str, confirm: bool, overwrite: bool) -> None:
    """Import indicator values from CSV or XLSX with the upload's checks and report; exit
    status 1 on any invalid row (nothing is written then)."""
    try:
        batch = create_pending_batch(None, path.name, path.read_bytes(), source or path.name)
    except ImportFileError as exc:
        db.session.rollback()
        click.echo(f"file: {exc}", err=True)
        raise SystemExit(1) from None
    errors, changes = batch_errors(batch), batch_changes(batch)
    for problem in [*errors, *changes]:
        column = f", {problem.get('column')}" if problem.get("column") else ""
        detail = f" ({problem['detail']})" if problem.get("detail") else ""
        click.echo(
            f"row {problem.get('row')}{column}: {problem['kind']}: {problem['text']}{detail}",
            err=True,
        )
    click.echo(
        f"new: {batch.new_count}; changed: {batch.changed_count}; "
        f"unchanged: {batch.unchanged_count}; invalid rows: {batch.skipped_count}"
    )
    for gap in incomplete_years(batch):
        click.echo(
            f"warning: {gap['code']} {gap['year']} is incomplete: only {gap['districts']} of "
            f"{gap['expected']} districts have a value (not the default year of the map, "
            "no plain city average)",
            err=True,
        )
    if errors:
        db.session.rollback()
        click.echo("Nothing was written.", err=True)
        raise SystemExit(1)
    if not confirm:
        db.session.rollback()
        click.echo("Checked only: run again with --confirm to write the values.")
        return
    try:
        apply_batch(None, batch, overwrite=overwrite)
    except IndicatorError as exc:
        db.session.rollback()
        click.echo(f"{exc} (--overwrite)", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"import no. {batch.id} written")


def _columns(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


@indicators_cli.command("social-index")
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False))
@click.option("--status", required=True, help="Status indicator columns, comma-separated.")
@click.option(
    "--dynamic", default="", help="Dynamics indicator columns (changes), comma-separated."
)
@click.option("--id-column", default="id", show_default=True)
@click.option("--population-column", default=None, help="Inhabitants column (for the minimum).")
@click.option("--min-population", default=300.0, show_default=True, type=float)
@click.option(
    "--invert",
    default="",
    help="Columns where a higher value means LESS disadvantage, comma-separated.",
)
def social_index_command(
    input_path: str,
    output_path: str,
    status: str,
    dynamic: str,
    id_column: str,
    population_column: str | None,
    min_population: float,
    invert: str,
) -> None:
    """Compute the social index (MSS method) of any areas in a CSV file (one row per area).

    Writes id, status sum, status index and status class 1-4, and the same for dynamics when
    dynamics columns are given. Needs no database.
    """
    status_columns, dynamic_columns = _columns(status), _columns(dynamic)
    if not status_columns:
        raise click.BadParameter("name at least one column", param_hint="--status")
    numeric = [*status_columns, *dynamic_columns]
    if population_column:
        numeric.append(population_column)
    inverted = set(_columns(invert))
    unknown = inverted - set(status_columns) - set(dynamic_columns)
    if unknown:
        raise click.BadParameter(f"not an index column: {sorted(unknown)}", param_hint="--invert")
    try:
        rows = read_csv_rows(input_path, numeric)
        result = compute_index(
            rows,
            id_key=id_column,
            status=status_columns,
            dynamic=dynamic_columns,
            population_key=population_column,
            min_population=min_population if population_column else 0,
            directions=dict.fromkeys(inverted, -1),
        )
    except (ValueError, TypeError) as error:
        raise click.ClickException(str(error)) from None
    write_results_csv(result, output_path)
    click.echo(
        f"{len(result.areas)} areas indexed, {len(result.left_out)} left out → {output_path}",
        err=True,
    )
    for item in result.left_out:
        click.echo(f"  left out {item.id}: {item.reason} {item.detail}".rstrip(), err=True)
