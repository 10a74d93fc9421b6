"""ASC-WDS pages: the training file (what goes in, what is left out and why, download), the
workplace id, each staff member's worker id and job role, training by job role, and checking an
existing ASC-WDS training file against the verified matrix."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from passport_vc.errors import ConflictError, MalformedValueError, PassportError
from passport_web.i18n import N_

from .. import asc_wds, records
from ..asc_wds_import import MAX_BYTES, ImportProblems, compare, read_training_file
from .common import current_state, current_user, form_int, login_required, manager_required

bp = Blueprint("asc_wds", __name__)


def _today():
    return current_state().service.clock().date()


def _export(organisation_id: int):
    state = current_state()
    trust = state.service.trust_for(organisation_id)
    now = state.service.clock()

    def recognised_for(provider_id: str) -> tuple[str, ...]:
        entry = trust.lookup(provider_id, now) if provider_id else None
        return tuple(entry.recognised_for) if entry else ()
    return asc_wds.build_export(state.db, organisation_id, now.date(), recognised_for)


def _roles():
    from schemas.asc_wds import job_roles

    return sorted(job_roles().values(), key=lambda role: role.name)


@bp.get("/asc-wds")
@login_required
def export_page():
    state, user = current_state(), current_user()
    return render_template("verifier/asc_wds.html", export=_export(user.organisation_id),
                           staff=asc_wds.staff_settings(state.db, user.organisation_id),
                           roles={role.code: role.name for role in _roles()},
                           errors={}, values={})


@bp.post("/asc-wds/workplace")
@manager_required
def set_workplace():
    state, user = current_state(), current_user()
    try:
        asc_wds.set_establishment_id(state.db, user.organisation_id,
                                     request.form.get("establishment_id", ""))
    except MalformedValueError as error:
        return render_template(
            "verifier/asc_wds.html", export=_export(user.organisation_id),
            staff=asc_wds.staff_settings(state.db, user.organisation_id),
            roles={role.code: role.name for role in _roles()},
            errors={"establishment_id": error.detail}, values=request.form), 400
    flash("Your ASC-WDS workplace ID has been saved", "success")
    return redirect(url_for("asc_wds.export_page"), 303)


@bp.get("/asc-wds/training.csv")
@login_required
def download():
    user = current_user()
    layout = request.args.get("layout", "current")
    export = _export(user.organisation_id)
    try:
        text = asc_wds.export_csv(export, layout)
    except MalformedValueError as error:
        flash(error.detail, "error")
        return redirect(url_for("asc_wds.export_page"), 303)
    filename = f"asc-wds-training-{export.today.isoformat()}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/staff/<int:staff_id>/asc-wds")
@login_required
def staff_form(staff_id: int):
    return _staff_page(staff_id, {}, None)


def _staff_page(staff_id: int, errors: dict, values: dict | None, status: int = 200):
    state, user = current_state(), current_user()
    member = records.get_staff(state.db, user.organisation_id, staff_id)
    settings = next(item for item in asc_wds.staff_settings(state.db, user.organisation_id)
                    if item.staff_id == staff_id)
    if values is None:
        values = {"worker_id": settings.worker_id if settings.worker_id_set else "",
                  "job_role": str(settings.job_role or "")}
    return render_template("verifier/asc_wds_staff.html", member=member, settings=settings,
                           roles=_roles(), errors=errors, values=values), status


@bp.post("/staff/<int:staff_id>/asc-wds")
@manager_required
def save_staff(staff_id: int):
    state, user = current_state(), current_user()
    role_text = request.form.get("job_role", "").strip()
    job_role = form_int("job_role")
    if role_text and job_role is None:
        return _staff_page(staff_id, {"job_role": N_("Choose a job role from the list")},
                           request.form, 400)
    try:
        asc_wds.set_staff_asc_wds(state.db, user.organisation_id, staff_id,
                                  worker_id=request.form.get("worker_id", ""), job_role=job_role)
    except (MalformedValueError, ConflictError) as error:
        return _staff_page(staff_id, {error.path or "worker_id": error.detail}, request.form,
                           409 if isinstance(error, ConflictError) else 400)
    flash("The ASC-WDS details have been saved", "success")
    return redirect(url_for("records.staff_member", staff_id=staff_id), 303)


@bp.get("/asc-wds/roles")
@login_required
def roles_page():
    return _roles_page(form_value=request.args.get("role", ""))


def _roles_page(form_value: str, errors: dict | None = None, status: int = 200):
    from schemas.asc_wds import default_topics_for_role, job_roles

    state, user = current_state(), current_user()
    chosen = int(form_value) if form_value.isascii() and form_value.isdigit() and \
        len(form_value) < 4 and int(form_value) in job_roles() else None
    policies = asc_wds.role_policies(state.db, user.organisation_id)
    required = asc_wds.topics_for_role(policies, chosen) if chosen else None
    return render_template(
        "verifier/asc_wds_roles.html", roles=_roles(), chosen=chosen,
        role=job_roles().get(chosen) if chosen else None, required=set(required or ()),
        defaults=set(default_topics_for_role(chosen)) if chosen else set(),
        customised=chosen in policies, known=records.known_topics(),
        errors=errors or {}), status


@bp.post("/asc-wds/roles")
@manager_required
def save_role():
    state, user = current_state(), current_user()
    job_role = form_int("job_role")
    if job_role is None:
        return _roles_page("", {"job_role": N_("Choose a job role from the list")}, 400)
    topics = None if request.form.get("action") == "defaults" else \
        request.form.getlist("topics")
    try:
        asc_wds.set_role_policy(state.db, user.organisation_id, job_role, topics)
    except MalformedValueError as error:
        return _roles_page(str(job_role), {error.path or "topics": error.detail}, 400)
    flash("The training for this job role has been saved", "success")
    return redirect(url_for("asc_wds.roles_page", role=job_role), 303)


@bp.get("/asc-wds/import")
@login_required
def import_page():
    return render_template("verifier/asc_wds_import.html", workers=None, errors={},
                           problems=[], more=0)


@bp.post("/asc-wds/import")
@login_required
def import_file():
    state, user = current_state(), current_user()
    upload = request.files.get("training_file")
    if upload is None or not upload.filename:
        return render_template("verifier/asc_wds_import.html", workers=None, problems=[],
                               more=0, errors={"training_file": N_("Choose your ASC-WDS "
                                                                  "training file")}), 400
    try:
        lines = read_training_file(upload.read(MAX_BYTES + 1), _today())
    except ImportProblems as error:
        return render_template("verifier/asc_wds_import.html", workers=None,
                               errors={"training_file": error.detail},
                               problems=error.problems, more=error.more), 400
    except PassportError as error:  # not UTF-8, too large, not an ASC-WDS training file
        return render_template("verifier/asc_wds_import.html", workers=None, problems=[],
                               more=0, errors={"training_file": error.detail}), 400
    staff = {item.worker_id: item.name
             for item in asc_wds.staff_settings(state.db, user.organisation_id)}
    workers = compare(lines, _export(user.organisation_id), staff)
    return render_template("verifier/asc_wds_import.html", workers=workers, errors={},
                           problems=[], more=0, filename=upload.filename[:200])
