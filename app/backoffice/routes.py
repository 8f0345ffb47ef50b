"""The back office's pages: the inbox, the item view with its actions, the exports.
Thin routes: load (404) → permission (403) → form → one service call per step → commit."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..core import content_types, exports
from ..core.i18n import current_language, localized
from ..core.numbers import NumberError, parse_id
from ..core.permissions import authorize, requires
from ..extensions import db
from ..responses.services import ResponseError, respond, voices
from ..workflow import services as workflow
from ..workflow import triage
from ..workflow.models import DUPLICATE
from ..workflow.permissions import can_assign, can_change_status
from . import bulk, services
from .forms import AssignForm, BulkForm, NoteForm, StatusChangeForm, TagForm
from .permissions import (
    can_add_note,
    can_see_inbox,
    can_see_inbox_item,
    can_tag,
    can_use_inbox,
)

bp = Blueprint("backoffice", __name__, url_prefix="/verwaltung/eingang")


def _scope() -> set[int] | None:
    return services.council_district_ids(current_user, everything=can_use_inbox(current_user))


# --- the inbox -------------------------------------------------------------------------------


def _render_inbox(filters: services.InboxFilters, message: str | None):
    scope = _scope()
    page = services.inbox_page(filters, scope)
    return render_template(
        "backoffice/inbox.html",
        filters=filters,
        message=message,
        page=page,
        choices=services.filter_choices(scope),
        bulk_form=_bulk_form(formdata=None, filter=urlencode(filters.query_args()))
        if can_use_inbox(current_user)
        else None,
        bulk_cap=bulk.CAP,
        can_act=can_use_inbox(current_user),
        read_only=not can_use_inbox(current_user),
    ), (400 if message else 200)


@bp.get("/")
@requires(can_see_inbox)
def inbox():
    filters, message = services.for_page(request.args, current_user)
    return _render_inbox(filters, message)


def _columns() -> list[exports.Column]:
    base = request.host_url.rstrip("/")
    Column = exports.Column
    return [
        Column("id", _l("ID"), "text", lambda r: str(r.target_id)),
        Column("type", _l("Type"), "text", lambda r: r.target_type),
        Column("title", _l("Title")),
        Column("district_number", _l("District number")),
        Column("district_name", _l("District")),
        Column("category", _l("Category")),
        Column("status", _l("Status")),
        Column("status_type", _l("Status type")),
        Column("office", _l("Office")),
        Column("assignee", _l("Responsible person")),
        Column("created", _l("Created"), "datetime", lambda r: r.created_at),
        Column("first_response", _l("First response"), "datetime", lambda r: r.first_response_at),
        Column("closed", _l("Closed"), "datetime", lambda r: r.closed_at),
        Column("tags", _l("Tags"), "text", lambda r: ", ".join(r.tags)),
        Column("url", _l("URL"), "text", lambda r: base + r.public_url if r.public_url else ""),
        Column("lat", _l("Latitude"), "float"),
        Column("lon", _l("Longitude"), "float"),
    ]


def _point(row: services.InboxRow):
    return (row.lat, row.lon) if row.lat is not None and row.lon is not None else None


@bp.get("/export.<any(csv, xlsx, geojson):fmt>")
@requires(can_use_inbox)
def export(fmt: str):
    try:
        filters = services.parse_filters(request.args, current_user)
    except services.FilterError as exc:
        return _render_inbox(services.InboxFilters(), str(exc))
    filters.cursor = None
    filters.ids.pop("cursor", None)
    columns = _columns()
    rows = services.export_rows(filters, None)
    filename = f"eingang.{fmt}"
    if fmt == "xlsx":
        return exports.xlsx_download(filename, columns, rows, title=_("Inbox"), no_store=True)
    if fmt == "geojson":
        return exports.geojson_download(filename, columns, rows, point=_point, no_store=True)
    return exports.csv_download(filename, columns, rows, no_store=True)


# --- the item view ---------------------------------------------------------------------------


def _load(type_name: str, target_id: int):
    content_type = content_types.get(type_name)
    if content_type is None or content_type.tracked is None:
        abort(404)
    item = workflow.item_for(type_name, target_id)
    obj = content_type.load_any(target_id) if item is not None else None
    if obj is None:
        abort(404)
    authorize(can_see_inbox_item(current_user, item, _scope()))
    return content_type, item, obj


def can_answer(type_name: str, obj) -> bool:
    """Whether the person can give this input a public answer (a planner for an office, the
    district's mayor). Without one, closing statuses (they need an answer) are not offered,
    except "duplicate", which needs the original instead."""
    respondable = content_types.respondable(type_name)
    return respondable is not None and bool(
        voices(current_user, respondable.respondable.district(obj))
    )


def _status_form(item, obj=None, **kwargs) -> StatusChangeForm:
    form = StatusChangeForm(**kwargs)
    answering = obj is not None and can_answer(item.target_type, obj)
    form.status.choices = [
        (status.key, status.name(current_language()))
        for status in workflow.statuses()
        if answering or not status.closed or status.key == DUPLICATE
    ]
    if not answering:
        del form.answer
    form.duplicate_type.choices = [
        (t.name, str(t.label or t.name)) for t in content_types.tracked_types()
    ]
    return form


def _assign_form(item, **kwargs) -> AssignForm:
    form = AssignForm(**kwargs)
    form.office.choices = [("", _("No office"))] + [
        (str(o.id), localized(o, "name")) for o in services.offices()
    ]
    form.assignee.choices = [("", _("Nobody"))] + [
        (str(p.id), p.public_name) for p in services.planners()
    ]
    return form


def _render_item(
    content_type,
    item,
    obj,
    *,
    status_form=None,
    assign_form=None,
    tag_form=None,
    note_form=None,
    code=200,
):
    can_act = can_use_inbox(current_user)
    may_tag = can_tag(current_user)
    may_note = can_add_note(current_user, item, _scope())
    if can_act:
        status_form = status_form or _status_form(
            item, obj, formdata=None, status=item.status.key if item.status else None
        )
        assign_form = assign_form or _assign_form(
            item,
            formdata=None,
            office=str(item.office_id or ""),
            assignee=str(item.assignee_id or ""),
        )
    return render_template(
        "backoffice/item.html",
        content_type=content_type,
        item=item,
        obj=obj,
        title=content_type.title(obj) or _("(without title)"),
        public_url=content_type.url(obj),
        texts=services.input_texts(content_type, obj),
        facts=services.district_facts(item.district_id),
        timeline=services.internal_timeline(item),
        can_act=can_act,
        status_form=status_form if can_act else None,
        assign_form=assign_form if can_act else None,
        tags=triage.tags_of(item),
        all_tags=triage.tags() if may_tag else [],
        tag_form=(tag_form or TagForm(formdata=None)) if may_tag else None,
        notes=triage.notes_of(item),
        note_form=(note_form or NoteForm(formdata=None)) if may_note else None,
        original=triage.original_of(item),
    ), code


@bp.get("/<type_name>/<id:target_id>")
@requires(can_see_inbox)
def item(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    return _render_item(content_type, work_item, obj)


class _FormProblem(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _original(form: StatusChangeForm) -> Any:
    """The work item named as the original of a duplicate (``None`` if none was named)."""
    try:
        original_id = parse_id(form.duplicate_id.data, name=str(form.duplicate_id.label.text))
    except NumberError as exc:
        raise _FormProblem(str(exc), "duplicate_id") from None
    if original_id is None:
        return None
    found = workflow.item_for(form.duplicate_type.data or "", original_id)
    if found is None:
        raise _FormProblem(_("There is no input of this type with this number."), "duplicate_id")
    return found


@bp.post("/<type_name>/<id:target_id>/status")
@requires(can_use_inbox)
def change_status(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_change_status(current_user, work_item))
    form = _status_form(work_item, obj)
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, status_form=form, code=400)
    answer = (form.answer.data or "").strip() if "answer" in form else ""
    try:
        duplicate_of = _original(form) if form.status.data == DUPLICATE else None
        response_id = None
        if answer:
            respondable = content_types.respondable(type_name)
            if respondable is None:
                raise _FormProblem(_("This type of input cannot get a public answer."), "answer")
            response_id = respond(current_user, respondable, obj, answer, notify=False).id
        change = services.change_status(
            current_user,
            work_item,
            form.status.data,
            response_id=response_id,
            duplicate_of=duplicate_of,
        )
    except (workflow.WorkflowError, ResponseError, _FormProblem) as exc:
        db.session.rollback()
        field = getattr(exc, "field", None)
        target = field if field in ("status", "answer", "duplicate_id") else "status"
        if field == "duplicate_of":
            target = "duplicate_id"
        form[target].errors = [*form[target].errors, str(exc)]
        return _render_item(content_type, work_item, obj, status_form=form, code=400)
    db.session.commit()
    if change is not None:
        flash(_("The status has been changed."), "success")
    elif response_id is not None:
        flash(_("The public answer has been published."), "success")
    else:
        flash(_("Nothing has changed."), "info")
    return redirect(url_for("backoffice.item", type_name=type_name, target_id=target_id))


@bp.post("/<type_name>/<id:target_id>/zuweisen")
@requires(can_use_inbox)
def assign(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_assign(current_user, work_item))
    form = _assign_form(work_item)
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, assign_form=form, code=400)
    office = services.office_by_id(form.office.data)
    person = services.user_by_id(form.assignee.data)
    try:
        changed = workflow.assign(current_user, work_item, office, person)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        target = "assignee" if exc.field == "assignee" else "office"
        form[target].errors = [*form[target].errors, str(exc)]
        return _render_item(content_type, work_item, obj, assign_form=form, code=400)
    db.session.commit()
    flash(_("The assignment has been saved.") if changed else _("Nothing has changed."), "success")
    return redirect(url_for("backoffice.item", type_name=type_name, target_id=target_id))


def _back(type_name: str, target_id: int, anchor: str | None = None):
    url = url_for("backoffice.item", type_name=type_name, target_id=target_id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


# --- tags, notes, "not a duplicate" ----------------------------------------------------------


@bp.post("/<type_name>/<id:target_id>/schlagwort")
@requires(can_tag)
def add_tag(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    form = TagForm()
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, tag_form=form, code=400)
    try:
        tag = triage.tag_or_create(current_user, form.name.data)
        changed = triage.add_tag(current_user, work_item, tag)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc)]
        return _render_item(content_type, work_item, obj, tag_form=form, code=400)
    db.session.commit()
    flash(_("The tag has been added.") if changed else _("Nothing has changed."), "success")
    return _back(type_name, target_id, "tags-title")


@bp.post("/<type_name>/<id:target_id>/schlagwort/<id:tag_id>/entfernen")
@requires(can_tag)
def remove_tag(type_name: str, target_id: int, tag_id: int):
    _content_type, work_item, _obj = _load(type_name, target_id)
    tag = triage.tag_by_id(tag_id)
    if tag is None:
        abort(404)
    changed = triage.remove_tag(current_user, work_item, tag)
    db.session.commit()
    flash(_("The tag has been removed.") if changed else _("Nothing has changed."), "success")
    return _back(type_name, target_id, "tags-title")


@bp.post("/<type_name>/<id:target_id>/notiz")
@requires(can_see_inbox)
def add_note(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_add_note(current_user, work_item, _scope()))
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_item(content_type, work_item, obj, note_form=form, code=400)
    try:
        _note, people = triage.add_note(current_user, work_item, form.body.data)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(exc)]
        return _render_item(content_type, work_item, obj, note_form=form, code=400)
    db.session.commit()
    if people:
        flash(
            _(
                "The note has been saved; notified: %(names)s.",
                names=", ".join(p.public_name for p in people),
            ),
            "success",
        )
    else:
        flash(_("The note has been saved."), "success")
    return _back(type_name, target_id, "notes-title")


@bp.post("/<type_name>/<id:target_id>/kein-duplikat")
@requires(can_use_inbox)
def not_duplicate(type_name: str, target_id: int):
    content_type, work_item, obj = _load(type_name, target_id)
    authorize(can_change_status(current_user, work_item))
    try:
        triage.undo_duplicate(current_user, work_item)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(type_name, target_id)
    db.session.commit()
    flash(_("The input is no longer marked as a duplicate."), "success")
    return _back(type_name, target_id)


# --- bulk actions ----------------------------------------------------------------------------


def _bulk_form(**kwargs) -> BulkForm:
    form = BulkForm(**kwargs)
    form.office.choices = [("", _("No office"))] + [
        (str(o.id), localized(o, "name")) for o in services.offices()
    ]
    form.assignee.choices = [("", _("Nobody"))] + [
        (str(p.id), p.public_name) for p in services.planners()
    ]
    form.status.choices = [("", _("Choose a status"))] + workflow.status_choices()
    return form


def _bulk_action(form: BulkForm) -> bulk.Action:
    kind = form.action.data
    if kind == "assign":
        return bulk.Action(
            kind,
            office=services.office_by_id(form.office.data),
            person=services.user_by_id(form.assignee.data),
        )
    if kind == "tag":
        name = (form.tag.data or "").strip()
        if not name:
            raise bulk.SelectionError(_("Please enter a name for the tag."))
        try:
            return bulk.Action(kind, tag=triage.tag_or_create(current_user, name))
        except workflow.WorkflowError as exc:
            raise bulk.SelectionError(str(exc)) from None
    if not form.status.data:
        raise bulk.SelectionError(_("Please choose a status."))
    return bulk.Action(kind, status_key=form.status.data, answer=(form.answer.data or "").strip())


def _selection(form: BulkForm, scope: set[int] | None) -> list[tuple[str, int]]:
    if form.all_matching.data:
        filters = services.parse_filters(MultiDict(parse_qsl(form.filter.data or "")), current_user)
        filters.cursor = None
        filters.ids.pop("cursor", None)
        return bulk.matching(filters, scope)
    return bulk.parse_keys(request.form.getlist("selected"))


def _inbox_back(form: BulkForm) -> str:
    return url_for("backoffice.inbox") + (f"?{form.filter.data}" if form.filter.data else "")


@bp.post("/sammelaktion")
@requires(can_use_inbox)
def bulk_action():
    form = _bulk_form()
    scope = _scope()
    if not form.validate_on_submit():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return render_template(
            "backoffice/bulk.html",
            message=" ".join(problems),
            outcomes=[],
            ok=False,
            back=_inbox_back(form),
        ), 400
    try:
        pairs = _selection(form, scope)
        action = _bulk_action(form)
    except (services.FilterError, bulk.SelectionError) as exc:
        db.session.rollback()
        return render_template(
            "backoffice/bulk.html",
            message=str(exc),
            outcomes=[],
            ok=False,
            back=_inbox_back(form),
        ), 400
    outcomes, ok = bulk.apply(current_user, action, bulk.load(pairs), scope)
    if ok:
        db.session.commit()
    else:
        db.session.rollback()
    return render_template(
        "backoffice/bulk.html", message=None, outcomes=outcomes, ok=ok, back=_inbox_back(form)
    ), (200 if ok else 400)
