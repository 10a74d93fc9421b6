"""JWT VC Issuer Metadata (passport_vc/jwt_vc_issuer.py): an SD-JWT VC whose ``iss`` is a web
address is checked with the key the issuer publishes at ``/.well-known/jwt-vc-issuer`` — served
here by a REAL local HTTP server and fetched through the engine's HttpFetcher."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sd_jwt.common import SDObj

from passport_vc.did import default_resolver
from passport_vc.errors import KeyBindingError, MalformedValueError
from passport_vc.fetch import HttpFetcher
from passport_vc.jwt_vc_issuer import issuer_public_key, metadata_for, metadata_url
from passport_vc.keys import PrivateKey
from passport_vc.proofs.sd_jwt import issue_sd_jwt, present
from passport_vc.verify import Verifier

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
VCT = "https://w3id.org/skills-passport/vct/care-training-credential/v1"
ISSUER_KEY = PrivateKey.generate("P-256")
OTHER_KEY = PrivateKey.generate("Ed25519")
DOCUMENTS: dict[str, bytes] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = DOCUMENTS.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")


@pytest.fixture(scope="module")
def base():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def fetcher():
    DOCUMENTS.clear()
    return HttpFetcher(allow_http=True, allow_private=True, clock=lambda: NOW)


def _jwk(key: PrivateKey, kid: str) -> dict:
    return {**key.public_key.to_jwk(), "kid": kid, "use": "sig"}


def _publish(base: str, path: str, metadata: dict) -> None:
    DOCUMENTS["/.well-known/jwt-vc-issuer" + path] = json.dumps(metadata).encode()


def _sd_jwt(iss: str, key: PrivateKey = ISSUER_KEY, kid: str | None = "key-1") -> str:
    claims = {"iss": iss, "vct": VCT, "iat": int(NOW.timestamp()),
              "achievement": {"name": "Fire safety"}, SDObj("name"): "Amina Okafor"}
    header = {"typ": "dc+sd-jwt", **({"kid": kid} if kid else {})}
    return present(issue_sd_jwt(claims, key, header=header), ["name"])


def _verify(token: str, fetcher):
    return Verifier(resolver=default_resolver(), fetch=fetcher, clock=lambda: NOW,
                    check_status=False).verify_sd_jwt_vc(token)


def test_metadata_address_inserts_the_well_known_path():
    assert metadata_url("https://issuer.example") == \
        "https://issuer.example/.well-known/jwt-vc-issuer"
    assert metadata_url("https://issuer.example/tenant/1234") == \
        "https://issuer.example/.well-known/jwt-vc-issuer/tenant/1234"
    for bad in ("https://issuer.example/x?y=1", "https://issuer.example/x#k", "ftp://x/y",
                "https://user@issuer.example/"):
        with pytest.raises(MalformedValueError):
            metadata_url(bad)


def test_sd_jwt_vc_with_a_web_issuer_verifies_with_its_published_key(base, fetcher):
    iss = base + "/providers/acme"
    _publish(base, "/providers/acme", metadata_for(iss, [_jwk(OTHER_KEY, "old"),
                                                         _jwk(ISSUER_KEY, "key-1")]))
    result = _verify(_sd_jwt(iss), fetcher)
    checks = {check.name: check for check in result.checks}
    assert checks["proof"].ok is True and checks["issuer_binding"].ok is True
    assert "JWT VC Issuer Metadata" in checks["issuer_binding"].message
    assert result.facts["issuer"] == iss and result.facts["disclosed"] == ["name"]


def test_keys_from_jwks_uri(base, fetcher):
    iss = base + "/lms"
    DOCUMENTS["/keys.json"] = json.dumps({"keys": [_jwk(ISSUER_KEY, "key-1")]}).encode()
    _publish(base, "/lms", {"issuer": iss, "jwks_uri": base + "/keys.json"})
    assert issuer_public_key(iss, "key-1", fetcher) == ISSUER_KEY.public_key


def test_metadata_for_another_issuer_is_refused(base, fetcher):
    iss = base + "/providers/acme"
    _publish(base, "/providers/acme", metadata_for(base + "/providers/evil",
                                                   [_jwk(ISSUER_KEY, "key-1")]))
    result = _verify(_sd_jwt(iss), fetcher)
    proof = next(check for check in result.checks if check.name == "proof")
    assert proof.ok is False and "is for the issuer" in proof.message


def test_signature_by_a_key_the_issuer_does_not_publish_is_refused(base, fetcher):
    iss = base + "/providers/acme"
    _publish(base, "/providers/acme", metadata_for(iss, [_jwk(ISSUER_KEY, "key-1")]))
    forged = _sd_jwt(iss, key=PrivateKey.generate("P-256"))
    assert next(c for c in _verify(forged, fetcher).checks if c.name == "proof").ok is False
    unknown_kid = _sd_jwt(iss, kid="key-9")
    assert "publishes no key" in next(
        c for c in _verify(unknown_kid, fetcher).checks if c.name == "proof").message


def test_missing_kid_is_accepted_only_with_a_single_key(base, fetcher):
    iss = base + "/one"
    _publish(base, "/one", metadata_for(iss, [_jwk(ISSUER_KEY, "key-1")]))
    assert next(c for c in _verify(_sd_jwt(iss, kid=None), fetcher).checks
                if c.name == "proof").ok is True
    _publish(base, "/one", metadata_for(iss, [_jwk(ISSUER_KEY, "a"), _jwk(OTHER_KEY, "b")]))
    with pytest.raises(KeyBindingError, match="no kid"):
        issuer_public_key(iss, None, fetcher)


@pytest.mark.parametrize(("metadata", "words"), [
    ({"jwks": {"keys": []}}, "1 to 64 keys"),
    ({"jwks": {"keys": [{}]}, "jwks_uri": "https://x.example/k"}, "exactly one"),
    ({}, "exactly one"),
    ({"jwks": {"keys": [{**{"kty": "EC", "crv": "P-256"}, "kid": "key-1", "d": "AA"}]}},
     "not a public JWK"),
    ({"jwks": {"keys": [{"kty": "RSA", "kid": "key-1", "n": "AQAB", "e": "AQAB"}]}},
     "not usable"),
])
def test_bad_metadata_is_refused_plainly(base, fetcher, metadata, words):
    iss = base + "/bad"
    _publish(base, "/bad", {"issuer": iss, **metadata})
    with pytest.raises(MalformedValueError, match=words):
        issuer_public_key(iss, "key-1", fetcher)


def test_unreachable_metadata_is_unknown_not_forged(base, fetcher):
    result = _verify(_sd_jwt(base + "/nobody"), fetcher)
    proof = next(check for check in result.checks if check.name == "proof")
    assert proof.ok is None and "could not be fetched" in proof.message
    assert result.verified is False


def test_default_fetcher_refuses_plain_http_and_loopback(base):
    result = _verify(_sd_jwt(base + "/providers/acme"), HttpFetcher(clock=lambda: NOW))
    assert next(c for c in result.checks if c.name == "proof").ok is not True


def test_passport_verify_fetches_the_metadata_of_a_named_host(base, fetcher, tmp_path, capsys,
                                                              monkeypatch):
    """``passport verify`` (the CLI) checks a web-issuer SD-JWT VC through its own network
    rules: the test server's host:port is named in PASSPORT_HTTP_HOSTS, as for the demo."""
    from passport_cli.main import main

    iss = base + "/providers/acme"
    _publish(base, "/providers/acme", metadata_for(iss, [_jwk(ISSUER_KEY, "key-1")]))
    (tmp_path / "twin.sd-jwt").write_text(_sd_jwt(iss), encoding="utf-8")
    monkeypatch.setenv("PASSPORT_HTTP_HOSTS", base.removeprefix("http://"))
    assert main(["verify", str(tmp_path / "twin.sd-jwt"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    checks = {line["check"]: line for line in report["results"]}
    assert report["verified"] is True and checks["proof"]["ok"] is True
    assert "JWT VC Issuer Metadata" in checks["issuer_binding"]["message"]
    monkeypatch.delenv("PASSPORT_HTTP_HOSTS")
    assert main(["verify", str(tmp_path / "twin.sd-jwt"), "--json"]) != 0
    refused = json.loads(capsys.readouterr().out)
    assert {line["check"]: line for line in refused["results"]}["proof"]["ok"] is not True
