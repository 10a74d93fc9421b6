"""DIDs: did:key against the did-method-key vectors, did:web mapping and pinned documents,
did:jwk, the registry's error names, DID documents, and an issue → verify round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passport_vc.did import (
    DidDocument,
    ResolverRegistry,
    WebResolver,
    build_did_document,
    default_resolver,
    did_jwk_from_public_key,
    did_key_from_public_key,
    did_web_to_url,
    local_path_for,
    resolve_did_jwk,
    resolve_did_key,
    url_to_did_web,
    verification_method_for,
)
from passport_vc.errors import (
    DidNotFoundError,
    DidResolutionError,
    InvalidDidError,
    InvalidDidUrlError,
    MalformedValueError,
    MethodNotSupportedError,
    RepresentationNotSupportedError,
    UnsupportedAlgorithmError,
    VerificationMethodNotFoundError,
)
from passport_vc.fetch import StaticFetcher
from passport_vc.keys import PrivateKey, PublicKey
from passport_vc.keys.base58 import b58decode, b58encode

VECTORS = Path(__file__).parent.parent / "vectors" / "did-key"
MULTIKEY_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def _vector_cases():
    cases = []
    for name in ("ed25519-x25519.json", "nist-curves.json"):
        for did, vector in json.loads((VECTORS / name).read_text()).items():
            cases.append(pytest.param(did, vector, id=f"{name}:{did[8:24]}"))
    return cases


def _vector_public_key(method: dict) -> PublicKey | None:
    if "publicKeyJwk" in method:
        return PublicKey.from_jwk(method["publicKeyJwk"])
    if method["type"] == "Ed25519VerificationKey2018":
        return PublicKey.from_raw("Ed25519", b58decode(method["publicKeyBase58"]))
    if method["type"] == "P256Key2021":
        return PublicKey.from_raw("P-256", b58decode(method["publicKeyBase58"]))
    return None


# --- did:key ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("did", "vector"), _vector_cases())
def test_did_key_resolves_to_the_vector_key_in_the_multikey_shape(did, vector):
    """The vectors show the legacy key types; our Multikey document must name the same key,
    with the same ids and the same signing relationships."""
    expected = vector["didDocument"]
    signing = expected["verificationMethod"][0]
    expected_key = _vector_public_key(signing)
    document = resolve_did_key(did)
    method_id = f"{did}#{did[len('did:key:'):]}"
    assert document == {
        "@context": MULTIKEY_CONTEXTS,
        "id": did,
        "verificationMethod": [{"id": method_id, "type": "Multikey", "controller": did,
                                "publicKeyMultibase": did[len("did:key:"):]}],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }
    assert signing["id"] == method_id
    for relationship in ("authentication", "assertionMethod", "capabilityDelegation",
                         "capabilityInvocation"):
        assert document[relationship] == expected[relationship]
    assert PublicKey.from_multibase(document["verificationMethod"][0]["publicKeyMultibase"]) \
        == expected_key
    assert did_key_from_public_key(expected_key) == did
    assert verification_method_for(did) == method_id


@pytest.mark.parametrize("did", [case.values[0] for case in _vector_cases()])
def test_every_vector_did_key_resolves_through_the_registry(did):
    registry = default_resolver()
    method, document = registry.resolve_verification_method(verification_method_for(did))
    assert document.authorizes(method.id, "assertionMethod")
    assert document.authorizes(method.id, "authentication")
    assert not document.authorizes(method.id, "keyAgreement")
    assert method.controller == did


def test_private_key_seeds_in_the_vectors_give_their_did_keys():
    vectors = json.loads((VECTORS / "ed25519-x25519.json").read_text())
    for did, vector in vectors.items():
        key = PrivateKey.from_raw("Ed25519", bytes.fromhex(vector["seed"]))
        assert did_key_from_public_key(key.public_key) == did


@pytest.mark.parametrize("bad", [
    "did:key:", "did:key:abc", "did:key:z6Mk0OIl",
    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#x", "did:key:1:z6Mk", 42,
])
def test_malformed_did_keys_are_invalid_did(bad):
    with pytest.raises(InvalidDidError) as raised:
        resolve_did_key(bad)
    assert raised.value.to_problem()["error"] == "invalidDid"


def test_did_key_with_an_unsupported_multicodec_is_not_supported():
    # secp256k1-pub (0xe7 0x01) is a real multicodec, but not an allowed curve.
    did = "did:key:z" + b58encode(bytes([0xE7, 0x01]) + bytes([2]) + bytes(range(1, 33)))
    with pytest.raises(MethodNotSupportedError):
        resolve_did_key(did)


def test_round_trip_for_every_allowed_curve():
    registry = default_resolver()
    for curve in ("Ed25519", "P-256", "P-384", "P-521"):
        key = PrivateKey.generate(curve)
        did = did_key_from_public_key(key.public_key)
        method, _ = registry.resolve_verification_method(verification_method_for(did))
        assert method.public_key == key.public_key
        signature = key.sign(b"care certificate")
        assert method.public_key.verify(signature, b"care certificate")


# --- did:jwk ---------------------------------------------------------------------------------
def test_did_jwk_round_trip_and_shape():
    key = PrivateKey.generate("P-256").public_key
    did = did_jwk_from_public_key(key)
    assert did == did_jwk_from_public_key(key)  # deterministic
    document = resolve_did_jwk(did)
    assert document["verificationMethod"][0]["type"] == "JsonWebKey2020"
    assert document["verificationMethod"][0]["publicKeyJwk"] == key.to_jwk()
    assert document["assertionMethod"] == [f"{did}#0"]
    assert document["keyAgreement"] == [f"{did}#0"]
    method, resolved = default_resolver().resolve_verification_method(f"{did}#0")
    assert method.public_key == key
    assert resolved.authorizes(f"{did}#0", "assertionMethod")


def test_did_jwk_spec_example_resolves():
    # did:jwk specification §3 example (P-256, "use": "sig")
    did = ("did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNN"
           "EVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pI"
           "M25TRSJ9")
    document = resolve_did_jwk(did)
    assert document["verificationMethod"][0]["publicKeyJwk"]["crv"] == "P-256"
    assert "keyAgreement" in document


def test_did_jwk_use_controls_relationships_and_private_keys_are_refused():
    from passport_vc.keys.keypairs import b64url

    jwk = PrivateKey.generate().public_key.to_jwk()
    signing_only = "did:jwk:" + b64url(json.dumps({**jwk, "use": "sig"}).encode())
    assert "keyAgreement" not in resolve_did_jwk(signing_only)
    encryption_only = "did:jwk:" + b64url(json.dumps({**jwk, "use": "enc"}).encode())
    document = resolve_did_jwk(encryption_only)
    assert "assertionMethod" not in document and "keyAgreement" in document
    with_private = "did:jwk:" + b64url(json.dumps({**jwk, "d": "AAAA" * 11}).encode())
    with pytest.raises(InvalidDidError):
        resolve_did_jwk(with_private)
    with pytest.raises(InvalidDidError):
        resolve_did_jwk("did:jwk:" + b64url(b"not json at all, really"))
    rsa = "did:jwk:" + b64url(json.dumps({"kty": "RSA", "n": "AQAB" * 8, "e": "AQAB"}).encode())
    with pytest.raises(MethodNotSupportedError):
        resolve_did_jwk(rsa)


# --- did:web mapping -------------------------------------------------------------------------
@pytest.mark.parametrize(("did", "url"), [
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
    ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ("did:web:example.com%3A5001", "https://example.com:5001/.well-known/did.json"),
])
def test_did_web_maps_to_urls_and_back(did, url):
    assert did_web_to_url(did) == url
    assert url_to_did_web(url) == did


def test_http_hosts_only_for_the_named_host():
    hosts = frozenset({"localhost:5001"})
    assert did_web_to_url("did:web:localhost%3A5001", http_hosts=hosts) == \
        "http://localhost:5001/.well-known/did.json"
    assert did_web_to_url("did:web:localhost%3A5002", http_hosts=hosts).startswith("https://")


@pytest.mark.parametrize("bad", [
    "did:web:", "did:web:exa mple.com", "did:web:example.com:..", "did:web:example.com:%2E%2E",
    "did:web:example.com:a%2Fb", "did:web:127.0.0.1", "did:web:example.com%3A99999",
    "did:web:example.com%3Aabc", "did:web:example.com/path", "did:web:example.com#key-1",
    "did:web:example.com::x", "did:key:z6Mk", "did:web:-bad.example",
])
def test_invalid_did_web_is_refused(bad):
    with pytest.raises(InvalidDidError):
        did_web_to_url(bad)


def test_url_to_did_web_refuses_non_web_urls():
    for bad in ("ftp://example.com/did.json", "https://example.com/did.json?x=1",
                "https://user@example.com/", "https:///did.json"):
        with pytest.raises(InvalidDidError):
            url_to_did_web(bad)


def test_local_path_layout(tmp_path):
    assert local_path_for("did:web:example.com", tmp_path) == \
        tmp_path / "example.com" / ".well-known" / "did.json"
    assert local_path_for("did:web:localhost%3A5001", tmp_path) == \
        tmp_path / "localhost%3A5001" / ".well-known" / "did.json"
    assert local_path_for("did:web:example.com:providers:acme", tmp_path) == \
        tmp_path / "example.com" / "providers" / "acme" / "did.json"


# --- did:web resolution ----------------------------------------------------------------------
def _web_document(did: str, key: PrivateKey | None = None) -> tuple[dict, PrivateKey]:
    key = key or PrivateKey.generate()
    return build_did_document(did, [("key-1", key.public_key)], assertion=["key-1"],
                              authentication=["#key-1"]), key


def _pin(directory: Path, document: dict) -> None:
    path = local_path_for(document["id"], directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def test_pinned_document_wins_over_the_network(tmp_path):
    did = "did:web:training.example.org"
    pinned, key = _web_document(did)
    _pin(tmp_path, pinned)
    other, _ = _web_document(did)
    fetcher = StaticFetcher({did_web_to_url(did): other})
    registry = default_resolver(fetcher=fetcher, did_documents_dir=tmp_path)
    method, _ = registry.resolve_verification_method(f"{did}#key-1")
    assert method.public_key == key.public_key


def test_fetched_document_is_used_when_not_pinned(tmp_path):
    did = "did:web:training.example.org:providers:acme"
    document, key = _web_document(did)
    registry = default_resolver(
        fetcher=StaticFetcher({"https://training.example.org/providers/acme/did.json": document}),
        did_documents_dir=tmp_path)
    method, resolved = registry.resolve_verification_method(f"{did}#key-1")
    assert method.public_key == key.public_key
    assert resolved.authorizes(f"{did}#key-1", "assertionMethod")


def test_web_without_fetcher_only_resolves_pinned(tmp_path):
    registry = default_resolver(did_documents_dir=tmp_path)
    with pytest.raises(DidNotFoundError) as raised:
        registry.resolve("did:web:elsewhere.example")
    assert raised.value.to_problem()["error"] == "notFound"
    assert raised.value.status == 404


def test_web_404_is_not_found_and_other_failures_are_resolution_errors():
    registry = default_resolver(fetcher=StaticFetcher({}))
    with pytest.raises(DidNotFoundError):
        registry.resolve("did:web:nowhere.example")

    class Broken:
        def get(self, url, *, accept=None):
            from passport_vc.errors import FetchError

            raise FetchError("Could not connect to broken.example")

    with pytest.raises(DidResolutionError) as raised:
        WebResolver(Broken()).resolve("did:web:broken.example")
    assert not isinstance(raised.value, DidNotFoundError)
    assert "Could not connect" in raised.value.detail


def test_web_document_for_another_did_is_refused():
    victim, _ = _web_document("did:web:victim.example")
    fetcher = StaticFetcher({"https://attacker.example/.well-known/did.json": victim})
    with pytest.raises(DidResolutionError) as raised:
        default_resolver(fetcher=fetcher).resolve("did:web:attacker.example")
    assert "not did:web:attacker.example" in raised.value.detail


def test_web_document_that_is_not_json_or_not_an_object():
    base = "https://bad.example/.well-known/did.json"
    for body in (b"<html>oops</html>", b"[1, 2]", b"{" * 100 + b"}" * 100):
        with pytest.raises(RepresentationNotSupportedError):
            WebResolver(StaticFetcher({base: body})).resolve("did:web:bad.example")


def test_web_document_too_large_is_refused(tmp_path):
    document, _ = _web_document("did:web:big.example")
    document["service"] = [{"id": "#s", "type": "X", "serviceEndpoint": "x" * 300_000}]
    _pin(tmp_path, document)
    with pytest.raises(RepresentationNotSupportedError):
        WebResolver(None, tmp_path).resolve("did:web:big.example")


# --- registry --------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["", "did:", "did:web", "DID:web:x", "did:WEB:example.com",
                                 "notadid", "did:web:example.com#frag", "did:x:" + "a" * 5000,
                                 "did:web:exa%2"])
def test_registry_refuses_invalid_dids(bad):
    with pytest.raises(InvalidDidError):
        default_resolver().resolve(bad)


def test_registry_unknown_method():
    with pytest.raises(MethodNotSupportedError) as raised:
        default_resolver().resolve("did:example:123")
    problem = raised.value.to_problem()
    assert problem["error"] == "methodNotSupported" and problem["status"] == 501
    assert "did:key" in problem["detail"]


@pytest.mark.parametrize("bad", [
    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
    "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#",
    "did:web:example.com/path#key-1", "did:web:example.com?versionId=1#key-1",
    "did:web:exa mple.com#key-1", "did:web:example.com#key 1", None,
])
def test_verification_method_needs_a_valid_did_url(bad):
    with pytest.raises(InvalidDidUrlError) as raised:
        default_resolver().resolve_verification_method(bad)
    assert raised.value.to_problem()["error"] == "invalidDidUrl"


def test_unknown_fragment_is_verification_method_not_found():
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    with pytest.raises(VerificationMethodNotFoundError):
        default_resolver().resolve_verification_method(did + "#key-1")


def test_did_key_is_memoised_and_web_is_not(tmp_path):
    calls = []

    def counting(did):
        calls.append(did)
        return resolve_did_key(did)

    registry = ResolverRegistry({"key": counting})
    did = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
    assert registry.resolve(did) is registry.resolve(did)
    assert calls == [did]

    web_calls = []
    document, _ = _web_document("did:web:example.com")

    def web(did):
        web_calls.append(did)
        return document

    registry = ResolverRegistry({"web": web})
    registry.resolve("did:web:example.com")
    registry.resolve("did:web:example.com")
    assert len(web_calls) == 2


def test_registry_refuses_a_document_for_another_did():
    other, _ = _web_document("did:web:other.example")
    registry = ResolverRegistry({"web": lambda did: other})
    with pytest.raises(DidResolutionError):
        registry.resolve("did:web:example.com")
    registry = ResolverRegistry({"web": lambda did: {"id": 5}})
    with pytest.raises(DidResolutionError):
        registry.resolve("did:web:example.com")
    registry = ResolverRegistry({"web": lambda did: None})
    with pytest.raises(DidNotFoundError):
        registry.resolve("did:web:example.com")


# --- DID documents ---------------------------------------------------------------------------
def test_document_parses_every_accepted_method_type():
    ed = PrivateKey.generate("Ed25519").public_key
    p256 = PrivateKey.generate("P-256").public_key
    p384 = PrivateKey.generate("P-384").public_key
    did = "did:web:example.com"
    document = DidDocument({
        "id": did,
        "verificationMethod": [
            {"id": "#multi", "type": "Multikey", "controller": did,
             "publicKeyMultibase": p256.multibase},
            {"id": f"{did}#jwk", "type": "JsonWebKey", "controller": did,
             "publicKeyJwk": p384.to_jwk()},
            {"id": "#jwk2020", "type": "JsonWebKey2020", "controller": did,
             "publicKeyJwk": ed.to_jwk()},
            {"id": "#ed2020", "type": "Ed25519VerificationKey2020", "controller": did,
             "publicKeyMultibase": ed.multibase},
            {"id": "#legacy", "type": "Ed25519VerificationKey2018", "controller": did,
             "publicKeyBase58": "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"},
        ],
        "assertionMethod": ["#multi", f"{did}#jwk"],
        "authentication": [{"id": "#embedded", "type": "Multikey", "controller": did,
                            "publicKeyMultibase": ed.multibase}],
    })
    keys = {method.id.rpartition("#")[2]: method.public_key
            for method in document.verification_methods}
    assert keys == {"multi": p256, "jwk": p384, "jwk2020": ed, "ed2020": ed, "embedded": ed}
    assert document.verification_method("#multi").id == f"{did}#multi"
    assert document.authorizes("#multi", "assertionMethod")
    assert document.authorizes(f"{did}#jwk", "assertionMethod")
    assert not document.authorizes(f"{did}#jwk2020", "assertionMethod")
    # Embedded methods count only for their own relationship.
    assert document.authorizes(f"{did}#embedded", "authentication")
    assert not document.authorizes(f"{did}#embedded", "assertionMethod")
    assert not document.authorizes(f"{did}#multi", "notARelationship")
    with pytest.raises(UnsupportedAlgorithmError):
        document.verification_method("#legacy")
    with pytest.raises(VerificationMethodNotFoundError):
        document.verification_method("did:web:other.example#multi")


def test_document_refuses_malformed_methods():
    did = "did:web:example.com"
    ed = PrivateKey.generate().public_key
    p256 = PrivateKey.generate("P-256").public_key
    cases = [
        {"id": "#a", "type": "Ed25519VerificationKey2020", "controller": did,
         "publicKeyMultibase": p256.multibase},
        {"id": "#a", "type": "Multikey", "controller": did, "publicKeyMultibase": "zzzz"},
        {"id": "#a", "type": "JsonWebKey", "controller": did,
         "publicKeyJwk": {**ed.to_jwk(), "d": "secret"}},
        {"id": "#a", "type": "Multikey", "publicKeyMultibase": ed.multibase},
    ]
    for entry in cases:
        document = DidDocument({"id": did, "verificationMethod": [entry]})
        with pytest.raises(MalformedValueError):
            document.verification_method("#a")
        assert document.verification_methods == []
    with pytest.raises(MalformedValueError):
        DidDocument({"id": did, "verificationMethod": [
            {"id": "#a", "type": "Multikey", "controller": did, "publicKeyMultibase": ed.multibase},
            {"id": f"{did}#a", "type": "Multikey", "controller": did,
             "publicKeyMultibase": p256.multibase}]})
    for bad in ({"id": "example.com"}, [], {"verificationMethod": []},
                {"id": did, "verificationMethod": ["#a"]}):
        with pytest.raises(MalformedValueError):
            DidDocument(bad)


def test_build_did_document_shape_and_errors():
    key = PrivateKey.generate().public_key
    did = "did:web:example.com"
    document = build_did_document(did, [("key-1", key), ("#key-2", key)], assertion=["key-1"],
                                  authentication=["#key-2"], extra={"alsoKnownAs": ["x"]})
    assert document == {
        "@context": MULTIKEY_CONTEXTS, "id": did,
        "verificationMethod": [
            {"id": f"{did}#key-1", "type": "Multikey", "controller": did,
             "publicKeyMultibase": key.multibase},
            {"id": f"{did}#key-2", "type": "Multikey", "controller": did,
             "publicKeyMultibase": key.multibase}],
        "authentication": [f"{did}#key-2"], "assertionMethod": [f"{did}#key-1"],
        "alsoKnownAs": ["x"]}
    with pytest.raises(MalformedValueError):
        build_did_document(did, [("k", key), ("k", key)], assertion=[], authentication=[])
    with pytest.raises(MalformedValueError):
        build_did_document(did, [("k", key)], assertion=["missing"], authentication=[])
    with pytest.raises(MalformedValueError):
        build_did_document(did, [("k", key)], assertion=[], authentication=[],
                           extra={"id": "did:web:evil.example"})
    with pytest.raises(MalformedValueError):
        build_did_document(did, [("", key)], assertion=[], authentication=[])


# --- end to end: issue with a did:web key, verify from a pinned did-documents folder ----------
def test_issue_and_verify_with_a_pinned_did_web_document(tmp_path):
    from passport_vc.clock import fixed_clock
    from passport_vc.issue import IssuerKey, issue_credential
    from passport_vc.verify import Verifier

    did = "did:web:training.example.org"
    document, key = _web_document(did)
    _pin(tmp_path, document)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleAchievementCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": did_key_from_public_key(PrivateKey.generate().public_key),
                              "name": "Moving and handling"},
    }
    clock = fixed_clock("2026-06-01T12:00:00Z")
    signed = issue_credential(credential, IssuerKey(key, f"{did}#key-1"), clock=clock)
    verifier = Verifier(resolver=default_resolver(did_documents_dir=tmp_path), clock=clock)
    result = verifier.verify_credential(signed)
    assert result.verified, result.to_json()

    # The same signature under a document that no longer lists the key for assertionMethod
    # must not verify (STANDARDS.md trap 3).
    document["assertionMethod"] = []
    _pin(tmp_path, document)
    fresh = Verifier(resolver=default_resolver(did_documents_dir=tmp_path), clock=clock)
    assert not fresh.verify_credential(signed).verified
