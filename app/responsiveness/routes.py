"""The back office's figures page and the public page "Wie schnell antwortet die Stadt?"
with its CSV. Thin routes: permission → one service call → render."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _

from ..core.csv_export import csv_response
from ..core.permissions import public, requires
from . import services
from .permissions import can_view_figures

bp = Blueprint("responsiveness", __name__)


def _symbols() -> tuple[str, str]:
    """The current language's decimal and group separators ("," and "." in German)."""
    symbols = get_locale().number_symbols.get("latn", {})
    return symbols.get("decimal", "."), symbols.get("group", ",")


def _localized(text: str) -> str:
    decimal, group = _symbols()
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


@bp.app_template_global("figure_days")
def figure_days(value: float | None) -> str:
    """Days with one decimal in the current language ("3,5" in German): Babel's "#,##0.0"
    written out (the tables have hundreds of cells; Babel's formatter costs a tenth of a
    millisecond each)."""
    return "" if value is None else _localized(f"{round(value, 1):,.1f}")


@bp.app_template_global("figure_count")
def figure_count(value: int) -> str:
    """A count with the language's thousands separator ("27.187" in German)."""
    return _localized(f"{int(value):,d}")


@bp.app_template_global("figure_share")
def figure_share(value: float | None) -> str:
    return "" if value is None else format_percent(value, format="#,##0 %")


@bp.get("/verwaltung/zahlen/")
@requires(can_view_figures)
def figures():
    return render_template("responsiveness/figures.html", figures=services.back_office_figures())


@bp.get("/wie-schnell-antwortet-die-stadt")
@public
def public_page():
    return render_template("responsiveness/public.html", found=services.public_page_figures())


@bp.get("/wie-schnell-antwortet-die-stadt.csv")
@public
def public_csv():
    found = services.public_page_figures()
    note = _("fewer than %(n)d inputs", n=found.threshold)
    return csv_response(
        "wie-schnell-antwortet-die-stadt.csv",
        services.CSV_HEADER,
        services.public_csv_rows(found, note),
    )
