"""Staff, saved certificates, the training matrix (page, print, CSV), policy and re-checking."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from passport_vc.errors import MalformedValueError
from passport_web.i18n import course_name

from .. import asc_wds, records
from .common import current_state, current_user, form_int, login_required, manager_required

bp = Blueprint("records", __name__)


def _today():
    return current_state().service.clock().date()


@bp.get("/staff")
@login_required
def staff_list():
    state, user = current_state(), current_user()
    return render_template("verifier/staff.html", staff=records.list_staff(
        state.db, user.organisation_id), errors={}, values={})


@bp.post("/staff")
@manager_required
def add_staff():
    state, user = current_state(), current_user()
    try:
        records.add_staff(state.db, user.organisation_id, request.form.get("name", ""),
                          request.form.get("job_title", ""), state.service.clock)
    except MalformedValueError as error:
        return render_template("verifier/staff.html", staff=records.list_staff(
            state.db, user.organisation_id), errors={error.path or "name": error.detail},
            values=request.form), 400
    flash(gettext("Added %(name)s", name=request.form.get("name", "").strip()), "success")
    return redirect(url_for("records.staff_list"), 303)


@bp.get("/staff/<int:staff_id>")
@login_required
def staff_member(staff_id: int):
    state, user = current_state(), current_user()
    member = records.get_staff(state.db, user.organisation_id, staff_id)
    saved = records.records_for_staff(state.db, user.organisation_id, staff_id)
    return render_template("verifier/staff_member.html", member=member, records=saved)


@bp.post("/records/<record_id>/delete")
@manager_required
def delete_record(record_id: str):
    state, user = current_state(), current_user()
    staff_id = form_int("staff_id")
    records.delete_record(state.db, user.organisation_id, record_id)
    flash("The certificate was removed from the record", "success")
    if staff_id is not None:
        return redirect(url_for("records.staff_member", staff_id=staff_id), 303)
    return redirect(url_for("records.staff_list"), 303)


def _matrix():
    state, user = current_state(), current_user()
    return records.training_matrix(state.db, user.organisation_id, user.organisation_name,
                                   _today(), due_soon=state.config.due_soon,
                                   roles=asc_wds.matrix_roles(state.db, user.organisation_id))


@bp.get("/matrix")
@login_required
def matrix():
    return render_template("verifier/matrix.html", matrix=_matrix(), changes=None)


@bp.get("/matrix/print")
@login_required
def matrix_print():
    return render_template("verifier/matrix_print.html", matrix=_matrix())


@bp.get("/matrix.csv")
@login_required
def matrix_csv():
    matrix = _matrix()
    filename = f"training-matrix-{matrix.today.isoformat()}.csv"
    return Response(records.matrix_csv(matrix), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/records/recheck")
@manager_required
def recheck():
    state, user = current_state(), current_user()
    count, changes = records.recheck(state.db, state.service, user.organisation_id,
                                     state.service.clock)
    flash(ngettext("Checked %(num)d saved certificate again", "Checked %(num)d saved "
                   "certificates again", count) + ": "
          + (gettext("%(num)s changed", num=len(changes)) if changes
             else gettext("nothing changed")), "success")
    return render_template("verifier/matrix.html", matrix=_matrix(), changes=changes)


@bp.get("/settings/topics")
@login_required
def topics():
    state, user = current_state(), current_user()
    return render_template("verifier/topics.html", **_topics_context(state, user), errors={})


def _topics_context(state, user) -> dict:
    chosen = {topic.topic: topic for topic in records.topics_for(state.db, user.organisation_id)}
    return {"known": records.known_topics(), "chosen": chosen}


@bp.post("/settings/topics")
@manager_required
def save_topics():
    state, user = current_state(), current_user()
    errors: dict[str, str] = {}
    wanted: list[tuple[str, bool, int | None, str]] = []
    for key, title in records.known_topics():
        required = request.form.get(f"required-{key}") == "yes"
        months_text = request.form.get(f"months-{key}", "").strip()
        months = None
        if months_text:
            if not (months_text.isascii() and months_text.isdigit() and len(months_text) < 4) \
                    or not 1 <= int(months_text) <= 120:
                errors[f"months-{key}"] = gettext(
                    "%(title)s: enter a number of months from 1 to 120, or leave it empty if "
                    "it never needs refreshing", title=course_name(title))
                continue
            months = int(months_text)
        wanted.append((key, required, months, title))
    if errors:
        return render_template("verifier/topics.html", **_topics_context(state, user),
                               errors=errors), 400
    records.set_topics(state.db, user.organisation_id, wanted)
    flash("Your required training has been saved", "success")
    return redirect(url_for("records.matrix"), 303)
