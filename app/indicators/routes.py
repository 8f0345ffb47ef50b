"""Indicator pages: catalogue, map, social index, methods, district profile, import, links."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..core.csv_export import DATA_DELIMITER, csv_response
from ..core.forms import options
from ..core.i18n import localized
from ..core.numbers import YEAR_MAX, YEAR_MIN, NumberError, arg_int, parse_id, parse_int
from ..core.permissions import public, requires
from ..districts import services as district_services
from ..districts.models import District
from ..extensions import db
from . import catalogue, charts, choropleth, district_index, imports, links, registry, values
from .catalogue import IndicatorError
from .forms import ConfirmImportForm, DefinitionForm, EmptyForm, ImportForm, IndicatorForm, LinkForm
from .imports import ImportFileError
from .models import ImportBatch, IndexDefinition, Indicator, IndicatorLink
from .permissions import can_link_inputs, can_manage_indicators
from .profile import district_profile, latest_population, participation

bp = Blueprint("indicators", __name__)

# The downloads of figures (map, social index, profile) and the import report are data files
# with decimal points, read by statistics programs and by the indicator import: the one CSV
# writer's comma dialect. The catalogue is text for people: its default dialect.

bp.add_app_template_global(catalogue.format_value, "ind_value")
bp.add_app_template_global(catalogue.format_signed, "ind_signed")
bp.add_app_template_global(catalogue.format_number, "ind_number")


def _year_arg() -> int | None:
    """The year asked for; ``None`` (the latest year) when absent or not a year."""
    try:
        return arg_int("year", low=YEAR_MIN, high=YEAR_MAX)
    except NumberError:
        return None


def _indicator_or_404(code: str) -> Indicator:
    indicator = catalogue.get_indicator(code)
    if indicator is None:
        abort(404)
    return indicator


def _number(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


# --- public pages --------------------------------------------------------------------------


@bp.get("/indikatoren/")
@public
def index():
    indicators = catalogue.list_indicators()
    return render_template(
        "indicators/index.html",
        indicators=indicators,
        units=catalogue.UNITS,
        topics=catalogue.TOPICS,
        directions=catalogue.DIRECTIONS,
    )


@bp.get("/indikatoren/katalog.csv")
@public
def catalogue_csv():
    rows = [
        [
            i.code,
            i.name_de,
            i.name_en,
            i.unit,
            i.topic,
            i.direction,
            catalogue.source_text(i),
            i.licence,
            "yes" if i.synthetic else "no",
        ]
        for i in catalogue.list_indicators()
    ]
    header = ["code", "name_de", "name_en", "unit", "topic", "direction", "source", "licence"]
    return csv_response("indikatoren.csv", [*header, "synthetic"], rows)


def _map_data():
    indicators = catalogue.list_indicators()
    code = request.args.get("indicator")
    indicator = next((i for i in indicators if i.code == code), None)
    if indicator is None:  # default: the first indicator of disadvantage, else the first
        indicator = next((i for i in indicators if i.direction), None) or next(
            iter(indicators), None
        )
    if indicator is None:
        return indicators, None
    return indicators, choropleth.indicator_map(indicator, _year_arg())


@bp.get("/indikatoren/karte")
@public
def indicator_map():
    indicators, data = _map_data()
    return render_template("indicators/map.html", indicators=indicators, data=data)


@bp.get("/indikatoren/karte.csv")
@public
def indicator_map_csv():
    _indicators, data = _map_data()
    if data is None:
        abort(404)
    source = catalogue.source_text(data.indicator)
    rows = [
        [
            r.number,
            r.name,
            data.year,
            _number(r.value, 3),
            r.rank or "",
            "" if r.numerator is None else r.numerator,
            "" if r.denominator is None else r.denominator,
            source,
        ]
        for r in data.rows
    ]
    header = ["district", "name", "year", data.indicator.code, "rank", "numerator"]
    return csv_response(
        f"{data.indicator.code}-{data.year}.csv",
        [*header, "denominator", "source"],
        rows,
        delimiter=DATA_DELIMITER,
    )


@bp.get("/indikatoren/sozialindex")
@public
def social_index():
    definition = district_index.active_definition()
    index = district_index.social_index(definition, _year_arg()) if definition else None
    view = "dynamic" if request.args.get("view") == "dynamic" else "status"
    return render_template(
        "indicators/social_index.html",
        definition=definition,
        index=index,
        view=view,
        status_colours=choropleth.STATUS_COLOURS,
        dynamic_colours=choropleth.DYNAMIC_COLOURS,
        status_label=district_index.status_label,
        dynamic_label=district_index.dynamic_label,
    )


@bp.get("/indikatoren/sozialindex.csv")
@public
def social_index_csv():
    definition = district_index.active_definition()
    if definition is None:
        abort(404)
    index = district_index.social_index(definition, _year_arg())
    rows = []
    by_number = index.by_number
    for _id, number, name in index.districts:
        area = by_number.get(number)
        rows.append(
            [
                number,
                name,
                index.year,
                _number(area.status_index, 6) if area else "",
                area.status_class if area else "",
                _number(area.dynamic_index, 6) if area and area.dynamic_index is not None else "",
                area.dynamic_class if area and area.dynamic_class else "",
                area.rank if area else "",
                index.left_out.get(number, ""),
                "synthetic" if index.synthetic else "",
            ]
        )
    header = ["district", "name", "year", "status_index", "status_class", "dynamic_index"]
    header += ["dynamic_class", "rank", "left_out", "data"]
    return csv_response(f"sozialindex-{index.year}.csv", header, rows, delimiter=DATA_DELIMITER)


@bp.get("/indikatoren/methode")
@public
def methods():
    definition = district_index.active_definition()
    indicators = {i.code: i for i in catalogue.list_indicators()}
    return render_template(
        "indicators/methods.html",
        definition=definition,
        indicators=indicators,
        directions=catalogue.DIRECTIONS,
        status_label=district_index.status_label,
        dynamic_label=district_index.dynamic_label,
    )


def _district_or_404(number: str):
    district = district_services.get_district(number)
    if district is None:
        abort(404)
    return district


def _chart_description(row, district_name: str) -> str:
    """Text alternative of a chart: first and last value of the district and the city."""
    if not row.series:
        return _("No values.")
    fmt = catalogue.format_value
    (first_year, first), (last_year, last) = row.series[0], row.series[-1]
    averages = dict(row.average)
    return _(
        "Line chart. %(district)s: %(first)s in %(first_year)s, %(last)s in %(last_year)s. "
        "City average: %(avg_first)s in %(first_year)s, %(avg_last)s in %(last_year)s. "
        "All values are in the table below.",
        district=district_name,
        first=fmt(row.indicator, first),
        last=fmt(row.indicator, last),
        first_year=first_year,
        last_year=last_year,
        avg_first=fmt(row.indicator, averages.get(first_year)),
        avg_last=fmt(row.indicator, averages.get(last_year)),
    )


@bp.get("/ortsteile/<number>/zahlen")
@public
def profile(number: str):
    district = _district_or_404(number)
    rows = district_profile(district)
    population = latest_population(district)
    definition = district_index.active_definition()
    index = district_index.social_index(definition) if definition else None
    chart_list = {}
    for row in rows:
        name = localized(row.indicator, "name")
        chart_list[row.indicator.id] = charts.line_chart(
            f"chart-{row.indicator.code}",
            _(
                "%(indicator)s in %(district)s and the city average",
                indicator=name,
                district=district.name,
            ),
            _chart_description(row, district.name),
            row.series,
            row.average,
            series_label=district.name,
            average_label=_("City average"),
            format_value=lambda v, i=row.indicator: catalogue.format_value(i, v),
        )
    return render_template(
        "indicators/profile.html",
        district=district,
        rows=rows,
        charts=chart_list,
        population=population,
        participation=participation(district, population),
        index=index,
        area=index.by_number.get(district.number) if index else None,
        left_out=index.left_out.get(district.number) if index else None,
        status_label=district_index.status_label,
        dynamic_label=district_index.dynamic_label,
        can_link=can_link_inputs(current_user),
        unlink_form=EmptyForm(),
    )


@bp.get("/ortsteile/<number>/zahlen.csv")
@public
def profile_csv(number: str):
    district = _district_or_404(number)
    rows = []
    for row in district_profile(district):
        averages = dict(row.average)
        source = catalogue.source_text(row.indicator)
        for year, value in row.series:
            rows.append(
                [
                    district.number,
                    row.indicator.code,
                    year,
                    _number(value, 3),
                    _number(averages.get(year), 3),
                    source,
                ]
            )
    header = ["district", "indicator", "year", "value", "city_average", "source"]
    return csv_response(
        f"ortsteil-{district.number}-zahlen.csv", header, rows, delimiter=DATA_DELIMITER
    )


# --- import (planners, admins) -------------------------------------------------------------


@bp.route("/indikatoren/import", methods=["GET", "POST"])
@requires(can_manage_indicators)
def upload():
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            batch = imports.create_pending_batch(
                current_user, upload_file.filename, upload_file.read(), form.source.data.strip()
            )
        except ImportFileError as error:
            form.file.errors = [*form.file.errors, str(error)]
        else:
            db.session.commit()
            return redirect(url_for("indicators.report", batch_id=batch.id))
    if request.method == "POST":
        status = 400
    return render_template(
        "indicators/upload.html", form=form, batches=imports.list_batches()
    ), status


def _batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


def _render_report(batch: ImportBatch, form: ConfirmImportForm, status: int = 200):
    indicators = {i.code: i for i in catalogue.list_indicators()}
    return render_template(
        "indicators/report.html",
        batch=batch,
        form=form,
        discard_form=EmptyForm(),
        errors=imports.batch_errors(batch),
        changes=imports.batch_changes(batch),
        incomplete=imports.incomplete_years(batch),
        indicators=indicators,
    ), status


@bp.get("/indikatoren/import/<id:batch_id>")
@requires(can_manage_indicators)
def report(batch_id: int):
    return _render_report(_batch_or_404(batch_id), ConfirmImportForm())


@bp.post("/indikatoren/import/<id:batch_id>/bestaetigen")
@requires(can_manage_indicators)
def confirm(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return _render_report(batch, form, 400)
    try:
        imports.apply_batch(
            current_user, batch, skip_invalid=form.skip_invalid.data, overwrite=form.overwrite.data
        )
    except IndicatorError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_report(_batch_or_404(batch_id), form, 400)
    db.session.commit()
    flash(
        _(
            "Import no. %(id)s written: %(new)s new and %(changed)s changed values, "
            "%(unchanged)s unchanged.",
            id=batch.id,
            new=batch.new_count,
            changed=batch.changed_count,
            unchanged=batch.unchanged_count,
        ),
        "success",
    )
    return redirect(url_for("indicators.batches"))


@bp.post("/indikatoren/import/<id:batch_id>/verwerfen")
@requires(can_manage_indicators)
def discard(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            imports.discard_batch(current_user, batch)
        except IndicatorError as error:
            flash(str(error), "error")
            return redirect(url_for("indicators.batches"))
        db.session.commit()
        flash(_("The upload was discarded. Nothing was written."), "success")
    return redirect(url_for("indicators.upload"))


@bp.get("/indikatoren/importe")
@requires(can_manage_indicators)
def batches():
    return render_template(
        "indicators/batches.html", batches=imports.list_batches(), form=EmptyForm()
    )


@bp.post("/indikatoren/importe/<id:batch_id>/zuruecknehmen")
@requires(can_manage_indicators)
def rollback(batch_id: int):
    batch = _batch_or_404(batch_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = imports.rollback_batch(current_user, batch)
    except IndicatorError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("indicators.batches")), 303
    db.session.commit()
    flash(_("Import no. %(id)s rolled back (%(n)s values).", id=batch_id, n=count), "success")
    return redirect(url_for("indicators.batches")), 303


# --- catalogue management --------------------------------------------------------------------


def _indicator_form_page(form: IndicatorForm, indicator: Indicator | None):
    status = 200
    if form.validate_on_submit():
        data = {
            "code": form.code.data.strip(),
            "name_de": form.name_de.data.strip(),
            "name_en": form.name_en.data.strip(),
            "unit": form.unit.data,
            "topic": form.topic.data,
            "direction": parse_int(form.direction.data, low=-1, high=1),
            "source": (form.source.data or "").strip(),
            "licence": (form.licence.data or "").strip(),
            "description": (form.description.data or "").strip(),
        }
        try:
            catalogue.save_indicator(current_user, indicator, data)
        except IndicatorError as error:
            db.session.rollback()
            form.code.errors = [*form.code.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The indicator has been saved."), "success")
            return redirect(url_for("indicators.index"))
    if request.method == "POST":
        status = 400
    return render_template("indicators/edit.html", form=form, indicator=indicator), status


@bp.route("/indikatoren/verwaltung/neu", methods=["GET", "POST"])
@requires(can_manage_indicators)
def create():
    return _indicator_form_page(IndicatorForm(), None)


@bp.route("/indikatoren/verwaltung/<code>", methods=["GET", "POST"])
@requires(can_manage_indicators)
def edit(code: str):
    indicator = _indicator_or_404(code)
    form = IndicatorForm(obj=indicator)
    if request.method == "GET":
        form.direction.data = str(indicator.direction)
    form.code.data = indicator.code  # the code cannot be changed
    return _indicator_form_page(form, indicator)


@bp.route("/indikatoren/sozialindex/definition", methods=["GET", "POST"])
@requires(can_manage_indicators)
def definition():
    definition = district_index.active_definition()
    if definition is None:
        definition = IndexDefinition(name="", status_codes=[], dynamic_codes=[], excluded=[])
        definition.change_years, definition.min_population, definition.active = 2, 300, True
    form = DefinitionForm(obj=definition)
    indicators = [i for i in catalogue.list_indicators() if i.direction != 0]
    choices = [(i.code, localized(i, "name")) for i in indicators]
    form.status_codes.choices = options(choices)
    form.dynamic_codes.choices = options(choices)
    if request.method == "GET":
        form.excluded.data = ", ".join(definition.excluded or [])
    status = 200
    if form.validate_on_submit():
        known = {d.number for d in values.all_districts()}
        excluded = form.excluded_numbers(known)
        if excluded is not None:
            if definition.id is None:
                db.session.add(definition)
            district_index.save_definition(
                current_user,
                definition,
                {
                    "name": form.name.data.strip(),
                    "status_codes": form.status_codes.data,
                    "dynamic_codes": form.dynamic_codes.data,
                    "change_years": form.change_years.data,
                    "min_population": form.min_population.data,
                    "excluded": excluded,
                },
            )
            db.session.commit()
            flash(_("The index definition has been saved."), "success")
            return redirect(url_for("indicators.methods"))
    if request.method == "POST":
        status = 400
    return render_template("indicators/definition.html", form=form), status


# --- links between citizen inputs and indicators ---------------------------------------------


@bp.route("/ortsteile/<number>/zahlen/verknuepfen", methods=["GET", "POST"])
@requires(can_link_inputs)
def link(number: str):
    district = _district_or_404(number)
    form = LinkForm()
    indicators = catalogue.list_indicators()
    types = registry.input_types()
    form.indicator.choices = options([(i.code, localized(i, "name")) for i in indicators])
    form.input_type.choices = options([(t.kind, str(t.label)) for t in types])
    picks = [("", _("– none –"))]
    for input_type in types:
        if input_type.lister is not None:
            for input_id, title in input_type.lister(district.id):
                picks.append((f"{input_type.kind}:{input_id}", f"{input_type.label}: {title}"))
    form.pick.choices = options(picks)
    status = 200
    if form.validate_on_submit():
        kind, input_id = form.input_type.data, form.input_id.data
        if form.pick.data and ":" in form.pick.data:
            kind, _sep, raw = form.pick.data.partition(":")
            try:
                input_id = parse_id(raw)
            except NumberError:
                input_id = None
        indicator = catalogue.get_indicator(form.indicator.data)
        if input_id is None:
            form.input_id.errors = [_("Please enter the number of the input or choose one.")]
        elif indicator is not None:
            try:
                links.create_link(current_user, indicator, kind, input_id)
            except IndicatorError as error:
                db.session.rollback()
                form.input_id.errors = [str(error)]
            else:
                db.session.commit()
                flash(_("The input has been linked to the indicator."), "success")
                return redirect(url_for("indicators.profile", number=district.number))
    if request.method == "POST":
        status = 400
    return render_template(
        "indicators/link.html", district=district, form=form, has_types=bool(types)
    ), status


@bp.post("/indikatoren/verknuepfungen/<id:link_id>/loesen")
@requires(can_link_inputs)
def unlink(link_id: int):
    link_row = db.session.get(IndicatorLink, link_id)
    if link_row is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    district_id = link_row.district_id
    links.remove_link(current_user, link_row)
    db.session.commit()
    flash(_("The link has been removed."), "success")
    district = db.session.get(District, district_id) if district_id else None
    if district is None:
        return redirect(url_for("indicators.index"))
    return redirect(url_for("indicators.profile", number=district.number))


@bp.get("/ortsteile/<number>/zahlen-index.csv")
@public
def profile_index_csv(number: str):
    """The profile's other two tables: the index components and participation."""
    district = _district_or_404(number)
    definition = district_index.active_definition()
    index = district_index.social_index(definition) if definition else None
    area = index.by_number.get(district.number) if index else None
    rows = []
    if area is not None:
        for code, (value, z) in area.components.items():
            rows.append(["index_component", code, _number(value, 3), _number(z, 3)])
        rows.append(["status_index", "sum", _number(area.status_sum, 3), ""])
        rows.append(["status_index", "standardised", _number(area.status_index, 3), ""])
        rows.append(["status_index", "class", area.status_class, ""])
        if area.dynamic_index is not None:
            rows.append(["dynamic_index", "sum", _number(area.dynamic_sum, 3), ""])
            rows.append(["dynamic_index", "standardised", _number(area.dynamic_index, 3), ""])
            rows.append(["dynamic_index", "class", area.dynamic_class, ""])
    population = latest_population(district)
    for p in participation(district, population):
        if p.available:
            rows.append(["participation", p.kind, p.count, _number(p.per_1000, 3)])
    header = ["section", "item", "value", "z_value_or_per_1000"]
    return csv_response(
        f"ortsteil-{district.number}-sozialindex.csv", header, rows, delimiter=DATA_DELIMITER
    )


@bp.get("/indikatoren/import/<id:batch_id>/bericht.csv")
@requires(can_manage_indicators)
def report_csv(batch_id: int):
    """The validation report's two tables (problems, values that would change) as CSV."""

    batch = _batch_or_404(batch_id)
    indicators = {i.code: i for i in catalogue.list_indicators()}
    problem_text = get_template_attribute("indicators/_macros.html", "problem_text")
    rows = [
        [kind, p["row"], problem_text(p, indicators).striptags()]
        for kind, problems in (
            ("problem", imports.batch_errors(batch)),
            ("change", imports.batch_changes(batch)),
        )
        for p in problems
    ]
    return csv_response(
        f"import-{batch.id}-bericht.csv", ["kind", "row", "text"], rows, delimiter=DATA_DELIMITER
    )
