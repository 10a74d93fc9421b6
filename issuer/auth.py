"""Signing in for provider staff (sessions) and for programs (API bearer tokens).

Pages need a signed-in account with role admin or staff; everything is scoped to the account's
provider (``g.provider``), so another provider's records are simply not found (404).
Sign-in attempts are slowed per account (passport_web.passwords) and per client
address (a small in-memory window; enough for one process, a proxy should add its own).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from functools import wraps

from flask import current_app, g, redirect, request, session, url_for

from passport_vc.errors import AuthError, ForbiddenError, PassportError

ATTEMPTS_PER_WINDOW = 20
WINDOW_SECONDS = 300


def service():
    return current_app.extensions["issuer"]


class AddressThrottle:
    """At most ``limit`` sign-in attempts per client address per window."""

    def __init__(self, limit: int = ATTEMPTS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            seen = self._seen[address]
            while seen and now - seen[0] > self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            return True


def load_user() -> None:
    """Before each request: the signed-in account and its provider, if any."""
    g.user = g.provider = None
    user_id = session.get("user_id")
    if not user_id:
        return
    try:
        user = service().access.user(int(user_id))
        provider = service().providers.provider_by_id(user.provider_id)
    except (PassportError, ValueError, TypeError):
        session.clear()
        return
    g.user, g.provider = user, provider


def sign_in(user) -> None:
    session.clear()  # a fresh session: no fixation
    session["user_id"] = user.id
    session.permanent = False


def sign_out() -> None:
    session.clear()


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
