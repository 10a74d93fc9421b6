"""The verifier's OpenAPI 3.1 document (verifier/openapi.json) is served and stays true: every
JSON route is documented and every documented operation is routed; real responses from every
operation match the documented status codes, media types and schemas; and a bounded
schemathesis run against a live loopback server finds no 500 and no response that breaks the
document."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from verifier_world import PROVIDER

from passport_vc.issue import issue_credential_jwt
from passport_web.openapi import load_openapi
from tests.support.openapi import (
    ResponseChecker,
    examples_of,
    operations,
    route_coverage,
    schemathesis_settings,
)

PAGE_BLUEPRINTS = ("scan.", "records.", "asc_wds.", "trust.", "accounts.", "oid4vp.")


def _is_page(endpoint: str) -> bool:
    return endpoint.startswith(PAGE_BLUEPRINTS)


@pytest.fixture(scope="module")
def document():
    return load_openapi("verifier")


@pytest.fixture(scope="module")
def checker(document):
    return ResponseChecker(document)


@pytest.fixture
def app(make_app, sqlite_url):
    return make_app(sqlite_url)


# --- the document itself ----------------------------------------------------------------------
def test_document_is_served_as_json_under_the_csp(app, document):
    client = app.test_client()
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.data) == document
    assert document["openapi"].startswith("3.1.")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/openapi.json", headers={
        "If-None-Match": response.headers["ETag"]}).status_code == 304


def test_every_json_route_is_documented_and_every_operation_is_routed(app, document):
    coverage = route_coverage(app, document, _is_page)
    assert coverage.undocumented == set()
    assert coverage.unrouted == set()


def test_a_page_documented_by_mistake_is_noticed(app, document):
    wrong = {**document, "paths": {**document["paths"], "/staff": {"get": {
        "operationId": "staff", "responses": {"200": {"description": "a page"}}}}}}
    assert route_coverage(app, wrong, _is_page).unrouted == {("GET", "/staff")}


def test_errors_are_problem_json_and_examples_match(checker, document):
    for method, path, operation in operations(document):
        for status, response in operation["responses"].items():
            if status[0] in "45" and path.startswith(("/credentials/", "/presentations/")):
                assert "application/problem+json" in response["content"], (method, path)
    found = examples_of(document)
    assert {path for _m, path, _t, _e in found} == {"/credentials/verify",
                                                    "/presentations/verify"}
    for method, path, media_type, example in found:
        assert checker.request_schema_errors(method, path, example, media_type) == [], path


# --- real responses ---------------------------------------------------------------------------
def test_real_responses_match_the_document(make_app, database_url, world, checker, document):
    client = make_app(database_url).test_client()
    problems: list[str] = []
    seen: set[tuple[str, str, int]] = set()

    def call(method: str, template: str, path: str | None = None, **kwargs):
        response = client.open(path or template, method=method, **kwargs)
        seen.add((method, template, response.status_code))
        problems.extend(checker.check_flask(method, template, response))
        return response

    call("GET", "/healthz")
    call("GET", "/openapi.json")
    verify = "/credentials/verify"
    assert call("POST", verify, json={"verifiableCredential": world.credentials["valid"],
                                      "options": {"checks": ["proof"]}}).status_code == 200
    # an unknown provider's credential is genuine (trust is the employer's decision, not this API's)
    assert call("POST", verify, json={
        "verifiableCredential": world.credentials["unknown-provider"]}).status_code == 200
    for name in ("altered", "revoked", "expired", "status-unknown"):
        assert call("POST", verify, json={
            "verifiableCredential": world.credentials[name]}).status_code == 400
    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
    assert call("POST", verify, json={"verifiableCredential": token}).status_code == 400
    assert call("POST", verify, json={"verifiableCredential": {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/vc+jwt," + token}}).status_code == 200
    for body in (b"not json", b"[1]", b'{"credential": {}}', b'{"verifiableCredential": 5}',
                 b'{"verifiableCredential": {"a": 1}}'):
        call("POST", verify, data=body, content_type="application/json")

    present = "/presentations/verify"
    good = world.presentation(["valid", "due-soon"], challenge="c-1", domain="employer.example")
    assert call("POST", present, json={"verifiablePresentation": good, "options": {
        "challenge": "c-1", "domain": "employer.example"}}).status_code == 200
    call("POST", present, json={"verifiablePresentation": good,
                                "options": {"challenge": "other"}})
    call("POST", present, json={"verifiablePresentation": world.presentation(["revoked"])})
    call("POST", present, json={"verifiablePresentation": "x"})

    resolve = "/1.0/identifiers/{did}"
    assert call("GET", resolve, f"/1.0/identifiers/{PROVIDER}").status_code == 200
    call("GET", resolve, f"/1.0/identifiers/{PROVIDER}",
         headers={"Accept": "application/did+ld+json"})
    call("GET", resolve, f"/1.0/identifiers/{world.holder_key.controller}")
    for did in ("did:web:nowhere.example", "not-a-did", "did:key:zzz", "did:example:123"):
        call("GET", resolve, f"/1.0/identifiers/{did}")
    call("GET", resolve, f"/1.0/identifiers/{PROVIDER}", headers={"Accept": "image/png"})
    key = world.holder_key.controller
    legacy = {"Accept": 'application/ld+json;profile="https://w3id.org/did-resolution"'}
    for accept in ({"Accept": "application/did-url-dereferencing"}, legacy,
                   {"Accept": "application/json"}):
        for suffix in ("#" + key[len("did:key:"):], "#nokey", "/x", "/^bad^"):
            call("GET", resolve, f"/1.0/identifiers/{quote(key + suffix, safe='')}",
                 headers=accept)
    for query in ("publicKeyFormat=JsonWebKey2020", "publicKeyFormat=unknown",
                  "publicKeyFormat=Ed25519VerificationKey2018",
                  "enableExperimentalPublicKeyTypes=maybe"):
        for headers in ({}, legacy):
            call("GET", resolve, f"/1.0/identifiers/{key}?{query}", headers=headers)
    call("GET", resolve, "/1.0/identifiers/did:key:zTjsVPtY", headers=legacy)

    assert problems == []
    # the OpenID4VP operations are exercised status by status in tests/apps/verifier/test_oid4vp.py
    documented = {(method, path, int(status)) for method, path, operation in
                  operations(document) for status in operation["responses"]
                  if not path.startswith("/oid4vp/") and path != "/.well-known/did.json"}
    assert seen <= documented
    assert documented - seen <= {("GET", "/healthz", 503), ("GET", resolve, 410)}


# --- regressions: each of these inputs once answered 500 (found by schemathesis) --------------
def _with_proof_member(document: dict, name: str, value) -> dict:
    import copy

    changed = copy.deepcopy(document)
    changed["proof"][name] = value
    return changed


@pytest.mark.parametrize("cryptosuite", [{}, ["eddsa-rdfc-2022"]])
def test_known_server_error_cryptosuite_not_text(app, world, cryptosuite):
    client = app.test_client()
    credential = _with_proof_member(world.credentials["valid"], "cryptosuite", cryptosuite)
    response = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert response.status_code < 500


def _jwt_with_header_member(world, name: str, value) -> str:
    import base64

    unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
    token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    decoded[name] = value
    encoded = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    return f"{encoded}.{payload}.{signature}"


@pytest.mark.parametrize("typ", [{}, ["vc+jwt"]])
def test_known_server_error_jwt_typ_not_text(app, world, typ):
    response = app.test_client().post("/credentials/verify", json={
        "verifiableCredential": _jwt_with_header_member(world, "typ", typ)})
    assert response.status_code < 500


def _jwt_typ_not_text(value) -> bool:
    import base64

    if isinstance(value, dict) and isinstance(value.get("id"), str):
        value = value["id"].partition(",")[2]
    if not isinstance(value, str) or value.count(".") != 2:
        return False
    header = value.split(".")[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except ValueError:
        return False
    return isinstance(decoded, dict) and not isinstance(decoded.get("typ"), str | None)


def _proofs_in(value):
    """Every proof object anywhere in a request body."""
    if isinstance(value, dict):
        proof = value.get("proof")
        for item in proof if isinstance(proof, list) else [proof]:
            if isinstance(item, dict):
                yield item
        for member in value.values():
            yield from _proofs_in(member)
    elif isinstance(value, list):
        for item in value:
            yield from _proofs_in(item)


# --- schemathesis against a live server -------------------------------------------------------
def _bucket(value) -> int:
    """0-3 from a generated value: which real data to put in its place (reproducible)."""
    return hashlib.sha256(repr(value).encode("utf-8")).digest()[0] % 4


class LiveVerifier:
    """A live verifier over the test world's pinned DID documents and status lists (no outbound
    network). Most generated credentials, presentations and DIDs are replaced by real ones
    chosen from the generated value, so the verification paths are explored, not only the
    malformed-call ones."""

    def __init__(self, base_url: str, world) -> None:
        self.base_url, self.world = base_url, world
        names = sorted(world.credentials)
        self.credentials = [world.credentials[name] for name in names]
        unsigned = {k: v for k, v in world.credentials["valid"].items() if k != "proof"}
        token = issue_credential_jwt(unsigned, world.provider_key, clock=world.clock)
        self.credentials += [token, {"@context": "https://www.w3.org/ns/credentials/v2",
                                     "type": "EnvelopedVerifiableCredential",
                                     "id": "data:application/vc+jwt," + token}]
        self.presentations = [world.presentation(["valid"], challenge="c-1",
                                                 domain="employer.example"),
                              world.presentation(["valid", "revoked"]),
                              world.presentation(["someone-else"])]
        self.dids = [PROVIDER, world.holder_key.controller, world.stranger_key.controller]

    def _pick(self, generated, choices: list):
        digest = hashlib.sha256(repr(generated).encode("utf-8")).digest()
        return choices[digest[1] % len(choices)]

    def _mutant(self, generated, choices: list):
        """A real document with one member (or one proof member) replaced by the generated
        value: malformed in one place only, so the checks after parsing are attacked too."""
        import copy

        document = copy.deepcopy(self._pick(generated, [c for c in choices
                                                        if isinstance(c, dict)]))
        digest = hashlib.sha256(repr(generated).encode("utf-8")).digest()
        target = document
        if digest[2] % 3 == 0 and isinstance(document.get("proof"), dict):
            target = document["proof"]
        keys = sorted(target)
        target[keys[digest[3] % len(keys)]] = generated
        return document

    def prepare(self, case) -> None:
        body = case.body if isinstance(case.body, dict) else None
        if case.path == "/1.0/identifiers/{did}" and _bucket(case.path_parameters["did"]):
            case.path_parameters["did"] = self._pick(case.path_parameters["did"], self.dids)
        for member, choices in (("verifiableCredential", self.credentials),
                                ("verifiablePresentation", self.presentations)):
            if body is None or member not in body:
                continue
            choice = _bucket(body)
            if choice == 1:
                body[member] = self._pick(body, choices)
            elif choice >= 2:
                body[member] = self._mutant(body[member], choices)


@pytest.fixture(scope="module", params=["sqlite",
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def live_verifier(request, world, tmp_path_factory):
    from passport_web.network import NetworkSettings
    from tests.conftest import TEST_DATABASE_URL, _postgres_schema_url
    from tests.support.live import live_server
    from verifier import create_app
    from verifier.config import VerifierConfig
    from verifier.service import VerifierService

    folder = tmp_path_factory.mktemp("verifier-schemathesis")
    url, drop = (f"sqlite:///{folder / 'verifier.db'}", None) if request.param == "sqlite" \
        else _postgres_schema_url(TEST_DATABASE_URL)
    trust_file = folder / "trust.json"
    trust_file.write_text(json.dumps(world.trust.to_json()), encoding="utf-8")
    app = create_app(VerifierConfig.for_tests(
        url, clock=world.clock, trust_list_path=trust_file, instance_dir=folder / "instance",
        network=NetworkSettings(did_documents_dir=world.did_documents, offline=True)))
    state = app.extensions["verifier"]
    # Status lists come from the world's StaticFetcher, as a deployment would fetch them.
    state.service = VerifierService(state.db, state.config, world.network(),
                                    state.service.trust)
    try:
        with live_server(app) as base_url:
            yield LiveVerifier(base_url, world)
    finally:
        state.db.dispose()
        if drop:
            drop()


# The document on disk is the one served (test_document_is_served_as_json_under_the_csp), so
# schemathesis reads it from the package and is pointed at the live server per call. 501 is
# DID Resolution's documented answer for methodNotSupported (§10), not a server fault; every
# other 5xx still fails the run.
SCHEMATHESIS_CONFIG = schemathesis.Config.from_dict({
    "output": {"sanitization": {"enabled": False}},
    "checks": {"not_a_server_error": {"expected-statuses": ["2XX", "3XX", "4XX", "501"]}}})
schema = schemathesis.openapi.from_dict(load_openapi("verifier"), config=SCHEMATHESIS_CONFIG)


@pytest.mark.slow
@schema.parametrize()
@schemathesis_settings(max_examples=30)
def test_schemathesis_finds_no_server_errors_or_schema_breaks(case, live_verifier):
    live_verifier.prepare(case)
    case.call_and_validate(base_url=live_verifier.base_url, checks=[
        not_a_server_error, status_code_conformance, content_type_conformance,
        response_schema_conformance])
