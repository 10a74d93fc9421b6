"""Frozen loader, safe mode and RDFC-1.0 details."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pyld import jsonld as pyld

from passport_vc.errors import (
    ConfigError,
    JsonLdError,
    RangeError,
    RelativeIriError,
    UndefinedTermError,
    UnknownContextError,
)
from passport_vc.jsonld import Canonicalizer, default_loader, document_to_quads
from passport_vc.jsonld.loader import FrozenLoader
from passport_vc.jsonld.rdfc import canonicalize, iri_token, literal_token
from passport_vc.keys import PublicKey
from passport_vc.proofs import data_integrity

VECTORS = Path(__file__).parent.parent / "vectors"
OB3 = VECTORS / "ob3" / "ldp-eddsa-rdfc-2022"


def ob3_signed() -> dict:
    return json.loads((OB3 / "signed.json").read_text())


class TestFrozenLoader:
    def test_every_bundled_context_loads_and_is_pinned(self):
        loader = default_loader()
        assert "https://www.w3.org/ns/credentials/v2" in loader
        assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in loader
        for url, bundled in loader.contexts.items():
            assert loader(url, {})["document"] == bundled.document

    def test_unknown_context_is_refused_by_name(self):
        with pytest.raises(UnknownContextError) as caught:
            default_loader()("https://evil.example/context.json", {})
        assert "https://evil.example/context.json" in caught.value.detail

    def test_unknown_context_inside_a_document_names_the_url(self):
        document = {"@context": ["https://www.w3.org/ns/credentials/v2",
                                 "https://attacker.example/ctx"], "type": "VerifiableCredential"}
        with pytest.raises(UnknownContextError) as caught:
            document_to_quads(document)
        assert "https://attacker.example/ctx" in caught.value.detail

    def test_a_context_file_that_does_not_match_its_pin_is_refused(self, tmp_path):
        (tmp_path / "ctx.jsonld").write_text('{"@context": {"a": "https://a.example/"}}')
        (tmp_path / "index.json").write_text(json.dumps({"https://x.example/ctx": {
            "file": "ctx.jsonld", "sha256": "0" * 64}}))
        with pytest.raises(ConfigError):
            FrozenLoader(extra_indexes=(tmp_path / "index.json",))


class TestSafeMode:
    def test_injected_undefined_property_is_an_error_with_its_path(self):
        document = ob3_signed()
        document.pop("proof")
        document["credentialSubject"]["careHoursCompleted"] = 1000
        with pytest.raises(UndefinedTermError) as caught:
            document_to_quads(document)
        assert caught.value.path == "credentialSubject.careHoursCompleted"

    def test_plain_pyld_would_not_notice_but_verification_fails(self):
        signed = ob3_signed()
        tampered = copy.deepcopy(signed)
        tampered["credentialSubject"]["careHoursCompleted"] = 1000
        options = {"documentLoader": default_loader(), "algorithm": "URDNA2015",
                   "format": "application/n-quads"}
        strip = lambda d: {k: v for k, v in d.items() if k != "proof"}  # noqa: E731
        assert pyld.normalize(strip(signed), options) == pyld.normalize(strip(tampered), options)

        vector = json.loads((OB3 / "vector.json").read_text())
        key = PublicKey.from_multibase(vector["publicKeyMultibase"])
        for fast in (True, False):
            outcome = data_integrity.verify_proofs(tampered, lambda p: key,
                                                   Canonicalizer(fast_path=fast))[0]
            assert outcome.ok is False
            assert isinstance(outcome.error, UndefinedTermError)
            assert outcome.error.path == "credentialSubject.careHoursCompleted"

    def test_undefined_type_is_an_error(self):
        document = ob3_signed()
        document.pop("proof")
        document["type"] = [*document["type"], "CareHoursCredential"]
        with pytest.raises(UndefinedTermError) as caught:
            document_to_quads(document)
        assert "CareHoursCredential" in caught.value.detail
        assert caught.value.path == "type"

    def test_relative_iri_is_an_error(self):
        document = ob3_signed()
        document.pop("proof")
        document["id"] = "credentials/42"
        with pytest.raises(RelativeIriError) as caught:
            document_to_quads(document)
        assert caught.value.path == "id"

    def test_keyword_lookalike_is_an_error(self):
        document = ob3_signed()
        document.pop("proof")
        document["@score"] = 5
        with pytest.raises(UndefinedTermError):
            document_to_quads(document)

    @pytest.mark.parametrize("context", [
        ["https://www.w3.org/ns/credentials/v2", 5],
        ["https://www.w3.org/ns/credentials/v2", {"name": {"@id": 7}}],
        ["https://www.w3.org/ns/credentials/v2", {"id": "https://redefine.example/id"}],
    ], ids=["number", "bad-term-definition", "redefines-protected-term"])
    def test_invalid_context_items_are_errors(self, context):
        document = {"@context": context, "type": ["VerifiableCredential"],
                    "issuer": "did:example:1", "credentialSubject": {"id": "did:example:2"}}
        with pytest.raises(JsonLdError):
            document_to_quads(document)

    def test_examples_vocabulary_defines_everything(self):
        # The W3C examples context has an @vocab: its terms are defined, not dropped.
        document = json.loads((VECTORS / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
        document["credentialSubject"]["anything"] = "goes"
        assert any("anything" in quad[1] for quad in document_to_quads(document))


class TestRdfc:
    def test_literal_escapes_match_canonical_n_quads(self):
        assert literal_token('a"b\\c\nd\re\tf\bg\fh\x01i\x7f') == (
            '"a\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001i\\u007F"')
        assert literal_token("x", language="en") == '"x"@en'
        assert literal_token("5", "http://www.w3.org/2001/XMLSchema#integer") == (
            '"5"^^<http://www.w3.org/2001/XMLSchema#integer>')

    def test_iri_escapes(self):
        assert iri_token("https://a.example/x y") == "<https://a.example/x\\u0020y>"

    def test_isomorphic_datasets_canonicalize_identically(self):
        p = "<https://p.example/>"
        first = [("_:x", p, "_:y", ""), ("_:y", p, '"1"', ""), ("_:x", p, '"0"', "")]
        second = [("_:q", p, '"0"', ""), ("_:r", p, '"1"', ""), ("_:q", p, "_:r", "")]
        assert canonicalize(first) == canonicalize(second)
        assert "_:c14n0" in canonicalize(first)

    def test_symmetric_blank_nodes_need_n_degree_hashing(self):
        p = "<https://p.example/>"
        ring = [("_:a", p, "_:b", ""), ("_:b", p, "_:c", ""), ("_:c", p, "_:a", "")]
        relabelled = [("_:z", p, "_:x", ""), ("_:x", p, "_:y", ""), ("_:y", p, "_:z", "")]
        assert canonicalize(ring) == canonicalize(relabelled)
        assert canonicalize(ring).count("_:c14n") == 6

    def test_poison_graph_is_stopped(self):
        p = "<https://p.example/>"
        nodes = [f"_:n{i}" for i in range(12)]
        clique = [(a, p, b, "") for a in nodes for b in nodes if a != b]
        with pytest.raises(RangeError):
            canonicalize(clique)

    def test_duplicate_quads_are_removed(self):
        quad = ("<https://s.example/>", "<https://p.example/>", '"v"', "")
        assert canonicalize([quad, quad]).count("\n") == 1


def test_primed_canonicalizer_answers_only_for_its_own_document():
    import copy

    from passport_vc.jsonld import default_canonicalizer

    canonicalizer = default_canonicalizer()
    document = json.loads((VECTORS / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
    quads = canonicalizer.quads(document)
    primed = canonicalizer.primed(document, quads)
    assert primed.rdfc(copy.deepcopy(document)) == canonicalizer.rdfc(document)
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["alumniOf"] = "Another University"
    assert primed.rdfc(changed) == canonicalizer.rdfc(changed) != canonicalizer.rdfc(document)
    assert primed.quads(changed) != quads


def test_vc_1_1_examples_context_loads_with_the_installed_odrl_context():
    """The VC 1.1 examples context imports ODRL's; it comes from the npm package installed at
    set-up, pinned by SHA-256 like every bundled context."""
    from passport_vc.jsonld import default_canonicalizer

    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1",
                     "https://www.w3.org/2018/credentials/examples/v1"],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "issuer": "https://example.edu/issuers/565049",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                              "alumniOf": "Example University"}}
    canonical = default_canonicalizer().rdfc(document)
    assert "<http://schema.org/alumniOf>" in canonical
    assert "https://www.w3.org/ns/odrl.jsonld" in default_loader()


def test_an_npm_context_must_match_its_pin_and_may_be_absent(tmp_path):
    from passport_vc.errors import ConfigError
    from passport_vc.jsonld import loader as loader_module

    index = tmp_path / "index.json"
    index.write_text(json.dumps({"https://example.org/absent": {
        "npm": "not-installed-package/context.jsonld", "sha256": "0" * 64}}))
    assert "https://example.org/absent" not in loader_module.FrozenLoader((index,))
    index.write_text(json.dumps({"https://www.w3.org/ns/odrl.jsonld": {
        "npm": "@digitalbazaar/odrl-context/contexts/odrl.jsonld", "sha256": "0" * 64}}))
    with pytest.raises(ConfigError, match="does not match its SHA-256 pin"):
        loader_module.FrozenLoader((index,))
