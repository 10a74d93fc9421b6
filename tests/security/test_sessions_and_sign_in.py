"""Stolen sessions, lock-outs and redirects get nowhere, in all three services, on SQLite and
PostgreSQL, and with two instances of a service on one database (as behind a load balancer).

Each service is built the way it runs (create_app over a real database); a "stolen" cookie is
the signed session cookie copied out of one browser into another.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from passport_web.signin import safe_next

PASSWORD = "correct horse battery"
EVIL = "https://evil.example/"


# --- one safe-next function ----------------------------------------------------------------
@pytest.mark.parametrize("target", [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/%0a/evil.example",
    "/\r/evil.example", "/%0d/evil.example", "/%2F/evil.example", "/%2f%2fevil.example",
    "/%5Cevil.example", "/%5c%5cevil.example", "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example", "https://evil.example", "http:evil.example",
    "javascript:alert(1)", "evil.example", " /dashboard", "/ /evil", "/\x00",
    "/" + "a" * 5000, "", None, 42, ["/dashboard"],
])
def test_known_open_redirect_bypasses_go_home(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/dashboard", "/records/abc?tab=history",
                                    "/staff/12#matrix", "/training/x%20y", "/"])
def test_local_paths_are_kept(target):
    assert safe_next(target, "/home") == target


# --- the three services, each with a way to sign in ------------------------------------------
@dataclass
class Service:
    name: str
    cookie: str
    make: object  # () -> Flask app over the shared database
    sign_in_form: dict
    private_page: str
    sign_out: str
    everywhere: str

    def sign_in(self, client, **extra):
        return client.post("/sign-in", data={**self.sign_in_form, **extra},
                           environ_base=extra.pop("environ", None) or {})

    def signed_in(self, client) -> bool:
        response = client.get(self.private_page)
        return response.status_code == 200


def _issuer(database_url: str, tmp_path: Path, secret: str) -> Service:
    from issuer import create_app
    from issuer.config import IssuerConfig

    config = IssuerConfig.for_tests(database_url, tmp_path, secret_key=secret,
                                    master_key=_master(tmp_path))
    first = create_app(config)
    service = first.extensions["issuer"]
    if not service.providers.list_providers():
        service.providers.create_provider("Acme Care Training", "acme")
        service.access.create_user("acme", "ann@acme.example", PASSWORD)
    return Service("issuer", "issuer_session", lambda: create_app(config),
                   {"email": "ann@acme.example", "password": PASSWORD}, "/dashboard",
                   "/sign-out", "/sign-out-everywhere")


def _wallet(database_url: str, tmp_path: Path, secret: str) -> Service:
    from wallet import create_app
    from wallet.config import WalletConfig

    config = WalletConfig.for_tests(database_url, secret_key=secret,
                                    master_key=_master(tmp_path))
    first = create_app(config)
    service = first.extensions["wallet"]
    try:
        service.create_account("amina", PASSWORD, "Amina Okafor")
    except Exception:  # noqa: BLE001 - made by an earlier instance on this database
        pass
    return Service("wallet", "wallet_session", lambda: create_app(config),
                   {"login": "amina", "password": PASSWORD}, "/account", "/sign-out",
                   "/sign-out-everywhere")


def _verifier(database_url: str, tmp_path: Path, secret: str) -> Service:
    from verifier import accounts, create_app
    from verifier.config import VerifierConfig

    config = VerifierConfig.for_tests(database_url, secret_key=secret,
                                      instance_dir=tmp_path / "verifier")
    first = create_app(config)
    state = first.extensions["verifier"]
    accounts.add_user(state.db, organisation="Sunny Care", email="manager@sunny.example",
                      name="Sam Patel", role="manager", password=PASSWORD, clock=config.clock)
    return Service("verifier", "verifier_session", lambda: create_app(config),
                   {"email": "manager@sunny.example", "password": PASSWORD}, "/staff",
                   "/sign-out", "/sign-out-everywhere")


def _master(tmp_path: Path) -> str:
    path = tmp_path / "master.key"
    if not path.exists():
        from passport_vc.keys.storage import generate_master_key

        path.write_text(generate_master_key())
    return path.read_text()


MAKERS = {"issuer": _issuer, "wallet": _wallet, "verifier": _verifier}


@pytest.fixture(params=sorted(MAKERS))
def service(request, database_url, tmp_path):
    return MAKERS[request.param](database_url, tmp_path, secrets.token_hex(16))


def _client(app):
    client = app.test_client()
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client


def _copy_cookie(service: Service, source, target) -> None:
    target.set_cookie(service.cookie, source.get_cookie(service.cookie).value)


def test_a_cookie_copied_before_sign_out_opens_nothing_after(service):
    app = service.make()
    browser = _client(app)
    assert service.sign_in(browser).status_code in (302, 303)
    thief = _client(app)
    _copy_cookie(service, browser, thief)
    assert service.signed_in(thief)  # the copy works while the session lasts
    browser.post(service.sign_out)
    assert not service.signed_in(browser)
    assert not service.signed_in(thief)


def test_sign_out_on_one_instance_ends_the_session_on_another(service):
    """Two instances over one database (two machines behind a load balancer)."""
    first, second = service.make(), service.make()
    browser = _client(first)
    assert service.sign_in(browser).status_code in (302, 303)
    other_machine = _client(second)
    _copy_cookie(service, browser, other_machine)
    assert service.signed_in(other_machine)
    other_machine.post(service.sign_out)
    assert not service.signed_in(browser)


def test_sign_out_everywhere_ends_every_device(service):
    app = service.make()
    laptop, phone = _client(app), _client(app)
    service.sign_in(laptop)
    service.sign_in(phone)
    assert service.signed_in(laptop) and service.signed_in(phone)
    response = phone.post(service.everywhere)
    assert response.status_code in (302, 303)
    assert not service.signed_in(laptop) and not service.signed_in(phone)
    service.sign_in(laptop)
    assert service.signed_in(laptop)  # signing in again works as usual


def test_guessing_from_elsewhere_never_locks_the_owner_out(service):
    first, second = service.make(), service.make()
    owner = _client(first)
    assert service.sign_in(owner).status_code in (302, 303)  # a known device from now on
    owner.post(service.sign_out)
    wrong = {key: ("wrong password" if key == "password" else value)
             for key, value in service.sign_in_form.items()}
    # The attacker spreads guesses over both instances: the count is in the shared database.
    for number in range(8):
        attacker = _client(first if number % 2 else second)
        attacker.post("/sign-in", data=wrong, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    refused = _client(second).post("/sign-in", data=service.sign_in_form,
                                   environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert refused.status_code == 429
    assert "too many attempts" in refused.get_data(as_text=True).lower()
    # The owner's own browser (same address even) still gets in with the right password.
    again = owner.post("/sign-in", data=service.sign_in_form,
                       environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert again.status_code in (302, 303)


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example",
                                    EVIL, "/%2F%2Fevil.example"])
def test_sign_in_never_sends_anyone_to_another_site(service, target):
    browser = _client(service.make())
    response = browser.post(f"/sign-in?next={target}",
                            data={**service.sign_in_form, "next": target})
    assert response.status_code in (302, 303)
    location = response.headers["Location"]
    assert "evil.example" not in location
    assert location.startswith("/") and not location.startswith("//")


def test_session_cookies_are_same_site_and_http_only(service):
    browser = _client(service.make())
    response = service.sign_in(browser)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(text for text in cookies if text.startswith(service.cookie + "="))
    assert "SameSite=Lax" in session_cookie and "HttpOnly" in session_cookie


def test_cookies_are_secure_when_the_service_is_public_over_https(tmp_path, sqlite_url):
    from issuer import create_app
    from issuer.config import IssuerConfig

    config = IssuerConfig.for_tests(sqlite_url, tmp_path, public_url="https://issuer.example")
    app = create_app(config)
    service = app.extensions["issuer"]
    service.providers.create_provider("Acme Care Training", "acme")
    service.access.create_user("acme", "ann@acme.example", PASSWORD)
    response = _client(app).post("/sign-in", data={"email": "ann@acme.example",
                                                   "password": PASSWORD},
                                 base_url="https://issuer.example")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in text and "SameSite=Lax" in text for text in cookies)


# --- ids bigger than a database column ------------------------------------------------------
HUGE = "9" * 25


def test_huge_ids_are_not_found_in_the_issuer(database_url, tmp_path):
    service = _issuer(database_url, tmp_path, secrets.token_hex(16))
    browser = _client(service.make())
    service.sign_in(browser)
    assert browser.get(f"/import/{HUGE}/errors.csv").status_code == 404
    assert browser.get(f"/import/{HUGE}").status_code == 404
    assert browser.post(f"/api-tokens/{HUGE}/revoke").status_code == 404
    assert browser.get(f"/status/acme/revocation/{HUGE}").status_code == 404


def test_huge_ids_are_not_found_in_the_verifier(database_url, tmp_path):
    service = _verifier(database_url, tmp_path, secrets.token_hex(16))
    browser = _client(service.make())
    service.sign_in(browser)
    assert browser.get(f"/staff/{HUGE}").status_code == 404
    response = browser.post("/records/abc/delete", data={"staff_id": HUGE})
    assert response.status_code in (303, 404)
    assert browser.post("/records/abc/delete", data={"staff_id": "²"}).status_code != 500
