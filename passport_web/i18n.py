"""English and Welsh pages (Flask-Babel): the language each request is shown in, the switch.

The language is the one the person chose with the header's "Cymraeg / English" link (kept in
the ``lang`` cookie, as GOV.UK services do), else the best match for ``Accept-Language``, else
English. One gettext catalogue (``passport_web/translations``) serves the wallet and the
verifier; the issuer stays English-only. The ``.po`` file is the source: its ``.mo`` is compiled
when a service starts if missing or older (so a fresh checkout, CI and an installed package
all work without a build step). See docs/welsh.md.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, redirect, request
from flask_babel import Babel, format_date, get_locale, gettext, ngettext
from markupsafe import Markup, escape

from schemas.welsh import welsh_title

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGES = ("en", "cy")
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


def N_(message: str) -> str:  # noqa: N802 - gettext's marker: extracted now, translated on show
    return message


def compile_catalogues(source: Path = TRANSLATIONS) -> Path:
    """Compile every ``.po`` whose ``.mo`` is missing or older; returns the directory that holds
    the compiled files (a temporary copy when the package directory is read-only)."""
    target = source
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        try:
            with mo.open("wb") as handle:
                write_mo(handle, catalogue)
        except OSError:  # installed read-only: compile into a private directory instead
            target = Path(tempfile.mkdtemp(prefix="passport-i18n-"))
            return _compile_all(source, target)
    return target


def _compile_all(source: Path, target: Path) -> Path:
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parent.parent.name)
        with mo.open("wb") as handle:
            write_mo(handle, catalogue)
    return target


def chosen_language() -> str:
    if not current_app.config.get("PASSPORT_WELSH"):
        return "en"
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def html_lang() -> str:
    """The ``<html lang>`` value: en-GB or cy."""
    return "cy" if str(get_locale()) == "cy" else "en-GB"


def welsh() -> bool:
    return str(get_locale()) == "cy"


def format_day(value) -> str:
    """A date as people write it: 7 December 2026 / 7 Rhagfyr 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "d MMMM y")


def format_when(value) -> str:
    """A moment: 7 December 2026 at 14:05."""
    if not value:
        return ""
    return gettext("%(day)s at %(time)s", day=format_day(value), time=value.strftime("%H:%M"))


def due_in(days_left: int) -> str:
    """When something runs out, in words (as passport_web.reminders.when_text, translated)."""
    if days_left <= 0:
        return gettext("today")
    if days_left == 1:
        return gettext("tomorrow")
    return ngettext("in %(num)d day", "in %(num)d days", days_left)


def course_name(english: str) -> str:
    """A catalogue course or topic title in the page's language (others stay as given)."""
    if english and welsh():
        return welsh_title(english) or english
    return english


def english_date_in_language(text: str) -> str:
    """'3 March 2025' (as the engine writes dates) in the page's language; else unchanged."""
    try:
        return format_day(datetime.strptime(text, "%d %B %Y").date()) if welsh() else text
    except (TypeError, ValueError):
        return text


def english(text: str) -> Markup:
    """English left on a Welsh page, marked so screen readers pronounce it (WCAG 3.1.2)."""
    return Markup('<span lang="en">%s</span>') % text if welsh() else escape(text)


def translate(text) -> str:
    """The catalogue's translation of a fixed English text; anything else unchanged."""
    return gettext(text) if isinstance(text, str) and text else text


# In Welsh: what each verdict means, in place of the engine's English detail.
EXPLAINED = {
    "valid": N_("The certificate is genuine and the training is in date."),
    "due-soon": N_("The certificate is genuine, but the training needs refreshing soon."),
    "expired": N_("The certificate is genuine, but the training is out of date."),
    "not-yet-valid": N_("The certificate is genuine, but it does not start until a later "
                        "date."),
    "suspended": N_("The provider has suspended this certificate. Do not rely on it for now."),
    "revoked": N_("The provider has withdrawn this certificate. Do not rely on it."),
    "forged": N_("This certificate was changed after it was made, or not made by the provider "
                 "named on it. Do not rely on it."),
    "malformed": N_("This is not a training certificate that can be read."),
    "unknown-provider": N_("The signature is genuine, but this provider is not on your list "
                           "of recognised providers."),
    "status-unknown": N_("The certificate is genuine, but we could not check whether the "
                         "provider has withdrawn it. Try again later."),
}

