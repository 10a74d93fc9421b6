"""Two machines behind a load balancer behave as one: two issuer instances and two verifier
instances, each a separate gunicorn process with its own instance folder, over one PostgreSQL
database, spoken to over real HTTP. Whatever one instance counts, hands out or records, the
other sees: rate limits, single-use OpenID4VCI codes, access tokens and nonces, revocations in
the published status lists, check codes and OpenID4VP requests.

Run it alone with: ``scripts/two-instances.sh`` (or
``TEST_DATABASE_URL=postgresql://… .venv/bin/python -m pytest tests/e2e/test_two_instances.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from passport_vc.keys.storage import generate_master_key
from tests.conftest import TEST_DATABASE_URL, _postgres_schema_url
from tests.support.live import free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
API_LIMIT = 12  # requests per API token per window, on both instances together
OID4VCI_LIMIT = 20  # /token + /credential requests per client address per window
HOUR = "3600"  # a long window, so no window boundary falls inside the test


class Pair:
    """Two instances of one service: ``a`` and ``b`` are their base URLs."""

    def __init__(self, a: str, b: str) -> None:
        self.a, self.b = a, b

    def each(self):
        return (self.a, self.b)


def _start(service: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", f"{service}:create_app()"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(base + "/healthz", timeout=20).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting up
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(f"{base} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Provider, API tokens and a few credentials made through the issuer service on the shared
    database (as `passport issuer …` would), then 2 issuers + 2 verifiers started on it."""
    from issuer.config import IssuerConfig
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_vc.trust import TrustEntry, TrustList
    from passport_web.sql import Database

    tmp = tmp_path_factory.mktemp("two-instances")
    issuer_url, drop_issuer = _postgres_schema_url(TEST_DATABASE_URL)
    verifier_url, drop_verifier = _postgres_schema_url(TEST_DATABASE_URL)
    ports = [free_port() for _ in range(4)]
    issuer_public = f"http://localhost:{ports[0]}"  # the load balancer's address
    verifier_public = f"http://localhost:{ports[2]}"
    common = {"PATH": os.environ.get("PATH", ""), "SECRET_KEY": "k" * 64,
              "PASSPORT_HTTP_HOSTS": f"localhost:{ports[0]},localhost:{ports[2]}"}
    issuer_env = {**common, "DATABASE_URL": issuer_url, "PUBLIC_URL": issuer_public,
                  "PASSPORT_MASTER_KEY": generate_master_key(),
                  "ISSUER_API_RATE_LIMIT": str(API_LIMIT),
                  "ISSUER_OID4VCI_RATE_LIMIT": str(OID4VCI_LIMIT),
                  "ISSUER_RATE_LIMIT_WINDOW_SECONDS": HOUR,
                  "PASSPORT_DID_DOCUMENTS_OUT": str(tmp / "did-documents-setup")}
    verifier_env = {**common, "DATABASE_URL": verifier_url, "PUBLIC_URL": verifier_public}

    config = IssuerConfig.from_env({**issuer_env, "ISSUER_INSTANCE": str(tmp / "setup")})
    database = Database(config.database_url, metadata)
    database.upgrade("issuer")
    service = IssuerService(database, config)
    service.providers.create_provider("Acme Care Training", "acme")
    tokens = {name: service.access.create_api_token("acme", name)[1]
              for name in ("limits", "work")}
    records = [service.issuance.issue("acme", "fire-safety", subject_name=f"Worker {n}",
                                      completed=date(2026, 1, 2)) for n in range(6)]

    # the employer's verifier recognises this provider (the same file on both machines)
    trust = TrustList("Providers this employer recognises")
    trust.add(TrustEntry(service.providers.provider("acme").did, "Acme Care Training",
                         ("skills-for-care-endorsed",), datetime(2020, 1, 1, tzinfo=UTC)))
    (tmp / "trust.json").write_text(json.dumps(trust.to_json()), encoding="utf-8")
    verifier_env["VERIFIER_TRUST_LIST"] = str(tmp / "trust.json")

    processes = []
    try:
        for number, (service_name, env) in enumerate(
                [("issuer", issuer_env), ("issuer", issuer_env),
                 ("verifier", verifier_env), ("verifier", verifier_env)]):
            folder = tmp / f"{service_name}-{number}"  # each machine its own folder
            instance = {f"{service_name.upper()}_INSTANCE": str(folder),
                        "PASSPORT_DID_DOCUMENTS_OUT": str(folder / "did-documents")}
            log = tmp / f"{service_name}-{number}.log"
            processes.append((_start(service_name, ports[number], {**env, **instance}, log),
                              f"http://127.0.0.1:{ports[number]}", log))
        for process, base, log in processes:
            _wait(base, process, log)
        yield {"issuer": Pair(processes[0][1], processes[1][1]),
               "verifier": Pair(processes[2][1], processes[3][1]),
               "issuer_public": issuer_public, "verifier_public": verifier_public,
               "tokens": tokens, "records": records, "service": service}
    finally:
        for process, _base, _log in processes:
            process.terminate()
        for process, _base, _log in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        database.dispose()
        drop_issuer()
        drop_verifier()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- issuer ---------------------------------------------------------------------------------
