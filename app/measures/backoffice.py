"""Back-office pages of the measures (``/verwaltung/massnahmen/…``): the list, the form to
create and edit a measure with its milestones, target indicators and places, linking and
unlinking inputs, the import. Thin routes: load → permission → form → one service call →
commit → redirect; a refused form answers 400 with what was typed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.forms import options
from ..core.i18n import current_language, localized
from ..core.permissions import authorize, requires
from ..core.time import utcnow
from ..extensions import db
from . import effects, imports, listing, parsing, services
from .forms import ComparisonForm, EmptyForm, ImportForm, LinkInputForm, MeasureForm
from .models import Measure, MeasureInput
from .permissions import can_edit_measure, can_manage_measures

bp = Blueprint("measures_admin", __name__, url_prefix="/verwaltung/massnahmen")


@bp.get("/")
@requires(can_manage_measures)
def index():
    rows = listing.find(parts=("offices", "districts"))
    return render_template(
        "measures/admin_list.html",
        rows=rows,
        can_edit=lambda row: can_edit_measure(
            current_user, row.measure, {o.id for o in row.offices}
        ),
        status_name=lambda m: m.status.name(current_language()),
    )


def _form(measure: Measure | None, *, stored: bool | None = None) -> MeasureForm:
    """The measure's form: what was posted, or (GET, ``stored=True``) the stored measure."""
    stored = request.method == "GET" if stored is None else stored
    if measure is not None and stored:
        row = listing.with_parts([measure])[0]
        form = MeasureForm(
            formdata=None,
            data={
                "title": measure.title,
                "description_de": measure.description_de,
                "description_en": measure.description_en,
                "offices": [str(o.id) for o in row.offices],
                "districts": [str(d.id) for d in row.districts],
                "city_wide": measure.city_wide,
                "status": measure.status.key,
                "progress": str(measure.progress),
                "planned_start": measure.planned_start,
                "planned_end": measure.planned_end,
                "actual_start": measure.actual_start,
                "actual_end": measure.actual_end,
                "budget_planned": _money(measure.budget_planned),
                "budget_spent": _money(measure.budget_spent),
                "parent": str(measure.parent_id or ""),
                "milestones": parsing.format_milestones(row.milestones),
                "indicators": parsing.format_indicators(row.indicators),
                "places": parsing.format_places(row.places),
                "qualitative_assessment": measure.qualitative_assessment,
                "external_id": measure.external_id or "",
            },
        )
    else:
        form = MeasureForm()
        if request.method == "GET":
            own = services.user_office_ids(current_user)
            form.offices.data = [str(i) for i in sorted(own)]
            form.status.data = "idea"
    form.offices.choices = options([(str(o.id), localized(o, "name")) for o in services.offices()])
    form.districts.choices = options(
        [(str(d.id), f"{d.number} {d.name}") for d in services.all_districts()]
    )
    form.status.choices = options(services.status_choices())
    others = db.session.execute(db.select(Measure.id, Measure.title).order_by(Measure.title)).all()
    form.parent.choices = options(
        [("", _("– none –"))]
        + [(str(mid), title) for mid, title in others if measure is None or mid != measure.id]
    )
    return form