def verdict_message(verdict) -> Markup:
    """A verdict's detail: the engine's English, or in Welsh an explanation of the verdict with
    the English detail marked ``lang="en"`` (a dict from the verifier, a Verdict in the wallet)."""
    get = verdict.get if isinstance(verdict, dict) else lambda name, default=None: getattr(
        verdict, name, default)
    message = get("message") or ""
    if not welsh():
        return escape(message)
    explained = EXPLAINED.get(get("state", ""))
    if explained is None:
        return english(message)
    return Markup("%s <span class=\"govuk-body-s\">%s %s</span>") % (
        gettext(explained), gettext("Details in English:"), english(message))


def course_description(english_title: str, english: str) -> str:
    """A catalogue course's description in the page's language."""
    if welsh():
        from schemas.welsh import welsh_description

        return welsh_description(english_title) or english
    return english


def _safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host, no ``//``): the switch is no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value[:2000]


def init_i18n(app: Flask, *, welsh: bool) -> None:
    """Set up Flask-Babel; with ``welsh`` the pages offer Welsh and the ``/language`` switch."""
    app.config["PASSPORT_WELSH"] = welsh
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compile_catalogues())
    Babel(app, locale_selector=chosen_language)
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["course"] = course_name
    app.jinja_env.filters["when"] = format_when
    # Jinja's own _() marks its result safe (meant for literals in templates); text that comes
    # from code or data goes through tr(), a plain gettext whose result is still escaped.
    app.jinja_env.globals["tr"] = translate
    app.jinja_env.globals["english"] = english
    app.jinja_env.globals["due_in"] = due_in
    app.jinja_env.globals["verdict_message"] = verdict_message
    app.jinja_env.globals["course_description"] = course_description

    @app.context_processor
    def language_values() -> dict:
        if not welsh:
            return {"html_lang": "en-GB", "language_switch": None, "script_words": None}
        current = str(get_locale())
        other = "en" if current == "cy" else "cy"
        here = request.full_path.rstrip("?") if request.method == "GET" else request.path
        words = {text: gettext(text) for text in SCRIPT_WORDS} if current == "cy" else None
        return {"html_lang": html_lang(), "script_words": words, "language_switch": {
            "lang": other, "label": "English" if other == "en" else "Cymraeg",
            "href": f"/language?lang={other}&next={_quote(here)}"}}

    if not welsh:
        return

    @app.get("/language")
    def switch_language():
        lang = request.args.get("lang", "")
        response = redirect(_safe_next(request.args.get("next")), 303)
        if lang in LANGUAGES:
            response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="Lax",
                                secure=request.is_secure, httponly=True)
        return response

    @app.after_request
    def vary_by_language(response):
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


# What the pages' JavaScript says (passportWord() in each script looks them up in the page).
SCRIPT_WORDS = (
    N_('Found a QR code, checking it…'),
    N_('Starting the camera…'),
    N_('Camera on. Hold the QR code in front of it, about 10 to 15 cm away.'),
    N_("The camera could not be used because permission was not given. You can upload a photo "
       "of the QR code instead."),
    N_('No camera was found. You can upload a photo of the QR code instead.'),
    N_('The camera could not be started. You can upload a photo of the QR code instead.'),
    N_('Camera stopped.'),
    N_('The answer has arrived. Opening the result.'),
    N_("Waiting for the worker's wallet to answer. This page will show the result by itself."),
    N_('Something went wrong. Try again, or sign in with your password.'),
    N_('The passkey was not used. This happens if you cancel, or wait too long. Try again.'),
    N_('This phone or computer already has a passkey for your account.'),
    N_('Passkeys do not work on this web address. Sign in with your password.'),
    N_('The passkey request was stopped. Try again.'),
    N_('Hide password'),
    N_('Show password'),
    N_('Link copied'),
)
