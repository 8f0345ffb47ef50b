"""Admin pages of the workflow: the statuses (names, colour, order, offered) and the
assignment settings (routing rules, response targets). Admins edit, planners read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Office
from ..core import content_types
from ..core.form_pages import edit_label_page
from ..core.forms import options
from ..core.i18n import localized
from ..core.permissions import authorize, requires
from ..districts.models import District
from ..extensions import db
from . import forms, services
from . import response_templates as templates
from .models import DUPLICATE, ResponseTarget, ResponseTemplate, RoutingRule, WorkflowStatus
from .permissions import (
    can_edit_response_template,
    can_edit_workflow_settings,
    can_manage_response_templates,
    can_read_workflow_settings,
)

bp = Blueprint("workflow", __name__, url_prefix="/verwaltung")


# --- statuses --------------------------------------------------------------------------------


@bp.get("/status/")
@requires(can_read_workflow_settings)
def statuses():
    return render_template(
        "workflow/statuses.html",
        statuses=services.statuses(include_inactive=True),
        can_edit=can_edit_workflow_settings(current_user),
    )


@bp.route("/status/<id:status_id>", methods=["GET", "POST"])
@requires(can_edit_workflow_settings)
def edit_status(status_id: int):
    return edit_label_page(
        WorkflowStatus,
        status_id,
        forms.StatusForm,
        services.update_status,
        template="workflow/status_form.html",
        name="status",
        saved=_("The status has been saved."),
        back=lambda: url_for("workflow.statuses"),
        errors=(services.WorkflowError,),
    )


# --- routing rules and response targets ---------------------------------------------------------


def _type_choices() -> list[tuple[str, str]]:
    return [("", _("Any type"))] + [
        (t.name, str(t.label or t.name)) for t in content_types.tracked_types()
    ]


def _category_choices(empty: str | None) -> list[tuple[str, str]]:
    from_table = services.categories_for_choice()
    options = [(str(c.id), localized(c, "name")) for c in from_table]
    return ([("", empty)] if empty is not None else [("", _("Please choose"))]) + options


def _rule_form(rule: RoutingRule | None = None) -> forms.RuleForm:
    data = None
    if rule is not None:
        data = {
            "target_type": rule.target_type or "",
            "category": rule.category_id,
            "district": rule.district_id,
            "office": rule.office_id,
        }
    form = forms.RuleForm(data=data, prefix="rule")
    form.target_type.choices = options(_type_choices())
    form.category.choices = options(_category_choices(_("Any category")))
    districts = db.session.scalars(select(District).order_by(District.number))
    form.district.choices = options(
        [("", _("Any district"))] + [(str(d.id), f"{d.number} {d.name}") for d in districts]
    )
    offices = db.session.scalars(select(Office).order_by(Office.slug))
    form.office.choices = options(
        [("", _("Please choose"))] + [(str(o.id), localized(o, "name")) for o in offices]
    )
    return form


def _target_form() -> forms.TargetForm:
    form = forms.TargetForm(prefix="target")
    form.category.choices = options(_category_choices(None))
    return form


def _assignment_page(rule_form=None, target_form=None, code: int = 200):
    return (
        render_template(
            "workflow/assignment.html",
            rules=services.rules(),
            targets=services.response_targets(),
            default_days=services.response_days(None),
            rule_form=rule_form or _rule_form(),
            target_form=target_form or _target_form(),
            delete_form=forms.DeleteForm(),
            can_edit=can_edit_workflow_settings(current_user),
            type_label=dict(_type_choices()),
        ),
        code,
    )


@bp.get("/zuweisung/")
@requires(can_read_workflow_settings)
def assignment():
    return _assignment_page()


def _save_rule(form: forms.RuleForm, rule: RoutingRule | None) -> bool:
    try:
        services.save_rule(
            current_user,
            rule,
            target_type=form.target_type.data or None,
            category_id=form.category.data,
            district_id=form.district.data,
            office_id=form.office.data,
        )
    except services.WorkflowError as exc:
        db.session.rollback()
        form.office.errors.append(str(exc))
        return False
    db.session.commit()
    flash(_("The rule has been saved."), "success")
    return True


@bp.post("/zuweisung/regeln")
@requires(can_edit_workflow_settings)
def add_rule():
    form = _rule_form()
    if form.validate_on_submit() and _save_rule(form, None):
        return redirect(url_for("workflow.assignment"))
    return _assignment_page(rule_form=form, code=400)


def _load_rule(rule_id: int) -> RoutingRule:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None:
        abort(404)
    return rule


@bp.route("/zuweisung/regeln/<id:rule_id>", methods=["GET", "POST"])
@requires(can_edit_workflow_settings)
def edit_rule(rule_id: int):
    rule = _load_rule(rule_id)
    form = _rule_form(rule if request.method == "GET" else None)
    if form.validate_on_submit() and _save_rule(form, rule):
        return redirect(url_for("workflow.assignment"))
    code = 400 if form.errors else 200
    return render_template("workflow/rule_form.html", form=form, rule=rule), code


@bp.post("/zuweisung/regeln/<id:rule_id>/loeschen")
@requires(can_edit_workflow_settings)
def delete_rule(rule_id: int):
    rule = _load_rule(rule_id)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    services.delete_rule(current_user, rule)
    db.session.commit()
    flash(_("The rule has been deleted."), "success")
    return redirect(url_for("workflow.assignment"))


@bp.post("/zuweisung/ziele")
@requires(can_edit_workflow_settings)
def save_target():
    form = _target_form()
    if form.validate_on_submit():
        services.save_target(current_user, form.category.data, form.days.data)
        db.session.commit()
        flash(_("The response target has been saved."), "success")
        return redirect(url_for("workflow.assignment"))
    return _assignment_page(target_form=form, code=400)


@bp.post("/zuweisung/ziele/<id:target_id>/loeschen")
@requires(can_edit_workflow_settings)
def delete_target(target_id: int):
    target = db.session.get(ResponseTarget, target_id)
    if target is None:
        abort(404)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    services.delete_target(current_user, target)
    db.session.commit()
    flash(_("The response target has been deleted."), "success")
    return redirect(url_for("workflow.assignment"))


# --- response templates ------------------------------------------------------------------------


def _template_form(template: ResponseTemplate | None = None) -> forms.ResponseTemplateForm:
    data = None
    if template is not None:
        data = {
            "office": template.office_id,
            "title": template.title,
            "body": template.body,
            "status": template.status.key if template.status is not None else "",
        }
    form = forms.ResponseTemplateForm(data=data)
    own = templates.office_ids(current_user)
    offices = db.session.scalars(select(Office).where(Office.id.in_(sorted(own) or [0])))
    form.office.choices = options([(str(o.id), localized(o, "name")) for o in offices])
    if template is None and len(form.office.choices) == 1 and not form.office.data:
        form.office.data = int(form.office.choices[0].value)
    form.status.choices = options(
        [("", _("The status stays"))]
        + [(key, name) for key, name in services.status_choices() if key != DUPLICATE]
    )
    return form


def _templates_page(form=None, code: int = 200):
    return (
        render_template(
            "workflow/templates.html",
            templates=templates.templates_for(current_user),
            form=form or _template_form(),
            delete_form=forms.DeleteForm(),
            placeholders=templates.PLACEHOLDERS,
        ),
        code,
    )


def _save_template(form: forms.ResponseTemplateForm, template: ResponseTemplate | None) -> bool:
    try:
        templates.save_template(
            current_user,
            template,
            office_id=form.office.data,
            title=form.title.data,
            body=form.body.data,
            status_key=form.status.data or None,
        )
    except services.WorkflowError as exc:
        db.session.rollback()
        target = exc.field if exc.field in ("office", "title", "body", "status") else "body"
        form[target].errors = [*form[target].errors, str(exc)]
        return False
    db.session.commit()
    flash(_("The template has been saved."), "success")
    return True


@bp.get("/vorlagen/")
@requires(can_manage_response_templates)
def response_templates():
    return _templates_page()


@bp.post("/vorlagen/")
@requires(can_manage_response_templates)
def add_response_template():
    form = _template_form()
    if form.validate_on_submit() and _save_template(form, None):
        return redirect(url_for("workflow.response_templates"))
    return _templates_page(form=form, code=400)


def _load_template(template_id: int) -> ResponseTemplate:
    template = templates.template_by_id(template_id)
    if template is None:
        abort(404)
    authorize(can_edit_response_template(current_user, template))
    return template


@bp.route("/vorlagen/<id:template_id>", methods=["GET", "POST"])
@requires(can_manage_response_templates)
def edit_response_template(template_id: int):
    template = _load_template(template_id)
    form = _template_form(template if request.method == "GET" else None)
    if request.method == "POST" and form.validate_on_submit() and _save_template(form, template):
        return redirect(url_for("workflow.response_templates"))
    code = 400 if form.errors else 200
    return render_template("workflow/template_form.html", form=form, template=template), code


@bp.post("/vorlagen/<id:template_id>/loeschen")
@requires(can_manage_response_templates)
def delete_response_template(template_id: int):
    template = _load_template(template_id)
    if not forms.DeleteForm().validate_on_submit():
        abort(400)
    templates.delete_template(current_user, template)
    db.session.commit()
    flash(_("The template has been deleted."), "success")
    return redirect(url_for("workflow.response_templates"))
