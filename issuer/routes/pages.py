"""Pages for provider staff (GOV.UK Design System patterns, WCAG 2.2 AA): sign in, dashboard,
issue one credential, the record page (wallet offer QR, downloads, printable certificate,
revoke / suspend / reinstate, correct), the register (search, CSV export), bulk upload, keys
and API tokens, the provider's own courses. Every record route is scoped to the signed-in
account's provider.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from passport_vc.errors import AuthError, ConflictError, MalformedValueError, PassportError
from passport_vc.qr import qr_svg
from passport_web.signin import check_sign_in, end_every_session, remember_device, safe_next
from schemas.catalogue import OFQUAL_NUMBER, load_catalogue, topic_title

from ..auth import login_required, service, sign_in, sign_out
from ..bulk import TEMPLATE_HEADER, error_report_csv
from ..certificate import certificate_pdf, uk_date

bp = Blueprint("pages", __name__)
ASSESSMENT_METHODS = ["E-learning with a test", "Face-to-face with a test", "Observed practice",
                      "Written assignment", "Professional discussion"]
DELIVERY_MODES = ["E-learning", "Face-to-face", "Live webinar", "Blended", "On the job"]
CATEGORY_TITLES = {"care-certificate": "Care Certificate", "mandatory": "Core and mandatory",
                   "oliver-mcgowan": "Oliver McGowan training",
                   "qualification": "Qualifications", "other": "Your own courses"}
STATUS_ACTIONS = {"revoke": "Revoke", "suspend": "Suspend", "reinstate": "Reinstate"}


@bp.app_template_filter("uk_date")
def _uk_date(value) -> str:
    return uk_date(value) if value else ""


@bp.app_template_filter("uk_time")
def _uk_time(value) -> str:
    return f"{uk_date(value.date())} at {value:%H:%M} UTC" if value else ""


def _slug() -> str:
    return g.provider.slug


def _course_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The course picker: the national catalogue by category, then the provider's own."""
    national = load_catalogue()
    groups: dict[str, list[tuple[str, str]]] = {}
    own: list[tuple[str, str]] = []
    for key, course in service().catalogue.courses(_slug()).items():
        if key in national:
            groups.setdefault(course.category, []).append((key, course.title))
        else:
            own.append((key, course.title))
    found = [(CATEGORY_TITLES.get(category, category), items)
             for category, items in groups.items()]
    if own:
        found.append((CATEGORY_TITLES["other"], sorted(own, key=lambda item: item[1].lower())))
    return found


def _error_dict(error: PassportError, fallback: str) -> dict[str, str]:
    field = (error.path or fallback).split(".")[0]
    return {field: error.detail}


