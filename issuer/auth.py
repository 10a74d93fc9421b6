"""Signing in for provider staff (sessions) and for programs (API bearer tokens).

Pages need a signed-in account with role admin or staff; everything is scoped to the account's
provider (``g.provider``), so another provider's records are simply not found (404).
Sessions are server-side (passport_web.sessions: signing out ends them for good) and sign-in
attempts are slowed per account and place, in the database (passport_web.signin.check_sign_in).
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, redirect, request, url_for

from passport_vc.errors import AuthError, ForbiddenError, PassportError
from passport_web.signin import begin_session, end_session, session_subject


def service():
    return current_app.extensions["issuer"]


def load_user() -> None:
    """Before each request: the signed-in account and its provider, if any."""
    g.user = g.provider = None
    user_id = session_subject()
    if not user_id:
        return
    try:
        user = service().access.user(int(user_id))
        provider = service().providers.provider_by_id(user.provider_id)
    except (PassportError, ValueError, TypeError):
        end_session()
        return
    g.user, g.provider = user, provider


def sign_in(user) -> None:
    begin_session(str(user.id))  # a fresh, server-side session: no fixation, can be ended


def sign_out() -> None:
    end_session()


def login_required(view=None, *, role: str | None = None):
    """Pages for signed-in staff; ``role="admin"`` for key and token management."""
    def decorate(function):
        @wraps(function)
        def wrapper(*args, **kwargs):
            if g.get("user") is None:
                return redirect(url_for("pages.sign_in", next=request.path))
            if role == "admin" and g.user.role != "admin":
                raise ForbiddenError("Only an administrator can do this")
            return function(*args, **kwargs)
        return wrapper
    return decorate(view) if view is not None else decorate


def api_provider():
    """The provider an API request acts for (Authorization: Bearer spi_…)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("Send your API token: Authorization: Bearer spi_…")
    return service().access.provider_for_token(token.strip())
