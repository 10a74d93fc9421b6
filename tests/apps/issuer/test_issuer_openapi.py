"""The issuer's OpenAPI 3.1 document (issuer/openapi.json) is served and stays true: every JSON
route is documented and every documented operation is routed; real responses from every
operation match the documented status codes, media types and schemas; and a bounded
schemathesis run against a live loopback server finds no 500 and no response that breaks the
document."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from urllib.parse import urlsplit

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from passport_vc.oid4vci import PRE_AUTHORIZED_GRANT, make_proof_jwt
from passport_web.openapi import load_openapi
from tests.support.openapi import (
    ResponseChecker,
    examples_of,
    operations,
    route_coverage,
    schemathesis_settings,
)

ISSUER = "http://localhost:5001"
ISSUE = {"course": "fire-safety", "subject_name": "Sam Taylor", "completed": "2026-01-02",
         "hours": 3}


@pytest.fixture(scope="module")
def document():
    return load_openapi("issuer")


@pytest.fixture(scope="module")
def checker(document):
    return ResponseChecker(document)


@pytest.fixture
def conformance_app(database_url, tmp_path, clock):
    from issuer import create_app
    from issuer.config import IssuerConfig

    application = create_app(IssuerConfig.for_tests(database_url, tmp_path, clock=clock,
                                                    conformance=True))
    yield application
    application.extensions["issuer"].db.dispose()


def _is_page(endpoint: str) -> bool:
    return endpoint.startswith("pages.")


# --- the document itself ----------------------------------------------------------------------
def test_document_is_served_as_json_under_the_csp(client, document):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == document
    assert document["openapi"].startswith("3.1.")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    again = client.get("/openapi.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_json_route_is_documented_and_every_operation_is_routed(app, document):
    coverage = route_coverage(app, document, _is_page)
    assert coverage.undocumented == set()
    assert coverage.unrouted == set()


def test_a_route_missing_from_the_document_is_noticed(app, document):
    trimmed = {**document, "paths": {path: item for path, item in document["paths"].items()
                                     if path != "/nonce"}}
    assert route_coverage(app, trimmed, _is_page).undocumented == {("POST", "public.nonce")}


def test_operations_are_named_and_errors_are_problem_json(document):
    names = [operation["operationId"] for _m, _p, operation in operations(document)]
    assert len(names) == len(set(names))
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            # OAuth endpoints answer RFC 6749 errors; a failing health check is a health report
            if not status.startswith(("4", "5")) or path in ("/token", "/credential", "/healthz"):
                continue
            content = response["content"]
            assert "application/problem+json" in content, (method, path, status)
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"}


def test_request_examples_match_their_schemas(checker, document):
    found = examples_of(document)
    assert found
    for method, path, media_type, example in found:
        assert checker.request_schema_errors(method, path, example, media_type) == [], path


def test_the_checker_catches_drift(checker):
    good = {"status": "pass", "service": "Issue training records"}
    assert checker.check("GET", "/healthz", 200, "application/json", good) == []
    assert checker.check("GET", "/healthz", 200, "application/json", {"status": "ok"})
    assert checker.check("GET", "/healthz", 201, "application/json", good)
    assert checker.check("GET", "/healthz", 200, "text/html", "<p>")
    problem = {"type": "about:blank", "title": "Not found", "status": 404}
    assert checker.check("GET", "/api/v1/credentials/{record_id}", 404,
                         "application/problem+json", problem)  # no detail


# --- real responses ---------------------------------------------------------------------------
class Recorder:
    """Calls the app through the test client and checks every response against the document."""

    def __init__(self, client, checker: ResponseChecker) -> None:
        self.client, self.checker = client, checker
        self.problems: list[str] = []
        self.seen: set[tuple[str, str, int]] = set()

    def __call__(self, method: str, template: str, path: str | None = None, **kwargs):
        response = self.client.open(path or template, method=method, **kwargs)
        self.seen.add((method, template, response.status_code))
        self.problems += self.checker.check_flask(method, template, response)
        return response


def _proof(holder, clock, nonce: str) -> str:
    key, _did, vm = holder
    return make_proof_jwt(key, kid=vm, audience=ISSUER, nonce=nonce, clock=clock)


def test_real_responses_match_the_document(conformance_app, checker, document, holder, clock):
    service = conformance_app.extensions["issuer"]
    service.providers.create_provider("Acme Care Training", "acme")
    service.providers.create_provider("Own Host Training", "own-host", host="localhost")
    service.providers.create_provider("Path Host Training", "path-host", host="localhost/people")
    token = service.access.create_api_token("acme", "Learning system")[1]
    auth = {"Authorization": f"Bearer {token}"}
    call = Recorder(conformance_app.test_client(), checker)

    call("GET", "/healthz")
    call("GET", "/openapi.json")
    assert call("GET", "/providers/{slug}/did.json", "/providers/acme/did.json").status_code == 200
    call("GET", "/providers/{slug}/did.json", "/providers/nobody/did.json",
         headers={"Accept": "application/json"})
    call("GET", "/providers/{slug}/did.json", "/providers/nobody/did.json")
    assert call("GET", "/.well-known/did.json").status_code == 200
    assert call("GET", "/{path}/did.json", "/people/did.json").status_code == 200
    call("GET", "/{path}/did.json", "/nobody/did.json")
    metadata = call("GET", "/.well-known/jwt-vc-issuer/providers/{slug}",
                    "/.well-known/jwt-vc-issuer/providers/acme")
    assert metadata.status_code == 200 and metadata.get_json()["issuer"].endswith(
        "/providers/acme")
    call("GET", "/.well-known/jwt-vc-issuer/providers/{slug}",
         "/.well-known/jwt-vc-issuer/providers/nobody", headers={"Accept": "application/json"})

    made = call("POST", "/api/v1/credentials", json=ISSUE, headers=auth)
    assert made.status_code == 201
    record = made.json
    for bad in ({**ISSUE, "course": "no-such-course"}, {**ISSUE, "surprise": 1}):
        call("POST", "/api/v1/credentials", json=bad, headers=auth)
    call("POST", "/api/v1/credentials", json=ISSUE)
    call("GET", "/api/v1/credentials", "/api/v1/credentials?q=taylor&limit=5", headers=auth)
    call("GET", "/api/v1/credentials", "/api/v1/credentials?from=yesterday", headers=auth)
    one = "/api/v1/credentials/{record_id}"
    call("GET", one, f"/api/v1/credentials/{record['id']}", headers=auth)
    call("GET", one, "/api/v1/credentials/" + "0" * 32, headers=auth)

    offers = "/api/v1/credentials/{record_id}/offers"
    offer = call("POST", offers, f"/api/v1/credentials/{record['id']}/offers",
                 json={"tx_code": False}, headers=auth)
    assert offer.status_code == 201
    call("POST", offers, f"/api/v1/credentials/{record['id']}/offers", json={"tx_code": "yes"},
         headers=auth)
    offer_id = offer.json["offer_id"]
    served = call("GET", "/offers/{offer_id}", f"/offers/{offer_id}")
    call("GET", "/offers/{offer_id}", "/offers/unknown", headers={"Accept": "application/json"})
    call("GET", "/.well-known/openid-credential-issuer")
    call("GET", "/.well-known/oauth-authorization-server")
    code = served.json["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    call("POST", "/token", data={"grant_type": "password"})
    access = call("POST", "/token", data={"grant_type": PRE_AUTHORIZED_GRANT,
                                          "pre-authorized_code": code}).json["access_token"]
    call("GET", "/offers/{offer_id}", f"/offers/{offer_id}",
         headers={"Accept": "application/json"})  # collected: 410
    nonce = call("POST", "/nonce").json["c_nonce"]
    request = {"credential_configuration_id": "CareTrainingCredential_ldp_vc",
               "proofs": {"jwt": [_proof(holder, clock, nonce)]}}
    call("POST", "/credential", json=request)
    call("POST", "/credential", json={"format": "mso_mdoc"},
         headers={"Authorization": f"Bearer {access}"})
    issued = call("POST", "/credential", json=request,
                  headers={"Authorization": f"Bearer {access}"})
    assert issued.status_code == 200

    list_url = urlsplit(record["credential"]["credentialStatus"]["statusListCredential"])
    status = "/status/{slug}/{purpose}/{list_no}"
    listed = call("GET", status, list_url.path)
    call("GET", status, list_url.path, headers={"If-None-Match": listed.headers["ETag"]})
    call("GET", status, "/status/acme/revocation/99")

    for action, status_code in (("suspend", 200), ("reinstate", 200), ("reinstate", 409),
                                ("revoke", 200)):
        response = call("POST", f"/api/v1/credentials/{{record_id}}/{action}",
                        f"/api/v1/credentials/{record['id']}/{action}",
                        json={"reason": "Issued in error"}, headers=auth)
        assert response.status_code == status_code
    call("POST", "/api/v1/credentials/{record_id}/suspend",
         f"/api/v1/credentials/{record['id']}/suspend", headers=auth)  # no reason: 422
    call("POST", "/api/v1/credentials/{record_id}/revoke",
         f"/api/v1/credentials/{record['id']}/revoke", json={"reason": "Again"},
         headers=auth)  # 409
    call("POST", offers, f"/api/v1/credentials/{record['id']}/offers", headers=auth)  # 410
    batch = "/api/v1/revocations"
    more = [call("POST", "/api/v1/credentials", json=ISSUE, headers=auth).json["id"]
            for _ in range(2)]
    assert call("POST", batch, json={"ids": more, "reason": "Course withdrawn"},
                headers=auth).status_code == 200
    call("POST", batch, json={"ids": more, "reason": "Again"}, headers=auth)  # 409
    call("POST", batch, json={"ids": ["0" * 32], "reason": "r"}, headers=auth)  # 404
    call("POST", batch, json={"ids": "all", "reason": "r"}, headers=auth)  # 422
    call("POST", batch, json={"ids": more, "everything": True}, headers=auth)  # 400
    call("POST", batch, json={"ids": more, "reason": "r"})  # 401

    test_issuer = next(p.did for p in service.providers.list_providers() if p.did_method == "key")
    unsigned = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"], "issuer": test_issuer,
                "credentialSubject": {"id": "did:example:sam"}}
    signed = call("POST", "/credentials/issue", json={
        "credential": unsigned, "options": {"credentialStatus": {
            "type": "BitstringStatusListEntry", "statusPurpose": "revocation"}}})
    assert signed.status_code == 201
    call("POST", "/credentials/issue", json={"credential": "nope"})
    call("POST", "/credentials/issue", json={"credential": {**unsigned, "issuer": "did:x:y"}})
    credential_id = signed.json["verifiableCredential"]["id"]
    call("POST", "/credentials/status", json={"credentialId": credential_id,
                                              "credentialStatus": [{"status": "revoked"}]})
    call("POST", "/credentials/status", json={"credentialId": credential_id,
                                              "credentialStatus": [{"status": "suspended"}]})
    call("POST", "/credentials/status", json={"credentialId": "urn:uuid:none",
                                              "credentialStatus": [{"status": "revoked"}]})

    assert call.problems == []
    ok = {(method, path) for method, path, status in call.seen if status < 300}
    assert ok == {(method, path) for method, path, _op in operations(document)}
    documented = {(method, path, int(status)) for method, path, operation in
                  operations(document) for status in operation["responses"]}
    assert call.seen <= documented
    # every operation that documents an error answered at least one of them for real
    for method, path, operation in operations(document):
        errors = {int(status) for status in operation["responses"] if status[0] in "45"}
        tried = {status for m, p, status in call.seen if (m, p) == (method, path)}
        if errors and path not in ("/healthz", "/.well-known/did.json"):
            assert errors & tried, (method, path)


def test_conformance_endpoints_are_404_problems_when_switched_off(client, checker):
    for path in ("/credentials/issue", "/credentials/status"):
        response = client.post(path, json={"credential": {}})
        assert response.status_code == 404
        assert checker.check_flask("POST", path, response) == []


# --- regressions: each of these inputs once answered 500 (found by schemathesis) --------------
KNOWN_500 = [
    pytest.param("POST", "/credential", {"credential_configuration_id": ["x"], "proofs": {
        "jwt": ["a.b.c"]}}, id="credential-configuration-id-not-text"),
    pytest.param("GET", "/status/acme/revocation/99999999999999999999", None,
                 id="status-list-number-too-big"),
    pytest.param("GET", "/api/v1/credentials?offset=99999999999999999999", None,
                 id="search-offset-too-big"),
    pytest.param("POST", "/credentials/status", {"credentialId": "ISSUED", "credentialStatus": [
        {"status": {}}]}, id="vc-api-status-value-not-text"),
]
KNOWN_500_POSTGRES = [
    pytest.param("GET", "/status/acme/revocation/2147483648", None, id="list-number-over-int32"),
    pytest.param("GET", "/api/v1/credentials?q=%00", None, id="nul-in-query"),
    pytest.param("GET", "/api/v1/credentials/abc%00", None, id="nul-in-path"),
    pytest.param("POST", "/api/v1/credentials", {**ISSUE, "subject_name": "Sam\x00"},
                 id="nul-in-body"),
    pytest.param("GET", "/offers/ab%00c", None, id="nul-in-offer-id"),
    pytest.param("POST", "/credentials/status", {"credentialId": "a\x00", "credentialStatus": [
        {"status": "revoked"}]}, id="nul-in-credential-id"),
]


def _known_500(app, method: str, path: str, body) -> int:
    service = app.extensions["issuer"]
    service.providers.create_provider("Acme Care Training", "acme")
    token = service.access.create_api_token("acme", "Learning system")[1]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if path == "/credential":
        offer = service.delivery.create_offer(service.issuance.issue("acme", "fire-safety",
                                                                     subject_name="Sam",
                                                   completed=date(2026, 1, 2)).id)
        headers["Authorization"] = "Bearer " + service.delivery.token({
            "grant_type": PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code})["access_token"]
    if isinstance(body, dict) and body.get("credentialId") == "ISSUED":
        test_issuer = next(p.did for p in service.providers.list_providers()
                           if p.did_method == "key")
        body = {**body, "credentialId": service.conformance.vc_api_issue({
            "credential": {"@context": ["https://www.w3.org/ns/credentials/v2"],
                           "type": ["VerifiableCredential"], "issuer": test_issuer,
                           "credentialSubject": {"id": "did:example:sam"}},
            "options": {"credentialStatus": {"type": "BitstringStatusListEntry"}}})["id"]}
    client = app.test_client()
    return client.open(path, method=method, json=body, headers=headers).status_code


@pytest.mark.parametrize("method, path, body", KNOWN_500)
def test_known_server_errors(conformance_app, method, path, body):
    assert _known_500(conformance_app, method, path, body) < 500


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
@pytest.mark.parametrize("method, path, body", KNOWN_500_POSTGRES)
def test_known_server_errors_on_postgres(conformance_app, method, path, body):
    assert _known_500(conformance_app, method, path, body) < 500


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


# --- schemathesis against a live server -------------------------------------------------------
def _bucket(value) -> int:
    """0-3 from a generated value: which real data to put in its place (reproducible)."""
    return hashlib.sha256(repr(value).encode("utf-8")).digest()[0] % 4


class LiveIssuer:
    """A live issuer on loopback with providers, an API token and records, so schemathesis
    explores more than the 401 and 404 paths: most generated ids, codes and tokens are
    replaced by real ones chosen from the generated value."""

    def __init__(self, app, base_url: str, database: str) -> None:
        from passport_vc.did import did_key_from_public_key, verification_method_for
        from passport_vc.keys import PrivateKey

        self.app, self.base_url, self.database = app, base_url, database
        self.service = service = app.extensions["issuer"]
        host = urlsplit(base_url).netloc
        service.providers.create_provider("Acme Care Training", "acme")
        service.providers.create_provider("Own Host Training", "own-host", host=host)
        service.providers.create_provider("Path Host Training", "path-host", host=host + "/people")
        self.token = service.access.create_api_token("acme", "schemathesis")[1]
        self.revoked = self._record()
        service.status.revoke(self.revoked, "Issued in error")
        self.active = self._record()
        self.test_issuer = next(p.did for p in service.providers.list_providers()
                                if p.did_method == "key" and p.curve == "Ed25519")
        self.status_credential = service.conformance.vc_api_issue({
            "credential": {"@context": ["https://www.w3.org/ns/credentials/v2"],
                           "type": ["VerifiableCredential"], "issuer": self.test_issuer,
                           "credentialSubject": {"id": "did:example:sam"}},
            "options": {"credentialStatus": {"type": "BitstringStatusListEntry",
                                             "statusPurpose": "suspension"}}})["id"]
        key = PrivateKey.generate("Ed25519")
        self.holder = (key, verification_method_for(did_key_from_public_key(key.public_key)))

    def _record(self) -> str:
        return self.service.issuance.issue("acme", "fire-safety", subject_name="Sam Taylor",
                                  completed=date(2026, 1, 2)).id

    def record_id(self, generated):
        choice = _bucket(generated)
        if choice == 0:
            return generated
        if choice == 3:
            return self.revoked
        record = self._record()
        if choice == 2:
            self.service.status.suspend(record, "On leave")
        return record

    def offer(self):
        return self.service.delivery.create_offer(self.active)

    def access_token(self) -> str:
        return self.service.delivery.token({"grant_type": PRE_AUTHORIZED_GRANT,
                                   "pre-authorized_code": self.offer().pre_authorized_code}
                                  )["access_token"]

    def proof(self) -> str:
        key, vm = self.holder
        return make_proof_jwt(key, kid=vm, audience=self.base_url,
                              nonce=self.service.delivery.nonce()["c_nonce"])

    def prepare(self, case) -> dict:
        """Put real data into the generated case; the headers to send with it."""
        parameters, body = case.path_parameters or {}, case.body
        if "record_id" in parameters:
            parameters["record_id"] = self.record_id(parameters["record_id"])
        if "offer_id" in parameters and _bucket(parameters["offer_id"]):
            parameters["offer_id"] = self.offer().id
        if case.path.startswith("/api/v1/"):
            return {"Authorization": f"Bearer {self.token}"}
        if not isinstance(body, dict):
            return {}
        if case.path == "/token" and isinstance(body.get("pre-authorized_code"), str) and \
                _bucket(body):
            body["pre-authorized_code"] = self.offer().pre_authorized_code
        if case.path == "/credential":
            choice = _bucket(body)
            proofs = body.get("proofs")
            if isinstance(proofs, dict) and isinstance(proofs.get("jwt"), list) and \
                    len(proofs["jwt"]) == 1 and choice % 2:
                proofs["jwt"] = [self.proof()]
            return {"Authorization": "Bearer " + (self.access_token() if choice else
                                                  "not-a-token")}
        if case.path == "/credentials/issue" and isinstance(body.get("credential"), dict) and \
                str(body["credential"].get("issuer", "")).startswith("did:key:"):
            body["credential"]["issuer"] = self.test_issuer
        if case.path == "/credentials/status" and _bucket(body):
            body["credentialId"] = self.status_credential
        return {}


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def live_issuer(request, tmp_path_factory):
    from issuer import create_app
    from issuer.config import IssuerConfig
    from tests.conftest import TEST_DATABASE_URL, _postgres_schema_url
    from tests.support.live import free_port, live_server

    folder = tmp_path_factory.mktemp("issuer-schemathesis")
    url, drop = (f"sqlite:///{folder / 'issuer.db'}", None) if request.param == "sqlite" \
        else _postgres_schema_url(TEST_DATABASE_URL)
    port = free_port()
    config = IssuerConfig.for_tests(url, folder, public_url=f"http://localhost:{port}",
                                    conformance=True)
    app = create_app(config)
    try:
        with live_server(app, port) as base_url:
            yield LiveIssuer(app, base_url, request.param)
    finally:
        app.extensions["issuer"].db.dispose()
        if drop:
            drop()


# The document on disk is the one served (test_document_is_served_as_json_under_the_csp), so
# schemathesis reads it from the package and is pointed at the live server per call.
SCHEMATHESIS_CONFIG = schemathesis.Config.from_dict({
    "output": {"sanitization": {"enabled": False}}})  # show the failing request in full
schema = schemathesis.openapi.from_dict(load_openapi("issuer"), config=SCHEMATHESIS_CONFIG)


@pytest.mark.slow
@schema.parametrize()
@schemathesis_settings(max_examples=30)
def test_schemathesis_finds_no_server_errors_or_schema_breaks(case, live_issuer):
    headers = live_issuer.prepare(case)
    case.call_and_validate(base_url=live_issuer.base_url, headers=headers, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance])
