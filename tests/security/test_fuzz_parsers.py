"""Hypothesis fuzz of every parser that reads outside input: only project errors may escape
(a PassportError becomes a plain message or problem+json; anything else would be a 500), and
memory stays bounded (traced per input).

Parsers: JSON text, credentials (JSON / JWT / QR text), JWT parts, QR payloads, share links and
envelopes, CSV files, status lists (encodedList and fetched list credentials), DID documents
(as JSON, fetched for did:web, did:key / did:jwk identifiers), offer links, vp_tokens, trust
lists, SD-JWTs, VP1- (CBOR-LD) QR texts and baked badge images. Bombs (deep nesting, compressed
payloads) are given on purpose as well.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import tracemalloc
import zlib

import base45
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passport_vc.errors import PassportError

from .conftest import NOW, V2

MEMORY_LIMIT = 48 * 1024 * 1024
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def only_project_errors(call, *args, **kwargs):
    """Run ``call``; a PassportError is a fine answer, anything else fails. Peak memory is
    bounded whatever the input."""
    tracemalloc.start()
    try:
        return call(*args, **kwargs)
    except PassportError:
        return None
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"{call.__name__} used {peak // 1024} KB"


# --- strategies --------------------------------------------------------------------------------
HOSTILE_STRINGS = st.sampled_from([
    "\ud800", "\udfff", "\x00", "\u202e", "did:key:z6Mk", "did:web:localhost%3A1",
    "https://127.0.0.1/", "_:b0", "@context", "@vocab", "@type", "@id", "1e999", "NaN",
    "urn:uuid:x", "A" * 3000, "SP1:", "eyJ", "\\", "\"", "\n",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), HOSTILE_STRINGS)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5),
    st.dictionaries(st.one_of(st.text(max_size=12), HOSTILE_STRINGS), inner, max_size=5)),
    max_leaves=30)
TOKENS = st.sampled_from(['{', '}', '[', ']', ',', ':', '"a"', '"\\ud800"', '"\\u0000"',
                          "1e400", "NaN", "-Infinity", "true", "null", '"@context"', "0",
                          '"x":', '"a":1,"a":2', "[" * 60, "]" * 60, " ", "\ufeff"])
JSONISH = st.lists(TOKENS, max_size=40).map("".join)
TEXT_INPUTS = st.one_of(st.text(max_size=200), JSONISH, st.binary(max_size=200).map(
    lambda raw: raw.decode("latin-1")), JSON_VALUES.map(json.dumps))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


JWT_PART = st.one_of(JSON_VALUES.map(lambda v: _b64(json.dumps(v).encode())),
                     JSONISH.map(lambda t: _b64(t.encode("utf-8", "surrogatepass"))),
                     st.binary(max_size=60).map(_b64), st.text("ABCabc-_", max_size=20))
JWTS = st.tuples(JWT_PART, JWT_PART, JWT_PART).map(".".join)


def _qr(payload: bytes) -> str:
    return "SP1:" + base45.b45encode(zlib.compress(payload)).decode()


def _qr2(payload: bytes) -> str:
    """SP2: packed with the preset dictionary, as the issuer and wallet now print."""
    from passport_vc.qr_dictionary import sp2_dictionary

    packer = zlib.compressobj(9, zdict=sp2_dictionary())
    return "SP2:" + base45.b45encode(packer.compress(payload) + packer.flush()).decode()


QR_TEXTS = st.one_of(
    st.text(max_size=100).map(lambda t: "SP1:" + t),
    st.text(max_size=100).map(lambda t: "SP2:" + t),
    st.binary(max_size=300).map(lambda raw: _qr(raw)),
    st.binary(max_size=300).map(lambda raw: _qr2(raw)),
    st.binary(max_size=300).map(lambda raw: "SP2:" + base45.b45encode(raw).decode()),
    JSON_VALUES.map(lambda v: _qr(b"J" + json.dumps(v).encode())),
    JSON_VALUES.map(lambda v: _qr2(b"J" + json.dumps(v).encode())),
    JSONISH.map(lambda t: _qr(b"J" + t.encode("utf-8", "surrogatepass"))),
    JSONISH.map(lambda t: _qr2(b"J" + t.encode("utf-8", "surrogatepass"))),
    JWTS.map(lambda t: _qr(b"T" + t.encode())),
    JWTS.map(lambda t: _qr2(b"T" + t.encode())),
)


# --- JSON and credentials ----------------------------------------------------------------------
@FUZZ
@given(TEXT_INPUTS)
def test_parse_json(text):
    from passport_vc.inputs import parse_json

    for given_as in (text, text.encode("utf-8", "surrogatepass")):
        value = only_project_errors(parse_json, given_as)
        # whatever is accepted is text that every later step can encode (hash, sign, store)
        json.dumps(value, ensure_ascii=False).encode("utf-8")


@FUZZ
@given(st.one_of(TEXT_INPUTS, JWTS, QR_TEXTS, JSON_VALUES))
def test_read_unverified(value):
    from passport_vc.inputs import read_unverified

    given = only_project_errors(read_unverified, value)
    if given is not None:
        json.dumps(given.value, ensure_ascii=False).encode("utf-8")


@FUZZ
@given(JWTS)
def test_jwt_reading_and_verification(token):
    from passport_vc.proofs.jose import read_unverified

    only_project_errors(read_unverified, token)


@FUZZ
@given(QR_TEXTS)
def test_qr_payloads(text):
    from passport_vc.qr import decode_compact

    only_project_errors(decode_compact, text)


def test_compressed_bombs_stay_small():
    from passport_vc.errors import TooLargeError
    from passport_vc.qr import decode_compact
    from passport_vc.status.bitstring import decode_list

    bomb = "SP1:" + base45.b45encode(zlib.compress(b"J" + b" " * 2_000_000, 9)).decode()
    assert len(bomb) < 4400  # fits in a QR code, unpacks to 2 MB
    with pytest.raises(TooLargeError):
        only_project_errors_strict(decode_compact, bomb)
    sp2_bomb = _qr2(b"J" + b" " * 2_000_000)
    assert len(sp2_bomb) < 4400
    with pytest.raises(TooLargeError):
        only_project_errors_strict(decode_compact, sp2_bomb)
    status_bomb = "u" + _b64(gzip.compress(b"\0" * 60_000_000, 9))
    with pytest.raises(TooLargeError):
        only_project_errors_strict(decode_list, status_bomb)


def only_project_errors_strict(call, *args):
    """Like only_project_errors, but the PassportError is re-raised for the test to inspect."""
    tracemalloc.start()
    try:
        return call(*args)
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"{call.__name__} used {peak // 1024} KB"


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(JSON_VALUES, st.sampled_from(["credentialSubject", "issuer", "@context", "type",
                                     "validFrom", "credentialStatus", "proof", "evidence"]))
def test_verifying_structured_junk(verifier, signed, value, field):
    """A real signed credential with one field replaced by fuzz: a result, never a crash."""
    document = dict(signed)
    document[field] = value
    result = only_project_errors(verifier.verify_credential, document)
    assert result is not None and not result.verified
    presentation = {"@context": [V2], "type": ["VerifiablePresentation"],
                    "verifiableCredential": [document], "holder": value}
    result = only_project_errors(verifier.verify_presentation, presentation)
    assert result is not None and not result.verified


# --- share links ---------------------------------------------------------------------------------
LINKS = st.one_of(
    st.text(max_size=80),
    st.tuples(st.sampled_from(["https://", "http://", "ftp://", "//", ""]),
              st.sampled_from(["wallet.example", "[::1", "[v1.x]", "a:b@c", "x:99999", "",
                               "[::1]:80", "\ud800"]),
              st.sampled_from(["/s/", "/s", "/x/", "/s/a/s/"]),
              st.text(max_size=12), st.sampled_from(["#", "", "#\ud800", "?q#"]),
              st.text(max_size=50)).map("".join),
    st.integers(), st.none())


@FUZZ
@given(LINKS, JSON_VALUES)
def test_share_links_and_envelopes(link, envelope):
    from passport_vc.share_links import decrypt_shared, split_share_link

    only_project_errors(split_share_link, link)
    only_project_errors(decrypt_shared, envelope, link if isinstance(link, str) else "")
    if isinstance(envelope, dict):
        envelope.update(type="SkillsPassportSharedPresentation", alg="A256GCM")
        only_project_errors(decrypt_shared, envelope, _b64(b"k" * 32))


# --- CSV ------------------------------------------------------------------------------------------
CSV_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.lists(st.one_of(st.text(max_size=10), HOSTILE_STRINGS.filter(
        lambda s: len(s) < 100)), max_size=5), max_size=8).map(
        lambda rows: "\n".join(",".join(cells) for cells in
                               [["name", "course", "completed"], *rows]).encode(
            "utf-8", "surrogatepass")),
    st.text(max_size=100).map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.lists(st.sampled_from(['"', ",", "\n", "\r", "a", '""', "\xe9", "\x00"]),
             max_size=40).map(lambda parts: ("name,course,completed\n" + "".join(parts))
                              .encode("latin-1")),
)


@FUZZ
@given(CSV_BYTES)
def test_csv_files(data):
    from issuer.bulk import parse_rows, read_text

    text = only_project_errors(read_text, data)
    if text is not None:
        only_project_errors(parse_rows, text)


# --- status lists ---------------------------------------------------------------------------------
ENCODED_LISTS = st.one_of(
    st.text(max_size=100), st.binary(max_size=200).map(lambda raw: "u" + _b64(raw)),
    st.binary(max_size=200).map(lambda raw: "u" + _b64(gzip.compress(raw))),
    st.binary(max_size=200).map(lambda raw: _b64(gzip.compress(raw))[:-3]),
    st.integers(), st.none())


@FUZZ
@given(ENCODED_LISTS, st.integers(-5, 200_000), st.integers(-1, 9))
def test_status_list_bits(encoded, index, size):
    from passport_vc.status.bitstring import decode_list, get_status

    bits = only_project_errors(decode_list, encoded)
    if bits is not None:
        only_project_errors(get_status, bits, index, size)


LIST_URL = "https://status.example/lists/1"


@FUZZ
@given(st.one_of(JSON_VALUES.map(json.dumps), JSONISH, JWTS, st.binary(max_size=100)),
       JSON_VALUES)
def test_fetched_status_lists_and_entries(body, entry):
    from passport_vc.fetch import StaticFetcher
    from passport_vc.result import VerificationResult
    from passport_vc.status import check_status

    def accept_anything(unverified):
        result = VerificationResult("credential", document=unverified)
        result.passed("proof", "fuzz")
        return result

    fetch = StaticFetcher({LIST_URL: body if isinstance(body, bytes) else
                           body.encode("utf-8", "surrogatepass")})
    entries = [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                "statusListIndex": "3", "statusListCredential": LIST_URL}, entry]
    for status in entries:
        document = {"issuer": "did:web:x.example", "credentialStatus": status}
        only_project_errors(check_status, document, fetch=fetch, clock=lambda: NOW,
                            verify_list_credential=accept_anything)


# --- DID documents --------------------------------------------------------------------------------
@FUZZ
@given(JSON_VALUES, st.sampled_from(["verificationMethod", "assertionMethod", "authentication",
                                     "id", "controller"]), st.text(max_size=20))
def test_did_documents(value, field, fragment):
    from passport_vc.did.document import DidDocument

    document = {"id": "did:web:x.example", field: value}
    parsed = only_project_errors(DidDocument, document)
    if parsed is not None:
        only_project_errors(lambda: parsed.verification_methods)
        only_project_errors(parsed.verification_method, "did:web:x.example#" + fragment)
        only_project_errors(parsed.authorizes, "did:web:x.example#" + fragment,
                            "assertionMethod")


@FUZZ
@given(st.one_of(JSON_VALUES.map(json.dumps), JSONISH, st.binary(max_size=100)))
def test_fetched_did_web_documents(body):
    from passport_vc.did import default_resolver
    from passport_vc.fetch import StaticFetcher

    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    resolver = default_resolver(fetcher=StaticFetcher({"https://x.example/.well-known/did.json":
                                                       raw}))
    only_project_errors(resolver.resolve, "did:web:x.example")


@FUZZ
@given(st.one_of(st.text(max_size=60).map(lambda t: "did:" + t),
                 st.text("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
                         max_size=60).map(lambda t: "did:key:z" + t),
                 JWT_PART.map(lambda p: "did:jwk:" + p),
                 st.text(max_size=40).map(lambda t: "did:web:" + t)),
       st.one_of(st.text(max_size=20), st.just("")))
def test_did_identifiers(did, fragment):
    from passport_vc.did import default_resolver

    resolver = default_resolver()
    only_project_errors(resolver.resolve, did)
    only_project_errors(resolver.resolve_verification_method, did + "#" + fragment)
    only_project_errors(resolver.resolve_verification_method, did)


# --- offers, vp_tokens, trust lists ---------------------------------------------------------------
@FUZZ
@given(st.one_of(st.text(max_size=80), JSON_VALUES.map(
    lambda v: "openid-credential-offer://?credential_offer=" + json.dumps(v)),
    JSONISH.map(lambda t: "openid-credential-offer://?credential_offer=" + t),
    st.text(max_size=40).map(lambda t: "openid-credential-offer://?credential_offer_uri=" + t)))
def test_offer_links(text):
    from passport_vc.oid4vci import parse_offer_uri

    only_project_errors(parse_offer_uri, text)


@FUZZ
@given(st.one_of(TEXT_INPUTS, JSON_VALUES.map(lambda v: json.dumps({"training": v}))))
def test_vp_tokens(token):
    from verifier.oid4vp import presentations_in

    only_project_errors(presentations_in, token)


@FUZZ
@given(JSON_VALUES, JSON_VALUES)
def test_trust_lists(value, entry):
    from passport_vc.trust import TrustList

    only_project_errors(TrustList.from_json, value)
    only_project_errors(TrustList.from_json, {"entries": [entry]})
    if isinstance(entry, dict):
        only_project_errors(TrustList.from_json, {"entries": [{"did": "did:web:a", **entry}]})


# --- JSON-LD contexts ---------------------------------------------------------------------------
CONTEXT_KEYS = st.sampled_from(["@vocab", "@base", "@language", "@version", "@protected",
                                "@import", "@propagate", "@direction", "@type", "@id",
                                "@context", "name", "x", "type", ""])
CONTEXT_VALUES = st.one_of(SCALARS, st.sampled_from(["_:", "_:b", "@id", "@json", "@nest",
                                                     "@type", "urn:x:", "https://x.example/#"]))
CONTEXTS = st.dictionaries(CONTEXT_KEYS, st.one_of(
    CONTEXT_VALUES, st.dictionaries(CONTEXT_KEYS, CONTEXT_VALUES, max_size=3)), max_size=3)


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(CONTEXTS)
def test_hostile_contexts(verifier, signed, provider, context):
    """Issue 10 finding 1, as a class: any context shape is a result or a project error."""
    from passport_vc.issue import issue_credential

    tampered = dict(signed)
    tampered["@context"] = [*signed["@context"], context]
    tampered["credentialSubject"] = {**signed["credentialSubject"], "x": "smuggled"}
    result = only_project_errors(verifier.verify_credential, tampered)
    assert result is not None and not result.verified
    unsigned = {k: v for k, v in tampered.items() if k != "proof"}
    only_project_errors(issue_credential, unsigned, provider)


# --- JWTs that reach signature checks -----------------------------------------------------------
def _signed_jwt(header: dict, claims: object, key) -> str:
    from passport_vc.proofs.jose import sign_jws

    try:
        return sign_jws(claims if isinstance(claims, dict) else {"x": claims}, key, header)
    except (PassportError, TypeError, ValueError):
        return _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode()) + \
            ".c2ln"


HEADER_VALUES = st.one_of(SCALARS, st.sampled_from(["vc+jwt", "openid4vci-proof+jwt", "EdDSA",
                                                    "ES256", "none", "HS256"]))
HEADERS = st.fixed_dictionaries({}, optional={
    "alg": HEADER_VALUES, "typ": HEADER_VALUES, "kid": HEADER_VALUES, "jwk": JSON_VALUES,
    "crit": JSON_VALUES, "b64": JSON_VALUES})
CLAIMS = st.fixed_dictionaries({}, optional={
    "iss": HEADER_VALUES, "iat": SCALARS, "nbf": SCALARS, "exp": SCALARS, "aud": JSON_VALUES,
    "nonce": SCALARS, "@context": JSON_VALUES, "type": JSON_VALUES, "issuer": JSON_VALUES,
    "credentialSubject": JSON_VALUES, "vc": JSON_VALUES, "validFrom": SCALARS})


@FUZZ
@given(HEADERS, CLAIMS, st.one_of(JWTS, st.just("")))
def test_jwts_reaching_the_signature_check(verifier, provider, header, claims, junk):
    from passport_vc.oid4vci import verify_proof_jwt

    kid = provider.verification_method
    header = {"kid": kid, **header}
    token = junk or _signed_jwt(header, claims, provider.signer)
    result = only_project_errors(verifier.verify_credential, token)
    assert result is not None and not result.verified
    only_project_errors(verify_proof_jwt, token, audience="https://issuer.example",
                        nonce="n", clock=lambda: NOW,
                        resolve_key=lambda _kid: provider.signer.public_key)


# --- photos of QR codes -------------------------------------------------------------------------
def _png() -> bytes:
    from passport_vc.qr import qr_png

    return qr_png("SP1:TEST", box_size=2)


PHOTOS = st.one_of(st.binary(max_size=300), st.integers(0, 400).map(lambda n: _png()[:n]),
                   st.tuples(st.integers(0, 300), st.binary(min_size=1, max_size=8)).map(
                       lambda cut: _png()[:cut[0]] + cut[1] + _png()[cut[0] + len(cut[1]):]))


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(PHOTOS)
def test_photos(data):
    from verifier.photo import read_qr_from_photo

    only_project_errors(read_qr_from_photo, data)


# --- employer requests the wallet reads (OpenID4VP) ----------------------------------------------
REQUEST_FIELDS = st.fixed_dictionaries({}, optional={
    "client_id": st.one_of(SCALARS, st.just("redirect_uri:https://v.example/r")),
    "response_uri": st.one_of(SCALARS, st.sampled_from(["https://v.example/r", "https://[::1",
                                                        "https://v.example:99999/r"])),
    "response_type": st.one_of(SCALARS, st.just("vp_token")),
    "response_mode": st.one_of(SCALARS, st.just("direct_post")),
    "nonce": SCALARS, "state": SCALARS,
    "dcql_query": st.one_of(JSON_VALUES, JSON_VALUES.map(json.dumps), st.just({"credentials": [
        {"id": "q", "format": "ldp_vc", "meta": {"type_values": [[{"a": 1}], "x"]}}]}))})


@FUZZ
@given(REQUEST_FIELDS, st.one_of(st.text(max_size=60).map(lambda t: "openid4vp://?" + t),
                                 st.text(max_size=60)))
def test_employer_requests(request, link):
    from wallet.oid4vp import parse_link, validate_request

    only_project_errors(validate_request, request)
    only_project_errors(parse_link, link)


# --- the rest of the field's formats: SD-JWT, VP1- (CBOR-LD), baked badge images --------------
@functools.cache
def _issued_sd_jwt() -> tuple[object, str]:
    """One key and one SD-JWT issued with it (key-bound to itself), made once."""
    from sd_jwt.common import SDObj

    from passport_vc.keys import PrivateKey
    from passport_vc.proofs.sd_jwt import issue_sd_jwt

    key = PrivateKey.generate("Ed25519")
    return key, issue_sd_jwt({"iss": "did:example:i", SDObj("name"): "Sam"}, key,
                             header={"typ": "dc+sd-jwt"}, holder_key=key.public_key)


DISCLOSURES = st.one_of(JWT_PART, st.tuples(st.text(max_size=8), SCALARS, JSON_VALUES).map(
    lambda parts: _b64(json.dumps(list(parts)).encode())))
SD_JWT_TAILS = st.tuples(st.lists(DISCLOSURES, max_size=4), st.one_of(st.just(""), JWTS)).map(
    lambda parts: "".join(item + "~" for item in parts[0]) + parts[1])


@FUZZ
@given(st.booleans(), JWTS, SD_JWT_TAILS)
def test_sd_jwts(signed, token, tail):
    """Junk disclosures and key bindings after a real issuer signature, and junk throughout."""
    from passport_vc.proofs.sd_jwt import disclosable, verify_sd_jwt

    key, issued = _issued_sd_jwt()
    text = (issued.split("~", 1)[0] if signed else token) + "~" + tail
    only_project_errors(disclosable, text)
    only_project_errors(verify_sd_jwt, text, key_for=lambda *_: key.public_key,
                        expected_types=frozenset({"dc+sd-jwt"}), nonce="n", audience="a")


@functools.cache
def _issued_vc_sd_jwt() -> tuple[object, str]:
    """One key and one VC-JOSE-COSE vc+sd-jwt issued with it, made once."""
    from passport_vc.keys import PrivateKey
    from passport_vc.proofs.vc_sd_jwt import issue_vc_sd_jwt

    key = PrivateKey.generate("P-256")
    credential = {"@context": [V2], "type": ["VerifiableCredential"], "issuer": "did:example:i",
                  "credentialSubject": {"id": "did:example:s", "name": "Sam"}}
    return key, issue_vc_sd_jwt(credential, key, kid="did:example:i#k",
                                selective=["credentialSubject.name"])


@FUZZ
@given(st.booleans(), JWTS, SD_JWT_TAILS, st.lists(st.text(max_size=24), max_size=3))
def test_vc_sd_jwts_and_disclosure_paths(signed, token, tail, paths):
    """vc+sd-jwt / vp+sd-jwt: junk after a real signature, junk throughout, and junk paths."""
    from passport_vc.proofs.vc_sd_jwt import kind_of, mark_selective, verify_vc_sd_jwt

    key, issued = _issued_vc_sd_jwt()
    text = (issued.split("~", 1)[0] if signed else token) + "~" + tail
    only_project_errors(kind_of, text)
    for kind in ("credential", "presentation"):
        only_project_errors(verify_vc_sd_jwt, text, kind=kind, clock=lambda: NOW,
                            public_key_for_kid=lambda _kid: key.public_key, nonce="n",
                            audience="a")
    only_project_errors(mark_selective, {"a": {"b": [1, {"c": 2}]}, "type": "T"}, paths,
                        "credential")


def _cbor(value) -> bytes:
    import cbor2

    try:
        return cbor2.dumps(value)
    except (ValueError, TypeError, UnicodeError):
        return b"\xa0"


CBORLD_TAGS = st.sampled_from([b"\xd9\xcb\x1d", b"\xd9\x05\x01", b"\xd9\x05\x00", b""])
VP1_TEXTS = st.one_of(
    st.text(max_size=120).map(lambda t: "VP1-" + t),
    st.tuples(CBORLD_TAGS, st.binary(max_size=300)).map(
        lambda parts: "VP1-R" + base45.b45encode(parts[0] + parts[1]).decode()),
    st.tuples(CBORLD_TAGS, JSON_VALUES).map(
        lambda parts: "VP1-B" + base64.b32encode(parts[0] + _cbor(parts[1])).decode()),
)


@FUZZ
@given(VP1_TEXTS)
def test_vp1_texts(text):
    from passport_vc.vpqr import decode_vpqr

    only_project_errors(decode_vpqr, text)


def _baked_png(text: str) -> bytes:
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", text)
    out = io.BytesIO()
    Image.new("1", (4, 4)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


SVG_OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" '
            'xmlns:ob3="https://purl.imsglobal.org/ob/v3p0">')
BADGE_IMAGES = st.one_of(
    st.binary(max_size=300).map(lambda raw: b"\x89PNG\r\n\x1a\n" + raw),
    st.one_of(st.text(max_size=200), JWTS, JSON_VALUES.map(json.dumps)).map(_baked_png),
    st.text(max_size=200).map(lambda t: (SVG_OPEN + t + "</svg>").encode()),
    st.tuples(st.sampled_from(["openbadges:assertion", "ob3:credential"]),
              st.one_of(st.text(max_size=80), JWTS), st.text(max_size=120)).map(
        lambda parts: (f'{SVG_OPEN}<{parts[0]} verify="{parts[1]}"><![CDATA[{parts[2]}]]>'
                       f"</{parts[0]}></svg>").encode()),
)


@FUZZ
@given(BADGE_IMAGES)
def test_baked_badge_images(data):
    from passport_vc.baking import baked_credential

    only_project_errors(baked_credential, data)
