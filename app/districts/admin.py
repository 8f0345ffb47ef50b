"""Admin pages: correct which council covers which district."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..core.csv_export import DATA_DELIMITER, csv_response
from ..core.forms import options
from ..core.numbers import parse_id
from ..core.permissions import requires
from ..extensions import db
from . import services
from .models import Council, District
from .permissions import can_manage_districts

bp = Blueprint("districts_admin", __name__, url_prefix="/admin/ortsteilraete")


class CouncilForm(FlaskForm):
    name = StringField(
        _l("Name of the new council"),
        description=_l("Usually the district's name, e.g. “Berliner Platz/Rieth”."),
        validators=[
            DataRequired(message=_l("Please enter a name.")),
            Length(max=120, message=_l("The name may have at most 120 characters.")),
        ],
    )


class CouncilNameForm(FlaskForm):
    name_en = StringField(
        _l("English name"),
        description=_l("Only where the council has one; otherwise its own name is shown."),
        validators=[Length(max=120, message=_l("The name may have at most 120 characters."))],
    )


class AssignForm(FlaskForm):
    council = SelectField(_l("Council"))


def _councils() -> list[Council]:
    return list(
        db.session.scalars(
            select(Council).options(selectinload(Council.districts)).order_by(Council.name)
        )
    )


def _assign_form(district: District, councils: list[Council]) -> AssignForm:
    form = AssignForm(prefix=f"d{district.number}")
    form.council.choices = options(
        [("", _("No council of its own"))] + [(str(c.id), c.name) for c in councils]
    )
    if not form.is_submitted():
        form.council.data = str(district.council_id or "")
    return form


def _page(create_form: CouncilForm, status: int = 200, names: dict | None = None):
    councils = _councils()
    districts = services.list_districts()
    forms = {d.number: _assign_form(d, councils) for d in districts}
    names = names or {}
    name_forms = {
        c.slug: names[c.slug]
        if c.slug in names
        else CouncilNameForm(prefix=f"c{c.id}", formdata=None, obj=c)
        for c in councils
    }
    return render_template(
        "districts/admin_councils.html",
        councils=councils,
        districts=districts,
        forms=forms,
        create_form=create_form,
        name_forms=name_forms,
    ), status


@bp.get("/")
@requires(can_manage_districts)
def index():
    return _page(CouncilForm())


@bp.post("/neu")
@requires(can_manage_districts)
def create():
    form = CouncilForm()
    if form.validate_on_submit():
        try:
            council = services.create_council(current_user, form.name.data)
        except services.CouncilError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The council %(name)s has been created.", name=council.name), "success")
            return redirect(url_for("districts_admin.index"))
    return _page(form, 400)


@bp.post("/rat/<slug>/name")
@requires(can_manage_districts)
def rename(slug: str):
    council = db.session.scalar(select(Council).where(Council.slug == slug))
    if council is None:
        abort(404)
    form = CouncilNameForm(prefix=f"c{council.id}")
    if not form.validate_on_submit():
        return _page(CouncilForm(), 400, names={council.slug: form})
    if services.rename_council_en(current_user, council, form.name_en.data):
        db.session.commit()
        flash(_("The names of the council %(name)s have been saved.", name=council.name), "success")
    else:
        flash(_("Nothing has changed."), "info")
    return redirect(url_for("districts_admin.index") + f"#council-{council.slug}")


@bp.post("/ortsteil/<number>")
@requires(can_manage_districts)
def assign(number: str):
    district = services.get_district(number)
    if district is None:
        abort(404)
    form = _assign_form(district, _councils())
    if not form.validate_on_submit():
        abort(400)
    council_id = parse_id(form.council.data)  # one of the choices (validated)
    council = db.session.get(Council, council_id) if council_id is not None else None
    services.assign_district(current_user, district, council)
    db.session.commit()
    flash(_("District %(name)s updated.", name=district.name), "success")
    return redirect(url_for("districts_admin.index") + f"#district-{district.number}")


@bp.get("/councils.csv")
@requires(can_manage_districts)
def export():
    # Comma-separated like the data file app/districts/data/erfurt/councils.csv, which the
    # district loader reads (it skips the byte-order mark).
    return csv_response("councils.csv", *services.councils_table(), delimiter=DATA_DELIMITER)