def _money(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _ids(values) -> list[int]:
    found = []
    for value in values or []:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            raise services.MeasureError(_("Unknown value “%(value)s”.", value=text), "offices")
        found.append(int(text))
    return found


def _data(form: MeasureForm, measure: Measure | None) -> services.MeasureData:
    """The form as :class:`MeasureData`; raises :class:`MeasureInvalid` with every problem."""
    problems: list[services.MeasureError] = []

    def attempt(parse, *args, default=None):
        try:
            return parse(*args)
        except services.MeasureError as exc:
            problems.append(exc)
            return default

    progress = attempt(parsing.parse_progress, form.progress.data)
    if (
        measure is not None
        and progress == measure.progress
        and form.status.data != measure.status.key
    ):
        progress = None  # the planner chose a status and left the progress: its default
    office_ids = attempt(_ids, form.offices.data, default=[])
    district_ids = attempt(_ids, form.districts.data, default=[])
    parent_raw = (form.parent.data or "").strip()
    parent_id = None
    if parent_raw:
        parent_ids = attempt(_ids, [parent_raw], default=[])
        parent_id = parent_ids[0] if parent_ids else None
    data = services.MeasureData(
        title=form.title.data or "",
        status_key=form.status.data or "",
        description_de=form.description_de.data or "",
        description_en=form.description_en.data or "",
        city_wide=bool(form.city_wide.data),
        progress=progress,
        planned_start=form.planned_start.data,
        planned_end=form.planned_end.data,
        actual_start=form.actual_start.data,
        actual_end=form.actual_end.data,
        budget_planned=attempt(parsing.parse_money, form.budget_planned.data, "budget_planned"),
        budget_spent=attempt(parsing.parse_money, form.budget_spent.data, "budget_spent"),
        parent_id=parent_id,
        qualitative_assessment=form.qualitative_assessment.data or "",
        external_id=form.external_id.data or "",
        office_ids=office_ids,
        district_ids=district_ids,
        places=attempt(parsing.parse_places, form.places.data, default=[]),
        milestones=attempt(parsing.parse_milestones, form.milestones.data, default=[]),
        indicators=attempt(parsing.parse_indicators, form.indicators.data, default=[]),
    )
    if problems:
        raise services.MeasureInvalid(problems)
    return data


def _show_problems(form: MeasureForm, problems: list[services.MeasureError]) -> None:
    for problem in problems:
        target = getattr(form, problem.field or "", None) or form.title
        errors = list(target.errors) if isinstance(target.errors, list | tuple) else []
        if problem.message not in errors:
            errors.append(problem.message)
        target.errors = errors


def _render_form(form: MeasureForm, measure: Measure | None, status: int = 200):
    return render_template(
        "measures/form.html",
        form=form,
        measure=measure,
        link_form=_link_form() if measure is not None else None,
        links=_links_view(measure) if measure is not None else [],
        history=services.history(measure.id) if measure is not None else [],
        empty_form=EmptyForm(),
    ), status


def _save(form: MeasureForm, measure: Measure | None):
    if not form.validate_on_submit():
        return _render_form(form, measure, 400)
    try:
        data = _data(form, measure)
        saved = services.save_measure(current_user, measure, data)
    except services.MeasureInvalid as exc:
        db.session.rollback()
        _show_problems(form, exc.problems)
        return _render_form(form, measure, 400)
    # The comparison groups of effect monitoring are frozen once the measure has started.
    effects.freeze(saved, utcnow().date().year)
    db.session.commit()
    flash(_("The measure has been saved."), "success")
    return redirect(url_for("measures_admin.edit", measure_id=saved.id))


@bp.route("/neu", methods=["GET", "POST"])
@requires(can_manage_measures)
def create():
    form = _form(None)
    if request.method == "POST":
        return _save(form, None)
    return _render_form(form, None)


def _load_editable(measure_id: int) -> Measure:
    measure = services.get_measure(measure_id)
    if measure is None:
        abort(404)
    authorize(can_edit_measure(current_user, measure))
    return measure


@bp.route("/<id:measure_id>/bearbeiten", methods=["GET", "POST"])
@requires(can_manage_measures)
def edit(measure_id: int):
    measure = _load_editable(measure_id)
    form = _form(measure)
    if request.method == "POST":
        return _save(form, measure)
    return _render_form(form, measure)


# --- linked inputs ---------------------------------------------------------------------------


def _link_form() -> LinkInputForm:
    return LinkInputForm(prefix="link")


def _links_view(measure: Measure) -> list[dict]:
    """The links with their inputs' titles (officials see hidden inputs too)."""
    links = services.links_of(measure.id)
    by_type: dict[str, list[int]] = {}
    for link in links:
        by_type.setdefault(link.input_type, []).append(link.input_id)
    loaded = {}
    for kind, ids in by_type.items():
        entry = services.input_type(kind)
        if entry is not None:
            for input_id, obj in entry.get_many_any(ids).items():
                loaded[(kind, input_id)] = (entry.title(obj), entry.url(obj))
    return [
        {
            "link": link,
            "ref": f"{link.input_type}:{link.input_id}",
            "title": loaded.get((link.input_type, link.input_id), ("", None))[0],
            "url": loaded.get((link.input_type, link.input_id), ("", None))[1],
        }
        for link in links
    ]


@bp.post("/<id:measure_id>/verknuepfen")
@requires(can_manage_measures)
def link(measure_id: int):
    measure = _load_editable(measure_id)
    link_form = _link_form()
    if link_form.validate_on_submit():
        try:
            kind, input_id = services.parse_input_ref(link_form.ref.data)
            services.link_input(
                current_user,
                measure,
                kind,
                input_id,
                reason=link_form.reason.data or "",
                status_key=link_form.status.data,
            )
        except services.MeasureError as exc:
            db.session.rollback()
            field = link_form.reason if exc.field == "reason" else link_form.ref
            field.errors = [*field.errors, exc.message]
        else:
            db.session.commit()
            flash(
                _("The input is now part of the measure; its contributors have been told."),
                "success",
            )
            return redirect(url_for("measures_admin.edit", measure_id=measure.id, _anchor="inputs"))
    form = _form(measure, stored=True)
    return render_template(
        "measures/form.html",
        form=form,
        measure=measure,
        link_form=link_form,
        links=_links_view(measure),
        history=services.history(measure.id),
        empty_form=EmptyForm(),
    ), 400


@bp.post("/<id:measure_id>/verknuepfung/<id:link_id>/loesen")
@requires(can_manage_measures)
def unlink(measure_id: int, link_id: int):
    measure = _load_editable(measure_id)
    found = db.session.get(MeasureInput, link_id)
    if found is None or found.measure_id != measure.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.unlink_input(current_user, measure, found)
    db.session.commit()
    flash(_("The link has been removed."), "success")
    return redirect(url_for("measures_admin.edit", measure_id=measure.id, _anchor="inputs"))


# --- import ----------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@requires(can_manage_measures)
def import_page():
    form = ImportForm()
    report = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            upload = form.file.data
            report = imports.import_file(
                current_user,
                upload.filename,
                upload.read(),
                dry_run=bool(form.dry_run.data),
            )
            if report.ok and report.written:
                db.session.commit()
                flash(_("The file has been imported."), "success")
            else:
                db.session.rollback()
                status = 400 if not report.ok else 200
    return render_template("measures/import.html", form=form, report=report), status


# --- comparison groups of the effect monitoring ------------------------------------------------


def _comparison_page(measure: Measure, form: ComparisonForm, status: int = 200):
    sections = effects.page_sections(measure)
    return render_template(
        "measures/comparison.html", measure=measure, form=form, sections=sections
    ), status


@bp.route("/<id:measure_id>/vergleich", methods=["GET", "POST"])
@requires(can_manage_measures)
def comparison(measure_id: int):
    """The comparison groups of the measure's target indicators; the planner may change one,
    with the reason recorded."""
    measure = _load_editable(measure_id)
    form = ComparisonForm()
    form.indicator.choices = options(
        [(i.id, localized(i, "name")) for i, _d in effects.load_targets(measure)]
    )
    if request.method == "GET":
        return _comparison_page(measure, form)
    if not form.validate_on_submit():
        return _comparison_page(measure, form, 400)
    numbers = [n.strip().zfill(2) for n in form.districts.data.split(",") if n.strip()]
    try:
        effects.set_comparison(
            current_user, measure, form.indicator.data, numbers, form.reason.data
        )
    except effects.ComparisonInvalid as exc:
        db.session.rollback()
        field = getattr(form, exc.field)
        field.errors = [*field.errors, exc.message]
        return _comparison_page(measure, form, 400)
    db.session.commit()
    flash(_("The comparison group has been changed."), "success")
    return redirect(url_for("measures_admin.comparison", measure_id=measure.id))
