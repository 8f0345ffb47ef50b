"""Pages of the location scenarios: the back office under ``/verwaltung/standorte/`` (list,
create and edit, result, comparison, CSV, print, decision, share links) and the public,
read-only share page ``/standorte/<token>``. Thin routes: load → permission → form → one
service call → commit → redirect; a refused form answers 400 with what was typed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.exports import csv_download
from ..core.forms import options
from ..core.i18n import localized
from ..core.permissions import authorize, requires
from ..core.time import utcnow
from ..core.urls import external_url
from ..extensions import db
from ..indicators.catalogue import format_number
from . import criteria, services, views
from .forms import DecisionForm, EmptyForm, ScenarioForm, ShareForm
from .models import LocationScenario
from .permissions import can_edit_scenario, can_manage_locations, can_open_shared_scenario

bp = Blueprint("locations_admin", __name__, url_prefix="/verwaltung/standorte")
public_bp = Blueprint("locations", __name__)

CREATE_ROWS = 3
COMPARE_MAX = 3
NEW_LINK_KEY = "locations_new_link"


def _load(scenario_id: int) -> LocationScenario:
    scenario = services.get_scenario(scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _load_editable(scenario_id: int) -> LocationScenario:
    scenario = _load(scenario_id)
    authorize(can_edit_scenario(current_user, scenario))
    return scenario


@bp.get("/")
@requires(can_manage_locations)
def index():
    return render_template(
        "locations/list.html",
        scenarios=services.scenarios(),
        openings=services.opening_counts(),
        can_edit=lambda s: can_edit_scenario(current_user, s),
    )


# --- create and edit ------------------------------------------------------------------------------


def _direction_choices():
    return [(str(k), str(v)) for k, v in criteria.DIRECTION_LABELS.items()]


def _form(scenario: LocationScenario | None) -> ScenarioForm:
    if request.method == "GET":
        if scenario is None:
            own = sorted(services.user_office_ids(current_user))
            form = ScenarioForm(formdata=None, data={"office": str(own[0]) if own else ""})
            rows = []
        else:
            form = ScenarioForm(
                formdata=None,
                data={
                    "title": scenario.title,
                    "question": scenario.question,
                    "programme": scenario.programme,
                    "office": str(scenario.office_id or ""),
                },
            )
            rows = [
                {
                    "choice": criteria.choice_of(c.kind, c.params or {}),
                    "direction": str(c.direction),
                    "weight": f"{c.weight:g}",
                }
                for c in scenario.criteria
            ]
        while form.criteria.entries:
            form.criteria.pop_entry()
        for row in rows:
            form.criteria.append_entry(row)
        for _i in range(CREATE_ROWS if scenario is None else 1):
            form.criteria.append_entry({"choice": "", "direction": "0", "weight": "1"})
    else:
        form = ScenarioForm()
    _choices(form)
    return form


def _choices(form: ScenarioForm) -> None:
    form.office.choices = options(
        [("", _("– none –"))] + [(str(o.id), localized(o, "name")) for o in services.offices()]
    )
    groups = criteria.choices()
    for entry in form.criteria.entries:
        # rendered by the template with an <optgroup> per group (see locations/form.html)
        entry.form.choice.choices = options([value for _label, items in groups for value in items])
        entry.form.direction.choices = options(_direction_choices())


def _data(form: ScenarioForm) -> services.ScenarioData:
    problems: list[services.ScenarioError] = []
    rows = []
    for entry in form.criteria.entries:
        sub = entry.form
        if sub.remove.data or not (sub.choice.data or "").strip():
            continue
        try:
            kind, params = criteria.parse_choice(sub.choice.data)
        except criteria.CriterionError as exc:
            problems.append(services.ScenarioError(str(exc), "criteria"))
            sub.choice.errors = [str(exc)]
            continue
        direction = {"-1": -1, "0": 0, "1": 1}.get((sub.direction.data or "0").strip())
        if direction is None:
            sub.direction.errors = [_("Please choose a direction.")]
            problems.append(services.ScenarioError(_("Please choose a direction."), "criteria"))
            continue
        weight = services.weight_of(sub.weight.data)
        if not (0 < weight <= services.MAX_WEIGHT):
            message = _("Weights are whole numbers from 1 to %(n)s.", n=services.MAX_WEIGHT)
            sub.weight.errors = [message]
            problems.append(services.ScenarioError(message, "criteria"))
            continue
        rows.append(services.CriterionRow(kind, params, direction, weight))
    office_text = (form.office.data or "").strip()
    office_id = None
    if office_text:
        if office_text.isascii() and office_text.isdigit() and len(office_text) < 10:
            office_id = int(office_text)
        else:
            problems.append(services.ScenarioError(_("Unknown office."), "office"))
    data = services.ScenarioData(
        title=form.title.data or "",
        question=form.question.data or "",
        programme=form.programme.data or "",
        office_id=office_id,
        criteria=rows,
    )
    if problems:
        raise services.ScenarioInvalid(problems)
    return data


def _show_problems(form: ScenarioForm, problems) -> list[str]:
    general = []
    for problem in problems:
        target = getattr(form, problem.field or "", None)
        if problem.field == "criteria" or target is None:
            if problem.message not in general:
                general.append(problem.message)
            continue
        errors = list(target.errors) if isinstance(target.errors, list | tuple) else []
        if problem.message not in errors:
            errors.append(problem.message)
        target.errors = errors
    return general


def _render_form(form, scenario, status=200, problems=()):
    return render_template(
        "locations/form.html",
        form=form,
        scenario=scenario,
        problems=list(problems),
        groups=criteria.choices(),
    ), status


def _save(form: ScenarioForm, scenario: LocationScenario | None):
    if not form.validate_on_submit():
        return _render_form(form, scenario, 400)
    try:
        data = _data(form)
        saved = services.save_scenario(current_user, scenario, data)
    except services.ScenarioInvalid as exc:
        db.session.rollback()
        if scenario is not None:
            scenario = _load(scenario.id)
        _choices(form)
        general = _show_problems(form, exc.problems)
        return _render_form(form, scenario, 400, general)
    db.session.commit()
    flash(_("The scenario has been saved."), "success")
    if request.form.get("action") == "add":
        return redirect(url_for("locations_admin.edit", scenario_id=saved.id, _anchor="criteria"))
    return redirect(url_for("locations_admin.show", scenario_id=saved.id))


@bp.route("/neu", methods=["GET", "POST"])
@requires(can_manage_locations)
def create():
    form = _form(None)
    if request.method == "POST":
        return _save(form, None)
    return _render_form(form, None)


@bp.route("/<id:scenario_id>/bearbeiten", methods=["GET", "POST"])
@requires(can_manage_locations)
def edit(scenario_id: int):
    scenario = _load_editable(scenario_id)
    form = _form(scenario)
    if request.method == "POST":
        return _save(form, scenario)
    return _render_form(form, scenario)


# --- result ---------------------------------------------------------------------------------------


def _result_context(scenario: LocationScenario, *, public: bool = False) -> dict:
    evaluation = criteria.evaluate(scenario.criteria)
    return {
        "scenario": scenario,
        "evaluation": evaluation,
        "rows": views.rows(evaluation, public=public),
        "bar": lambda row: views.bar(row, evaluation),
        "city_map": views.city_map(evaluation) if evaluation.ranking else None,
        "map_summary": views.map_summary(evaluation),
        "public": public,
        "fmt_value": views.format_value,
        "fmt_number": format_number,
        "now": utcnow(),
    }


@bp.get("/<id:scenario_id>")
@requires(can_manage_locations)
def show(scenario_id: int):
    scenario = _load(scenario_id)
    return render_template(
        "locations/result.html",
        can_edit=can_edit_scenario(current_user, scenario),
        **_result_context(scenario),
    )


@bp.get("/<id:scenario_id>/druck")
@requires(can_manage_locations)
def print_view(scenario_id: int):
    scenario = _load(scenario_id)
    return render_template("locations/print.html", **_result_context(scenario))


@bp.get("/<id:scenario_id>/export.csv")
@requires(can_manage_locations)
def export_csv(scenario_id: int):
    scenario = _load(scenario_id)
    evaluation = criteria.evaluate(scenario.criteria)
    return csv_download(
        f"standort-szenario-{scenario.id}.csv",
        views.csv_columns(evaluation),
        views.rows(evaluation),
        no_store=True,
    )


@bp.get("/vergleich")
@requires(can_manage_locations)
def compare():
    ids = []
    for value in request.args.getlist("s"):
        if value.isascii() and value.isdigit() and len(value) < 10 and int(value) not in ids:
            ids.append(int(value))
    too_many = len(ids) > COMPARE_MAX
    chosen = services.get_many(ids[:COMPARE_MAX])
    results = []
    for scenario in chosen:
        evaluation = criteria.evaluate(scenario.criteria)
        ranks = {r.district: r.rank for r in evaluation.ranking.rows} if evaluation.ranking else {}
        results.append((scenario, evaluation, ranks))
    numbers = []
    for _scenario, evaluation, _ranks in results:
        for r in evaluation.ranking.rows[:10] if evaluation.ranking else []:
            if r.district not in numbers:
                numbers.append(r.district)
    names = {d.number: d.name for d in criteria.all_districts()} if results else {}
    numbers.sort(key=lambda n: min(ranks.get(n, 999) for _s, _e, ranks in results))
    return render_template(
        "locations/compare.html",
        scenarios=services.scenarios(),
        chosen_ids=[s.id for s in chosen],
        results=results,
        numbers=numbers,
        names=names,
        too_many=too_many,
    )


# --- decision -------------------------------------------------------------------------------------


def _decision_form(scenario: LocationScenario) -> DecisionForm:
    if request.method == "GET":
        form = DecisionForm(
            formdata=None,
            data={
                "decision_text": scenario.decision_text,
                "decision_reasons": scenario.decision_reasons,
                "district": str(scenario.decided_district_id or ""),
                "measure": str(scenario.measure_id or ""),
            },
        )
    else:
        form = DecisionForm()
    form.district.choices = options(
        [("", _("– none –"))]
        + [(str(i), f"{number} {name}") for i, number, name in services.districts()]
    )
    form.measure.choices = options(
        [("", _("– none –"))] + [(str(i), title) for i, title in services.measures()]
    )
    return form


def _id_or_none(value: str | None) -> int | None:
    text = (value or "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) < 10:
        return int(text)
    return -1  # unknown: the service says so


@bp.route("/<id:scenario_id>/entscheidung", methods=["GET", "POST"])
@requires(can_manage_locations)
def decision(scenario_id: int):
    scenario = _load_editable(scenario_id)
    form = _decision_form(scenario)
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("locations/decision.html", form=form, scenario=scenario), 400
        try:
            services.decide(
                current_user,
                scenario,
                text=form.decision_text.data or "",
                reasons=form.decision_reasons.data or "",
                district_id=_id_or_none(form.district.data),
                measure_id=_id_or_none(form.measure.data),
            )
        except services.ScenarioInvalid as exc:
            db.session.rollback()
            scenario = _load(scenario_id)
            for problem in exc.problems:
                target = getattr(form, problem.field, None) or form.decision_text
                target.errors = [*list(target.errors or []), problem.message]
            return render_template("locations/decision.html", form=form, scenario=scenario), 400
        db.session.commit()
        flash(_("The board's decision has been recorded."), "success")
        return redirect(url_for("locations_admin.show", scenario_id=scenario.id))
    return render_template("locations/decision.html", form=form, scenario=scenario)


# --- share links ----------------------------------------------------------------------------------


def _render_shares(scenario, form, status=200, new_link=None):
    found = services.shares(scenario)
    return render_template(
        "locations/shares.html",
        scenario=scenario,
        form=form,
        shares=found,
        openings=services.openings([s.id for s in found]),
        state=services.share_state,
        empty_form=EmptyForm(),
        new_link=new_link,
    ), status


@bp.route("/<id:scenario_id>/freigaben", methods=["GET", "POST"])
@requires(can_manage_locations)
def shares(scenario_id: int):
    scenario = _load_editable(scenario_id)
    form = ShareForm() if request.method == "POST" else ShareForm(formdata=None)
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_shares(scenario, form, 400)
        try:
            days = services.share_days(form.days.data)
            _share, token = services.create_share(
                current_user, scenario, days=days, label=form.label.data or ""
            )
        except services.ScenarioInvalid as exc:
            db.session.rollback()
            scenario = _load(scenario_id)
            for problem in exc.problems:
                target = getattr(form, problem.field, None) or form.days
                target.errors = [*list(target.errors or []), problem.message]
            return _render_shares(scenario, form, 400)
        db.session.commit()
        # The link is shown this once (only its digest is stored), on the page the browser is
        # sent to, so that reloading it makes no second link.
        session[NEW_LINK_KEY] = [scenario.id, external_url("locations.shared", token=token)]
        flash(_("The read-only link has been made."), "success")
        return redirect(url_for("locations_admin.shares", scenario_id=scenario.id))
    new_link = None
    kept = session.pop(NEW_LINK_KEY, None)
    if kept and kept[0] == scenario.id:
        new_link = kept[1]
    return _render_shares(scenario, form, new_link=new_link)


@bp.post("/<id:scenario_id>/freigaben/<id:share_id>/widerrufen")
@requires(can_manage_locations)
def revoke(scenario_id: int, share_id: int):
    scenario = _load_editable(scenario_id)
    share = services.get_share(scenario, share_id)
    if share is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke_share(current_user, share)
    db.session.commit()
    flash(_("The link has been revoked; it no longer opens."), "success")
    return redirect(url_for("locations_admin.shares", scenario_id=scenario.id))


# --- the public share page ------------------------------------------------------------------------


@public_bp.get("/standorte/<token>")
@requires(can_open_shared_scenario, login=False)
def shared(token: str):
    share, state = services.open_share(token)
    if share is None:
        abort(404)
    db.session.commit()  # the opening is logged whatever is shown
    if state != services.SHOWN:
        return render_template("locations/gone.html", state=state), 410
    scenario = share.scenario
    response = render_template(
        "locations/shared.html", share=share, **_result_context(scenario, public=True)
    )
    return (
        response,
        200,
        {
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",  # the token never leaves in a Referer header
        },
    )