def test_the_api_rate_limit_counts_requests_on_both_instances(world):
    issuer, token = world["issuer"], world["tokens"]["limits"]
    answers = [requests.get(base + "/api/v1/credentials?limit=1", headers=_bearer(token),
                            timeout=10).status_code
               for _ in range(API_LIMIT // 2 + 1) for base in issuer.each()]
    # alternating A, B, A, B …: the limit holds for the two together, not for each
    assert answers[:API_LIMIT] == [200] * API_LIMIT
    assert set(answers[API_LIMIT:]) == {429}
    refused = requests.get(issuer.a + "/api/v1/credentials", headers=_bearer(token), timeout=10)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["Content-Type"].startswith("application/problem+json")


def test_pre_authorized_codes_tokens_and_nonces_are_used_once_across_instances(world):
    from passport_vc.did import did_key_from_public_key, verification_method_for
    from passport_vc.keys import PrivateKey
    from passport_vc.oid4vci import PRE_AUTHORIZED_GRANT, make_proof_jwt

    issuer, record = world["issuer"], world["records"][0]
    offer = world["service"].delivery.create_offer(record.id)
    grant = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    first = requests.post(issuer.a + "/token", data=grant, timeout=10)
    assert first.status_code == 200, first.text
    replay = requests.post(issuer.b + "/token", data=grant, timeout=10)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    key = PrivateKey.generate("Ed25519")
    kid = verification_method_for(did_key_from_public_key(key.public_key))
    nonce = requests.post(issuer.a + "/nonce", timeout=10).json()["c_nonce"]
    body = {"credential_configuration_id": "CareTrainingCredential_ldp_vc",
            "proofs": {"jwt": [make_proof_jwt(key, kid=kid, audience=world["issuer_public"],
                                              nonce=nonce)]}}
    token = _bearer(first.json()["access_token"])
    got = requests.post(issuer.b + "/credential", json=body, headers=token, timeout=30)
    assert got.status_code == 200, got.text
    assert got.json()["credentials"][0]["credential"]["credentialSubject"]["id"] == kid.split(
        "#")[0]
    # the access token was spent on B: A refuses it
    again = requests.post(issuer.a + "/credential", json=body, headers=token, timeout=30)
    assert again.status_code == 401 and again.json()["error"] == "invalid_token"

    # a nonce taken from B and spent on B cannot be spent again on A (second offer)
    second = world["service"].delivery.create_offer(world["records"][1].id)
    token_2 = requests.post(issuer.b + "/token", timeout=10, data={
        "grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": second.pre_authorized_code})
    assert token_2.status_code == 200
    nonce_2 = requests.post(issuer.b + "/nonce", timeout=10).json()["c_nonce"]
    proof_2 = make_proof_jwt(key, kid=kid, audience=world["issuer_public"], nonce=nonce_2)
    body_2 = {"credential_configuration_id": "CareTrainingCredential_ldp_vc",
              "proofs": {"jwt": [proof_2]}}
    assert requests.post(issuer.b + "/credential", json=body_2, timeout=30,
                         headers=_bearer(token_2.json()["access_token"])).status_code == 200
    third = world["service"].delivery.create_offer(world["records"][2].id)
    token_3 = requests.post(issuer.a + "/token", timeout=10, data={
        "grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": third.pre_authorized_code})
    reused = requests.post(issuer.a + "/credential", json=body_2, timeout=30,
                           headers=_bearer(token_3.json()["access_token"]))
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_nonce"


def test_the_oid4vci_rate_limit_counts_on_both_instances(world):
    issuer = world["issuer"]
    bad = {"grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
           "pre-authorized_code": "not-a-code"}
    answers = [requests.post(base + "/token", data=bad, timeout=10).status_code
               for _ in range(OID4VCI_LIMIT) for base in issuer.each()]
    # an earlier test may have spent some of the window's requests; the rest are shared A + B
    assert 400 in answers and answers[-1] == 429
    first_refusal = answers.index(429)
    assert set(answers[first_refusal:]) == {429}
    # one window for both: refused by the LIMIT-th request at the latest (counted per
    # instance, A and B would each take LIMIT, and nothing would be refused before the end)
    assert first_refusal <= OID4VCI_LIMIT


def test_a_revocation_on_one_instance_is_published_by_both(world):
    from passport_vc.status import decode_list, get_status

    issuer, record = world["issuer"], world["records"][5]
    list_no, index = record.lifecycle
    path = f"/status/acme/message/{list_no}"
    before = {base: requests.get(base + path, timeout=30) for base in issuer.each()}
    assert before[issuer.a].headers["ETag"] == before[issuer.b].headers["ETag"]
    assert before[issuer.a].headers["Cache-Control"].startswith("public, max-age=")

    revoked = requests.post(issuer.b + "/api/v1/revocations", headers=_bearer(
        world["tokens"]["work"]), json={"ids": [record.id], "reason": "Issued in error"},
        timeout=30)
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}

    after = {base: requests.get(base + path, timeout=30) for base in issuer.each()}
    for response in after.values():
        bits = decode_list(response.json()["credentialSubject"]["encodedList"])
        assert get_status(bits, index, 2) == 2  # revoked, whichever machine answers
    assert after[issuer.a].headers["ETag"] == after[issuer.b].headers["ETag"]
    assert after[issuer.a].headers["ETag"] != before[issuer.a].headers["ETag"]
    # a CDN revalidating with the new ETag gets 304 from either; with the old one, the new list
    for base in issuer.each():
        fresh = requests.get(base + path, timeout=30,
                             headers={"If-None-Match": after[base].headers["ETag"]})
        assert fresh.status_code == 304
        stale = requests.get(base + path, timeout=30,
                             headers={"If-None-Match": before[base].headers["ETag"]})
        assert stale.status_code == 200
    # and the register entry, read through the other instance, says so too
    entry = requests.get(issuer.a + f"/api/v1/credentials/{record.id}",
                         headers=_bearer(world["tokens"]["work"]), timeout=10)
    assert entry.json()["state"] == "revoked"


# --- verifier -------------------------------------------------------------------------------
def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _presentation(world, challenge: str, domain: str) -> dict:
    from passport_vc.did import did_key_from_public_key, verification_method_for
    from passport_vc.issue import IssuerKey, build_presentation, sign_presentation
    from passport_vc.keys import PrivateKey

    key = PrivateKey.generate("Ed25519")
    did = did_key_from_public_key(key.public_key)
    holder = IssuerKey(key, verification_method_for(did))
    unsigned = build_presentation([world["records"][4].document], did)
    return sign_presentation(unsigned, holder, challenge=challenge, domain=domain)


def test_a_check_code_asked_on_one_verifier_is_honoured_by_the_other(world):
    verifier, browser = world["verifier"], requests.Session()
    page = browser.get(verifier.a + "/request", timeout=10).text
    browser.post(verifier.a + "/request", data={"csrf_token": _csrf(page)}, timeout=10)
    shown = browser.get(verifier.b + "/request", timeout=10).text  # the other machine
    code = re.search(r'id="check-code">([A-Z0-9-]+)<', shown).group(1)
    domain = urlsplit(world["verifier_public"]).netloc

    form = browser.get(verifier.b + "/", timeout=10).text
    made_for_it = browser.post(verifier.b + "/check", timeout=60, data={
        "csrf_token": _csrf(form), "form": "payload",
        "payload": json.dumps(_presentation(world, code, domain))}).text
    assert "Result: Valid" in made_for_it, re.findall(r"<title>(.*?)</title>", made_for_it)
    not_for_it = browser.post(verifier.a + "/check", timeout=60, data={
        "csrf_token": _csrf(form), "form": "payload",
        "payload": json.dumps(_presentation(world, "ABCD-EFGH", domain))}).text
    assert "Result: Valid" not in not_for_it


def test_an_openid4vp_request_started_on_one_verifier_is_answered_on_the_other(world):
    verifier, employer = world["verifier"], requests.Session()
    page = employer.get(verifier.a + "/oid4vp", timeout=10).text
    asked = employer.post(verifier.a + "/oid4vp", data={"csrf_token": _csrf(page)}, timeout=10,
                          allow_redirects=False)
    assert asked.status_code == 303
    state = asked.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    # the worker's wallet reaches machine B for the request object and the answer
    request_object = requests.get(verifier.b + f"/oid4vp/request/{state}", timeout=10).json()
    presentation = _presentation(world, request_object["nonce"], request_object["client_id"])
    answer = {"state": state, "vp_token": json.dumps({"training": [presentation]})}
    answered = requests.post(verifier.b + "/oid4vp/response", data=answer, timeout=60)
    assert answered.status_code == 200, answered.text
    assert "redirect_uri" in answered.json()
    # the same answer replayed to machine A is refused: the state was used once
    replayed = requests.post(verifier.a + "/oid4vp/response", data=answer, timeout=60)
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_request"
    # the employer's page, polling machine A, sees the answer B received
    status = employer.get(verifier.a + f"/oid4vp/status/{state}", timeout=10).json()
    assert status["answered"] is True
    result = employer.get(verifier.b + status["result_url"], timeout=10).text
    assert "Valid" in result
