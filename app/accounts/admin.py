"""Admin pages: people and their roles."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..core.forms import options
from ..core.i18n import localized
from ..core.numbers import page_arg
from ..core.permissions import COUNCIL_MEMBER, MAYOR, PLANNER, requires
from ..districts.models import Council
from ..extensions import db
from . import forms, services
from .models import Office, RoleAssignment, User
from .permissions import can_manage_roles

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def role_label(role: str) -> str:
    labels = {
        "citizen": _("Citizen"),
        COUNCIL_MEMBER: _("Council member"),
        MAYOR: _("District mayor"),
        PLANNER: _("Planner"),
        "admin": _("Admin"),
    }
    return labels.get(role, role)


@bp.app_template_global()
def role_name(role: str) -> str:
    return role_label(role)


@bp.get("/nutzer")
@requires(can_manage_roles)
def users():
    q = request.args.get("q", "").strip()[:100]
    page = page_arg()
    query = select(User).where(User.deleted_at.is_(None))
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    people = db.session.scalars(
        query.order_by(User.display_name).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return render_template(
        "admin/users.html",
        people=people,
        q=q,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        total=total,
    )


def _grant_form() -> forms.GrantRoleForm:
    form = forms.GrantRoleForm()
    form.role.choices = options(
        [("", _("Choose a role"))] + [(role, role_label(role)) for role in services.ROLES]
    )
    councils = db.session.scalars(select(Council).order_by(Council.name)).all()
    form.council.choices = options([("", "—")] + [(str(c.id), c.name) for c in councils])
    offices = db.session.scalars(select(Office).order_by(Office.slug)).all()
    form.office.choices = options(
        [("", "—")] + [(str(o.id), localized(o, "name")) for o in offices]
    )
    return form


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        abort(404)
    return user


@bp.route("/nutzer/<id:user_id>", methods=["GET", "POST"])
@requires(can_manage_roles)
def user(user_id: int):
    person = _load_user(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        try:
            services.grant_role(
                current_user,
                person,
                form.role.data,
                council_id=form.council.data,
                office_id=form.office.data,
            )
        except services.AccountError as exc:
            form.role.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The role has been granted."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    status = 400 if form.errors else 200
    return render_template(
        "admin/user.html", person=person, form=form, revoke_form=forms.RevokeRoleForm()
    ), status


@bp.post("/nutzer/<id:user_id>/entziehen")
@requires(can_manage_roles)
def revoke(user_id: int):
    person = _load_user(user_id)
    form = forms.RevokeRoleForm()
    if not form.validate_on_submit():
        abort(400)
    assignment = db.session.get(RoleAssignment, form.assignment_id.data)
    if assignment is None or assignment.user_id != person.id:
        abort(404)
    try:
        services.revoke_role(current_user, assignment)
    except services.AccountError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("The role has been revoked."), "success")
    return redirect(url_for("admin.user", user_id=person.id))
