"""Helpers shared by the verifier's blueprints: the app state, the signed-in user, access rules."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, redirect, request, url_for

from passport_vc.errors import ForbiddenError
from passport_web.signin import safe_next as safe_local_next


def current_state():
    return current_app.extensions["verifier"]


def current_user():
    return g.get("user")


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("accounts.sign_in", next=request.path))
        return view(*args, **kwargs)
    return wrapper


def manager_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None:
            return redirect(url_for("accounts.sign_in", next=request.path))
        if not user.is_manager:
            raise ForbiddenError("Only a manager in your organisation can do this. Ask a "
                                 "manager to do it for you.")
        return view(*args, **kwargs)
    return wrapper


def safe_next(target: str | None) -> str:
    """Only local paths: never send someone to another site after signing in."""
    return safe_local_next(target, "/")


def form_int(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
