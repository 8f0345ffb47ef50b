"""``flask translate …`` and ``flask search reindex`` (``flask setup`` lives in
``app.site.cli``, ``flask demo`` in ``app.demo.cli``)."""

from __future__ import annotations

import subprocess
import sys

import click
from babel.messages.pofile import read_po, write_po
from flask.cli import with_appcontext

from config import BASE_DIR

from ..extensions import db
from . import search


@click.group("translate", help="Translation catalogues (wraps pybabel).")
def translate_cli() -> None:
    pass


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.call(command, cwd=BASE_DIR):  # noqa: S603
        raise click.ClickException("pybabel " + " ".join(args) + " failed")


@translate_cli.command("update")
def translate_update() -> None:
    """Extract messages and merge them into the de and en catalogues."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "-o", "messages.pot", ".")
    _pybabel(
        "update",
        "-i",
        "messages.pot",
        "-d",
        "translations",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )
    (BASE_DIR / "messages.pot").unlink()
    filled = fill_source_catalogue(BASE_DIR / "translations" / "en" / "LC_MESSAGES" / "messages.po")
    click.echo(f"en: {filled} new messages taken over from the (English) source")
    click.echo("Now translate the empty entries in translations/de/LC_MESSAGES/messages.po")


def fill_source_catalogue(path) -> int:
    """The source strings are English: the English catalogue repeats them."""

    with open(path, "rb") as f:
        catalogue = read_po(f, locale="en")
    filled = 0
    for message in catalogue:
        if message.id and not (
            all(message.string) if isinstance(message.id, tuple) else message.string
        ):
            message.string = message.id
            filled += 1
    with open(path, "wb") as f:
        write_po(f, catalogue, width=100)
    return filled


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues (.po → .mo)."""
    _pybabel("compile", "-d", "translations")


@click.group("search", help="The full-text search index.")
def search_cli() -> None:
    pass


@search_cli.command("reindex")
@with_appcontext
def search_reindex() -> None:
    """Rebuild the SQLite search tables (PostgreSQL keeps its indexes itself)."""
    counts = search.reindex()
    db.session.commit()
    if not counts:
        click.echo("PostgreSQL: the full-text indexes are kept by the database, nothing to do.")
    for key, number in counts.items():
        click.echo(f"{key}: {number} indexed")


def init_app(app) -> None:
    app.cli.add_command(translate_cli)
    app.cli.add_command(search_cli)
