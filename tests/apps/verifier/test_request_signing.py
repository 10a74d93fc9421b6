"""How the verifier signs its OpenID4VP requests (verifier/request_signing.py): configuration
from the environment, its own key made once, and refusals of a certificate that does not fit."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from support.pki import NOW, make_ca, make_leaf

from passport_vc.did import default_resolver
from passport_vc.errors import ConfigError
from passport_vc.oid4vp_request import load_trust_anchors, verify_request_object
from verifier.request_signing import KEY_FILE, load_signing

URL = "https://rosewood.example"
RESPONSE = URL + "/oid4vp/response"


def test_default_is_unsigned_redirect_uri(tmp_path):
    signing = load_signing({}, URL, tmp_path)
    assert not signing.signed and signing.client_id(RESPONSE) == "redirect_uri:" + RESPONSE


def test_did_key_by_default_with_a_key_made_once_for_the_owner_only(tmp_path):
    env = {"VERIFIER_OID4VP_CLIENT_ID": "decentralized_identifier"}
    first, again = load_signing(env, URL, tmp_path), load_signing(env, URL, tmp_path)
    assert first.did.startswith("did:key:z6Mk") and first.did == again.did
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    token = first.sign({"client_id": first.client_id(RESPONSE), "response_uri": RESPONSE},
                       NOW, NOW.replace(hour=13))
    verified = verify_request_object(token, resolver=default_resolver(), clock=lambda: NOW)
    assert verified.name == first.did and verified.payload["aud"] == "https://self-issued.me/v2"


def test_did_web_of_its_own_address_publishes_a_document(tmp_path):
    env = {"VERIFIER_OID4VP_CLIENT_ID": "decentralized_identifier",
           "VERIFIER_OID4VP_DID": "did:web:rosewood.example"}
    signing = load_signing(env, URL, tmp_path)
    assert signing.kid == "did:web:rosewood.example#oid4vp-1"
    assert signing.did_document["authentication"] == [signing.kid]
    elsewhere = load_signing({**env, "VERIFIER_OID4VP_DID": "did:web:other.example"}, URL,
                             tmp_path)
    assert elsewhere.did_document is None  # published by that website, not served here
    with pytest.raises(ConfigError, match="did:web"):
        load_signing({**env, "VERIFIER_OID4VP_DID": "did:example:123"}, URL, tmp_path)


def _pem_files(tmp_path, dns_name):
    ca = make_ca()
    key, leaf = make_leaf(ca, dns_name)
    chain, secret = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(leaf.public_bytes(Encoding.PEM))
    secret.write_bytes(key.to_cryptography().private_bytes(Encoding.PEM, PrivateFormat.PKCS8,
                                                           NoEncryption()))
    return ca, {"VERIFIER_OID4VP_CLIENT_ID": "x509_san_dns",
                "VERIFIER_OID4VP_X509_CHAIN": str(chain), "VERIFIER_OID4VP_X509_KEY": str(secret)}


def test_x509_certificate_for_the_verifiers_host_signs(tmp_path):
    ca, env = _pem_files(tmp_path, "rosewood.example")
    signing = load_signing(env, URL, tmp_path)
    assert signing.client_id(RESPONSE) == "x509_san_dns:rosewood.example"
    token = signing.sign({"client_id": signing.client_id(RESPONSE)}, NOW, NOW.replace(hour=13))
    anchors = load_trust_anchors(ca[1].public_bytes(Encoding.PEM))
    assert verify_request_object(token, trust_anchors=anchors, clock=lambda: NOW).host == \
        "rosewood.example"


@pytest.mark.parametrize(("env", "words"), [
    ({"VERIFIER_OID4VP_CLIENT_ID": "pre-registered"}, "must be one of"),
    ({"VERIFIER_OID4VP_CLIENT_ID": "x509_san_dns"}, "needs VERIFIER_OID4VP_X509_CHAIN"),
    ({"VERIFIER_OID4VP_CLIENT_ID": "decentralized_identifier",
      "VERIFIER_OID4VP_KEY": "/nonexistent/key.json"}, "could not be read"),
])
def test_bad_configuration_is_refused_plainly(tmp_path, env, words):
    with pytest.raises(ConfigError, match=words):
        load_signing(env, URL, tmp_path)


def test_certificate_for_another_host_is_refused(tmp_path):
    _ca, env = _pem_files(tmp_path, "elsewhere.example")
    with pytest.raises(ConfigError, match="not for rosewood.example"):
        load_signing(env, URL, tmp_path)
    (tmp_path / "garbage.pem").write_text("not pem")
    with pytest.raises(ConfigError, match="could not be read"):
        load_signing({**env, "VERIFIER_OID4VP_X509_CHAIN": str(tmp_path / "garbage.pem")}, URL,
                     tmp_path)