# --- sign in -------------------------------------------------------------------------------------
@bp.get("/")
def start():
    if g.get("user") is not None:
        return redirect(url_for("pages.dashboard"))
    return redirect(url_for("pages.sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page():
    errors: dict[str, str] = {}
    email, status = "", 200
    if request.method == "POST":
        email = request.form.get("email", "")[:320]
        password = request.form.get("password", "")
        try:
            user = check_sign_in(email, lambda: service().access.authenticate(email, password))
        except AuthError as error:
            errors["email"] = error.detail
            status = 429 if error.status == 429 else 400
        else:
            sign_in(user)
            target = safe_next(request.values.get("next"), url_for("pages.dashboard"))
            return remember_device(redirect(target), email)
    return render_template("issuer/sign_in.html", errors=errors, email=email), \
        (status if errors else 200)


@bp.post("/sign-out-everywhere", endpoint="sign_out_everywhere")
@login_required
def sign_out_everywhere_page():
    """End this account's sessions on every device (a lost laptop, a shared computer)."""
    end_every_session(str(g.user.id))
    flash("You have signed out on every device, including this one.", "success")
    return redirect(url_for("pages.sign_in"))


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_page():
    sign_out()
    flash("You have signed out.", "success")
    return redirect(url_for("pages.sign_in"))


# --- dashboard -----------------------------------------------------------------------------------
@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("issuer/dashboard.html", counts=service().register.counts(_slug()),
                           recent=service().register.search(_slug(), limit=10),
                           imports=service().imports.imports(_slug(), limit=5))


# --- issue one -----------------------------------------------------------------------------------
def _issue_form_values(form) -> dict:
    return {name: form.get(name, "").strip()[:2000] for name in
            ("course", "subject_name", "subject_email", "completed-day", "completed-month",
             "completed-year", "assessment_method", "delivery_mode", "hours", "evidence",
             "holder_did")}


def _completed_from(values: dict) -> date:
    parts = [values.get(f"completed-{part}", "") for part in ("year", "month", "day")]
    if not all(parts):
        raise MalformedValueError("Enter the date the training was completed, including a "
                                  "day, month and year", path="completed")
    try:
        return date(*(int(part) for part in parts))
    except ValueError:
        raise MalformedValueError("The completion date must be a real date",
                                  path="completed") from None


def _render_issue(values: dict, errors: dict, *, record=None, status: int = 200):
    return render_template("issuer/issue.html", values=values, errors=errors,
                           groups=_course_groups(), assessment_methods=ASSESSMENT_METHODS,
                           delivery_modes=DELIVERY_MODES, correcting=record), status


@bp.route("/issue", methods=["GET", "POST"])
@login_required
def issue():
    if request.method == "GET":
        return _render_issue({}, {})
    values = _issue_form_values(request.form)
    try:
        completed = _completed_from(values)
        record = service().issuance.issue(
            _slug(), values["course"], subject_name=values["subject_name"], completed=completed,
            subject_email=values["subject_email"] or None,
            holder_did=values["holder_did"] or None,
            assessment_method=values["assessment_method"] or None,
            delivery_mode=values["delivery_mode"] or None, hours=values["hours"] or None,
            evidence=values["evidence"] or None, actor=g.user.email)
    except MalformedValueError as error:
        return _render_issue(values, _error_dict(error, "course"), status=400)
    flash(f"Credential issued to {record.subject_name}.", "success")
    return redirect(url_for("pages.record", record_id=record.id))


# --- a record ------------------------------------------------------------------------------------
def _record(record_id: str):
    return service().register.record(record_id, provider=g.provider.id)


@bp.get("/records/<record_id>")
@login_required
def record(record_id: str):
    found = _record(record_id)
    now = service().clock()
    current = next((offer for offer in service().delivery.offers_for(found.id)
                    if offer["used_at"] is None and offer["expires_at"] > now), None)
    offer_uri = offer_svg = None
    if current and found.state == "active":
        from passport_vc.oid4vci import offer_uri as make_uri

        offer_uri = make_uri(f"{service().config.public_base}/offers/{current['id']}")
        offer_svg = qr_svg(offer_uri, title=f"QR code to add this credential to "
                                            f"{found.subject_name}'s wallet")
    keys = {key.vm_id: key for key in service().providers.keys(_slug())}
    signing_key = keys.get(found.verification_method)
    return render_template("issuer/record.html", record=found, offer=current,
                           offer_uri=offer_uri, offer_svg=offer_svg,
                           key_removed=signing_key is not None and signing_key.state == "removed",
                           history=service().register.history(found.id),
                           offers=service().delivery.offers_for(found.id),
                           actions=_actions(found.state),
                           errors={})


def _actions(state: str) -> list[tuple[str, str]]:
    allowed = {"active": ("revoke", "suspend"), "suspended": ("reinstate", "revoke")}
    return [(action, STATUS_ACTIONS[action]) for action in allowed.get(state, ())]


@bp.post("/records/<record_id>/offer")
@login_required
def create_offer(record_id: str):
    found = _record(record_id)
    offer = service().delivery.create_offer(found.id,
                                            with_tx_code=request.form.get("tx_code") == "yes",
                                   provider=g.provider.id, actor=g.user.email)
    if offer.tx_code:
        flash(f"Tell the worker this code separately (not by the same email): {offer.tx_code}. "
              "They need it to collect the credential. It is shown only once.", "success")
    else:
        flash("A new offer is ready. Show the worker the QR code or send them the link.",
              "success")
    return redirect(url_for("pages.record", record_id=found.id) + "#send")


@bp.post("/records/<record_id>/status")
@login_required
def change_status(record_id: str):
    found = _record(record_id)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "")
    errors: dict[str, str] = {}
    if action not in dict(_actions(found.state)):
        errors["action"] = "Choose what to do with this credential"
    else:
        try:
            getattr(service().status, action)(found.id, reason, provider=g.provider.id,
                                       actor=g.user.email)
        except MalformedValueError as error:
            errors = _error_dict(error, "reason")
    if errors:
        return render_template("issuer/record.html", record=found, offer=None, offer_uri=None,
                               offer_svg=None, key_removed=False,
                               history=service().register.history(found.id),
                               offers=service().delivery.offers_for(found.id),
                               actions=_actions(found.state), errors=errors,
                               reason=reason[:500]), 400
    words = {"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}
    flash(f"The credential has been {words[action]}.", "success")
    return redirect(url_for("pages.record", record_id=found.id))


@bp.route("/records/<record_id>/correct", methods=["GET", "POST"])
@login_required
def correct(record_id: str):
    found = _record(record_id)
    if found.state not in ("active", "suspended"):
        abort(404)
    if request.method == "GET":
        details = found.details
        completed = date.fromisoformat(details["completed"])
        values = {"course": details["course_key"], "subject_name": details["subject_name"],
                  "subject_email": details.get("subject_email") or "",
                  "holder_did": details.get("holder_did") or "",
                  "completed-day": str(completed.day), "completed-month": str(completed.month),
                  "completed-year": str(completed.year),
                  "assessment_method": details.get("assessment_method") or "",
                  "delivery_mode": details.get("delivery_mode") or "",
                  "hours": "" if details.get("hours") is None else f"{details['hours']:g}",
                  "evidence": details.get("evidence") or ""}
        return _render_issue(values, {}, record=found)
    values = _issue_form_values(request.form)
    try:
        changes = {"course_key": values["course"], "subject_name": values["subject_name"],
                   "subject_email": values["subject_email"] or None,
                   "holder_did": values["holder_did"] or None,
                   "completed": _completed_from(values),
                   "assessment_method": values["assessment_method"] or None,
                   "delivery_mode": values["delivery_mode"] or None,
                   "hours": values["hours"] or None, "evidence": values["evidence"] or None}
        new = service().issuance.correct(found.id, provider=g.provider.id, actor=g.user.email,
                                         **changes)
    except MalformedValueError as error:
        return _render_issue(values, _error_dict(error, "course"), record=found, status=400)
    flash("The corrected credential has been issued and the old one revoked.", "success")
    return redirect(url_for("pages.record", record_id=new.id))


# --- a course's public page (the achievement id of our credentials) ---------------------------
@bp.get("/providers/<slug>/achievements/<course_key>")
def course_page(slug: str, course_key: str):
    """What the wallet's "book a refresher" link opens: the provider's page for the course.
    Public (no sign-in) and the same for everyone: the link carries nothing about the worker."""
    from passport_vc.errors import NotFoundError

    provider = service().providers.provider(slug)
    try:
        course = service().catalogue.course(slug, course_key)
    except PassportError:
        raise NotFoundError("This provider has no such course") from None
    response = Response(render_template("issuer/course_public.html", provider=provider,
                                        course=course))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/records/<record_id>/renew", methods=["GET", "POST"])
@login_required
def renew(record_id: str):
    """The refresher was done: a new credential linked to this one, which stays valid."""
    found = _record(record_id)
    if found.state not in ("active", "suspended"):
        abort(404)
    if request.method == "GET":
        return render_template("issuer/renew.html", record=found, values={}, errors={})
    values = _issue_form_values(request.form)
    try:
        new = service().issuance.renew(found.id, completed=_completed_from(values),
                                       provider=g.provider.id, actor=g.user.email,
                                       evidence=values["evidence"] or None)
    except MalformedValueError as error:
        return render_template("issuer/renew.html", record=found, values=values,
                               errors=_error_dict(error, "completed")), 400
    flash("The renewal has been issued. The earlier credential stays valid until its own "
          "date. Send the new one to the worker's wallet.", "success")
    return redirect(url_for("pages.record", record_id=new.id))


@bp.get("/records/<record_id>/credential.json")
@login_required
def download_json(record_id: str):
    found = _record(record_id)
    import json

    body = json.dumps(found.document, indent=2, ensure_ascii=False)
    return _download(body, "application/json", f"credential-{found.id[:8]}.json")


@bp.get("/records/<record_id>/credential.jwt")
@login_required
def download_jwt(record_id: str):
    found = _record(record_id)
    token = service().issuance.credential_document(found.id, "jwt_vc_json", provider=g.provider.id)
    return _download(token, "application/vc+jwt", f"credential-{found.id[:8]}.jwt")


@bp.get("/records/<record_id>/certificate.pdf")
@login_required
def download_certificate(record_id: str):
    found = _record(record_id)
    return _download(certificate_pdf(found, g.provider), "application/pdf",
                     f"certificate-{found.id[:8]}.pdf")


def _download(body: str | bytes, media_type: str, filename: str) -> Response:
    response = Response(body, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --- register ------------------------------------------------------------------------------------
def _filters() -> tuple[dict, dict, dict]:
    args = request.args
    values = {name: args.get(name, "").strip()[:200] for name in
              ("q", "course", "from", "to", "state")}
    errors: dict[str, str] = {}
    parsed: dict = {"text": values["q"] or None, "course": values["course"] or None,
                    "state": values["state"] or None}
    for name, key in (("from", "date_from"), ("to", "date_to")):
        parsed[key] = None
        if values[name]:
            try:
                parsed[key] = date.fromisoformat(values[name])
            except ValueError:
                errors[name] = "Enter a date like 2026-03-27"
    return values, parsed, errors


@bp.get("/register")
@login_required
def register():
    values, parsed, errors = _filters()
    results = [] if errors else service().register.search(_slug(), parsed["text"], parsed["course"],
                                                 parsed["date_from"], parsed["date_to"],
                                                 state=parsed["state"], limit=200)
    return render_template("issuer/register.html", values=values, errors=errors,
                           results=results, groups=_course_groups()), (400 if errors else 200)


@bp.get("/register.csv")
@login_required
def register_csv():
    _values, parsed, errors = _filters()
    if errors:
        abort(400)
    found = service().register.search(_slug(), parsed["text"], parsed["course"],
                                      parsed["date_from"],
                             parsed["date_to"], state=parsed["state"], limit=10_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "credential_id", "name", "email", "course", "course_title",
                     "completed", "valid_until", "state", "reason", "holder_did", "issued_at"])
    from ..bulk import _safe_cell

    for item in found:
        writer.writerow([_safe_cell(str(value or "")) for value in (
            item.id, item.credential_id, item.subject_name, item.subject_email,
            item.course_key, item.course_title, item.completed.isoformat(),
            item.valid_until.isoformat() if item.valid_until else "", item.state,
            item.reason, item.holder_did,
            item.created_at.isoformat() if item.created_at else "")])
    return _download(out.getvalue(), "text/csv", "register.csv")


# --- bulk upload ---------------------------------------------------------------------------------
@bp.route("/import", methods=["GET", "POST"])
@login_required
def bulk_import():
    errors: dict[str, str] = {}
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors["file"] = "Select a CSV file"
        elif not upload.filename.lower().endswith(".csv"):
            errors["file"] = "The selected file must be a CSV"
        else:
            try:
                report = service().imports.import_csv(_slug(), upload.stream,
                                              filename=upload.filename[:200],
                                              actor=g.user.email)
            except MalformedValueError as error:
                errors["file"] = error.detail
            else:
                return redirect(url_for("pages.import_result", batch_id=report.batch_id))
    return render_template("issuer/import.html", errors=errors,
                           imports=service().imports.imports(_slug())), (400 if errors else 200)


@bp.get("/import/template.csv")
@login_required
def import_template():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(["Sam Taylor", "sam@example.com", "moving-and-handling", "2026-03-27",
                     "Observed practice", "Face-to-face", "6", "", ""])
    return _download(out.getvalue(), "text/csv", "completions-template.csv")


@bp.get("/import/<int:batch_id>")
@login_required
def import_result(batch_id: int):
    batch = next((item for item in service().imports.imports(_slug(), limit=10_000)
                  if item["id"] == batch_id), None)
    if batch is None:
        abort(404)
    return render_template("issuer/import_result.html", batch=batch,
                           errors=service().imports.import_errors(_slug(), batch_id))


@bp.get("/import/<int:batch_id>/errors.csv")
@login_required
def import_errors(batch_id: int):
    rows = service().imports.import_errors(_slug(), batch_id)
    return _download(error_report_csv(rows), "text/csv", f"import-{batch_id}-problems.csv")


# --- keys and API tokens (administrators) ---------------------------------------------------
@bp.get("/keys")
@login_required(role="admin")
def keys():
    return render_template("issuer/keys.html", keys=service().providers.keys(_slug()),
                           did_url=url_for("public.provider_did", slug=_slug())
                           if not g.provider.host else None)


@bp.post("/keys/rotate")
@login_required(role="admin")
def rotate_key():
    vm_id = service().providers.rotate_key(_slug(), actor=g.user.email)
    flash(f"New signing key {vm_id.rsplit('#', 1)[1]} is in use. Credentials signed with "
          "earlier keys still check as genuine.", "success")
    return redirect(url_for("pages.keys"))


@bp.post("/keys/remove")
@login_required(role="admin")
def remove_key():
    vm_id = request.form.get("vm_id", "")
    if request.form.get("confirm") != "yes":
        flash("The key was not removed: tick the box to confirm it has been compromised.",
              "info")
        return redirect(url_for("pages.keys"))
    service().providers.remove_key(_slug(), vm_id, actor=g.user.email)
    flash("The key has been removed. Credentials it signed will no longer check as genuine; "
          "issue them again.", "success")
    return redirect(url_for("pages.keys"))


@bp.route("/api-tokens", methods=["GET", "POST"])
@login_required(role="admin")
def api_tokens():
    errors: dict[str, str] = {}
    new_secret = None
    if request.method == "POST":
        try:
            _token, new_secret = service().access.create_api_token(
                _slug(), request.form.get("name", ""), actor=g.user.email)
        except MalformedValueError as error:
            errors["name"] = error.detail
    return render_template("issuer/tokens.html", tokens=service().access.api_tokens_of(_slug()),
                           errors=errors, new_secret=new_secret), (400 if errors else 200)


@bp.post("/api-tokens/<int:token_id>/revoke")
@login_required(role="admin")
def revoke_token(token_id: int):
    service().access.revoke_api_token(_slug(), token_id)
    flash("The API token has been withdrawn.", "success")
    return redirect(url_for("pages.api_tokens"))


# --- the provider's own courses (administrators) -----------------------------------------------
OWN_CATEGORIES = {"mandatory": "A core or mandatory training topic",
                  "qualification": "A regulated qualification",
                  "other": "Another course"}
OWN_CATEGORY_LABELS = {"mandatory": "Core or mandatory", "qualification": "Qualification",
                       "other": "Other course"}
COURSE_FIELDS = ("title", "category", "topic", "refresh_months", "description",
                 "learning_hours", "ofqual_number", "rqf_level", "credits")
MAX_COURSE_KEY = 72  # leaves room for a "-N" suffix inside the catalogue's 80 characters


def _mandatory_topics() -> list[tuple[str, str]]:
    topics = {course.topic: course.title for course in load_catalogue().values()
              if course.category == "mandatory"}
    return sorted(topics.items(), key=lambda item: item[1].lower())


def _whole(value: str, low: int, high: int) -> int | None:
    """A whole number from low to high, or None when it is not one."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 6:
        return None
    number = int(text)
    return number if low <= number <= high else None


def _course_key(title: str, taken: set[str]) -> str:
    """A key from the title (lower-case words joined by hyphens), unique for this provider."""
    words = "".join(char if char.isascii() and char.isalnum() else " "
                    for char in title.lower()).split()
    base = "-".join(words)[:MAX_COURSE_KEY].strip("-") or "course"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _course_from_form(values: dict, existing: dict) -> tuple[dict, dict[str, str]]:
    """(course data for ``add_course``, errors by field) from the add-a-course form; every
    problem is found at once, as GOV.UK error summaries expect."""
    errors: dict[str, str] = {}
    data: dict = {}
    title = " ".join(values["title"].split())
    same_title = next((course for course in existing.values()
                       if course.title.lower() == title.lower()), None)
    if not title:
        errors["title"] = "Enter the name of the course"
    elif len(title) > 200:
        errors["title"] = "The course name must be 200 characters or fewer"
    elif same_title is not None and same_title.key in load_catalogue():
        errors["title"] = (f"'{same_title.title}' is already in the national list of courses. "
                           "Choose it when you issue, or give your course a different name")
    elif same_title is not None:
        errors["title"] = f"You already have a course called '{same_title.title}'"
    data["title"] = title
    category = values["category"]
    if category not in OWN_CATEGORIES:
        errors["category"] = "Choose what kind of course it is"
    data["category"] = category
    if category == "mandatory":
        topics = dict(_mandatory_topics())
        if values["topic"] not in topics:
            errors["topic"] = "Choose the training topic the course covers"
        data["topic"] = values["topic"]
    elif category == "qualification":
        data["topic"] = "qualification"
        number = values["ofqual_number"].replace(" ", "")
        if number and OFQUAL_NUMBER.fullmatch(number) is None:
            errors["ofqual_number"] = ("Enter the Ofqual qualification number in the right "
                                       "format, like 610/1372/9")
        elif number:
            data["ofqual_number"] = number
        level = _whole(values["rqf_level"], 1, 8)
        if level is None:
            errors["rqf_level"] = "Choose the RQF level of the qualification"
        data["rqf_level"] = level
        if values["credits"]:
            credits = _whole(values["credits"], 1, 1000)
            if credits is None:
                errors["credits"] = "Credits must be a whole number from 1 to 1000, like 58"
            data["credits"] = credits
    if values["refresh_months"]:
        months = _whole(values["refresh_months"], 1, 120)
        if months is None:
            errors["refresh_months"] = ("The refresh interval must be a whole number of months "
                                        "from 1 to 120, like 12 or 36")
        data["refresh_months"] = months
    description = " ".join(values["description"].split())
    if len(description) > 500:
        errors["description"] = "The description must be 500 characters or fewer"
    elif description:
        data["description"] = description
    if values["learning_hours"]:
        try:
            hours = float(values["learning_hours"])
        except ValueError:
            hours = None
        if hours is None or not 0 < hours <= 5000:
            errors["learning_hours"] = ("The learning hours must be a number above 0, like 6 "
                                        "or 7.5")
        else:
            data["learning_hours"] = round(hours, 2)
    if not errors:
        data["key"] = _course_key(title, set(existing))
        data.setdefault("topic", data["key"])  # another course is a topic of its own
    return {name: value for name, value in data.items() if value is not None}, errors


def _course_rows(found: dict) -> list[dict]:
    return [{"course": course, "category": OWN_CATEGORY_LABELS.get(course.category,
                                                                   course.category),
             "topic": topic_title(course.topic) if course.topic != course.key else "Its own"}
            for course in found.values()]


@bp.get("/courses")
@login_required(role="admin")
def courses():
    every = service().catalogue.courses(_slug())
    national = load_catalogue()
    own = {key: course for key, course in every.items() if key not in national}
    groups: dict[str, list] = {}
    for course in national.values():
        groups.setdefault(CATEGORY_TITLES.get(course.category, course.category),
                          []).append(course)
    return render_template("issuer/courses.html", own=_course_rows(own),
                           groups=list(groups.items()), total=len(national))


@bp.route("/courses/new", methods=["GET", "POST"])
@login_required(role="admin")
def add_course():
    values = {name: request.form.get(name, "").strip()[:2000] for name in COURSE_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data, errors = _course_from_form(values, service().catalogue.courses(_slug()))
        if not errors:
            try:
                course = service().catalogue.add_course(_slug(), data)
            except (MalformedValueError, ConflictError) as error:
                field = (error.path or "title").split(".")[0]
                errors = {field if field in COURSE_FIELDS else "title": error.detail}
            else:
                flash(f"{course.title} has been added. You can now choose it when you issue a "
                      "credential or upload a file.", "success")
                return redirect(url_for("pages.courses"))
    return render_template("issuer/courses_new.html", values=values, errors=errors,
                           categories=OWN_CATEGORIES, topics=_mandatory_topics()), \
        (400 if errors else 200)
