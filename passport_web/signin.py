"""Signing in, the Flask side, for all three services: where to go afterwards, the session the
server can end, and the known-device cookie that keeps throttling fair (see sessions.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import unquote, urlsplit

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer

from passport_vc.errors import AuthError

from .passwords import TooManyAttemptsError
from .sessions import SessionStore, SignInThrottle

SESSION_KEY = "sid"
DEVICE_COOKIE_AGE = 180 * 24 * 3600  # a device stays "known" for about six months
MAX_NEXT = 2048
# Characters browsers drop or turn into "/" while reading a URL (WHATWG URL: tab, newline and
# carriage return are removed, a backslash reads as a slash) and any other control or space.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: object, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default``: never an open redirect.

    Refused: absolute and scheme-relative URLs (``https://x``, ``//x``), anything a browser
    could read as one (``/\\x``, ``/\\t/x``, ``/%2F/x``, ``/%5Cx``), control characters and
    white space, and over-long values.
    """
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_NEXT \
            or any(char.isspace() for char in target):
        return default
    decoded = target
    for _ in range(3):  # encoded, or encoded twice: judge what a server might decode it to
        if _UNSAFE.search(decoded) or decoded.startswith("//"):
            return default
        parts = urlsplit(decoded)
        if parts.scheme or parts.netloc:
            return default
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    else:
        return default
    return target


def init_sign_in(app, db, *, sessions, attempts, clock) -> None:
    """Give a service server-side sessions and database-backed throttling over its tables."""
    app.extensions["passport_sessions"] = SessionStore(db, sessions, clock)
    app.extensions["passport_throttle"] = SignInThrottle(db, attempts, clock)


def check_sign_in(login: str, check):
    """Run ``check()`` (the password check, raising AuthError when wrong) behind the
    throttle: refused with TooManyAttemptsError while this login must wait at this place;
    failures counted, a success clears this place's count. Returns what ``check`` returns."""
    throttle: SignInThrottle = current_app.extensions["passport_throttle"]
    login = login if isinstance(login, str) else ""
    place = {"address": client_address(), "device": known_device(login)}
    until = throttle.wait_until(login, **place)
    if until is not None:
        seconds = max(1, int((until - throttle.clock()).total_seconds()))
        minutes = (seconds + 59) // 60
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        raise TooManyAttemptsError(f"There have been too many attempts to sign in from here. "
                                   f"Wait {wait} and try again.")
    try:
        found = check()
    except AuthError:
        throttle.failed(login, **place)
        raise
    throttle.succeeded(login, **place)
    return found


def session_store() -> SessionStore:
    return current_app.extensions["passport_sessions"]


def begin_session(subject: str) -> None:
    """A fresh session for ``subject`` (no fixation: nothing of the old one is kept)."""
    session.clear()
    session[SESSION_KEY] = session_store().start(str(subject))
    session.permanent = False


def session_subject() -> str | None:
    """Whose session the request carries, or None (and the cookie is emptied) when the server
    has ended it or never knew it."""
    if SESSION_KEY not in session:
        return None
    subject = session_store().subject(session.get(SESSION_KEY))
    if subject is None:  # ended elsewhere: forget everything it carried but messages
        _clear_keeping_messages()
    return subject


def _clear_keeping_messages() -> None:
    messages = session.get("_flashes")
    session.clear()
    if messages:
        session["_flashes"] = messages


def end_session() -> None:
    session_store().end(session.get(SESSION_KEY))
    session.clear()


def end_every_session(subject: str) -> int:
    """Sign out on every device, this one included."""
    ended = session_store().end_all(str(subject))
    _clear_keeping_messages()
    return ended


# --- known devices ---------------------------------------------------------------------------
def _device_cookie_name() -> str:
    return current_app.config.get("SESSION_COOKIE_NAME", "session") + "_device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="passport-known-device")


def _login_digest(login: str) -> str:
    return hashlib.sha256(login.strip().lower().encode("utf-8")).hexdigest()[:32]


def known_device(login: str) -> str | None:
    """The id of this browser when it has signed in to ``login`` before, else None."""
    cookie = request.cookies.get(_device_cookie_name())
    if not cookie or len(cookie) > 400:
        return None
    try:
        value = _serializer().loads(cookie, max_age=DEVICE_COOKIE_AGE)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("login") != _login_digest(login):
        return None
    device = value.get("device")
    return device if isinstance(device, str) and len(device) <= 64 else None


def remember_device(response, login: str):
    """Mark this browser as known for ``login`` (after a correct password)."""
    device = known_device(login) or secrets.token_urlsafe(16)
    value = _serializer().dumps({"device": device, "login": _login_digest(login)})
    response.set_cookie(_device_cookie_name(), value, max_age=DEVICE_COOKIE_AGE,
                        httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]
