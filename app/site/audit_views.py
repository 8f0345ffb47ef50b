"""Reading the audit log: planners and admins everything, councils their districts."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ..core.audit import AuditEntry, action_label, known_actions
from ..core.forms import options
from ..core.numbers import IdSelectField, page_arg
from ..core.permissions import requires
from ..districts.models import District
from ..districts.permissions import audit_scope, can_read_audit_log
from ..extensions import db

bp = Blueprint("audit", __name__, url_prefix="/verwaltung/protokoll")

PAGE_SIZE = 50


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    action = SelectField(_l("Action"), validators=[Optional()])
    district = IdSelectField(_l("District"), validators=[Optional()])
    date_from = DateField(
        _l("From"), validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    date_to = DateField(
        _l("To"), validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )


def filtered_entries(user, form: AuditFilterForm) -> Select:
    """The entries ``user`` may read, narrowed by the filter form."""
    query = select(AuditEntry)
    scope = audit_scope(user)
    if scope is not None:
        query = query.where(AuditEntry.district_id.in_(scope))
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
    if form.district.data is not None:
        query = query.where(AuditEntry.district_id == form.district.data)
    if form.date_from.data:
        query = query.where(AuditEntry.created_at >= _local_to_utc(form.date_from.data, time.min))
    if form.date_to.data:
        query = query.where(AuditEntry.created_at <= _local_to_utc(form.date_to.data, time.max))
    return query


def _local_to_utc(day, at: time) -> datetime:
    """Dates in the filter are Erfurt's calendar days."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@bp.get("/")
@requires(can_read_audit_log)
def index():
    form = AuditFilterForm(request.args)
    scope = audit_scope(current_user)
    actions = sorted(
        known_actions() | set(db.session.scalars(select(AuditEntry.action).distinct()))
    )
    form.action.choices = options(
        [("", _("All actions"))] + [(a, action_label(a)) for a in actions]
    )
    districts = db.session.scalars(select(District).order_by(District.number)).all()
    form.district.choices = options(
        [("", _("All districts"))]
        + [(str(d.id), f"{d.number} {d.name}") for d in districts if scope is None or d.id in scope]
    )
    entries, total, page, pages = [], 0, 1, 1
    status = 200
    if request.args and not form.validate():
        status = 400
    else:
        query = filtered_entries(current_user, form)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
        page = page_arg(last=pages)
        entries = db.session.scalars(
            query.options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).all()
    districts_by_id = {d.id: d for d in districts}
    return render_template(
        "core/audit.html",
        form=form,
        entries=entries,
        total=total,
        page=page,
        pages=pages,
        districts_by_id=districts_by_id,
        action_label=action_label,
        scoped=scope is not None,
    ), status
