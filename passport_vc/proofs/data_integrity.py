"""Verifiable Credential Data Integrity 1.0: generic add/verify, proof sets and proof chains.

§4.1 Add Proof, §4.2 Add Proof Set/Chain, §4.4 Verify Proof, §4.5 Verify Proof Sets and Chains.
The cryptosuites are a frozen allowlist; a proof naming anything else is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from ..clock import parse_datetime
from ..errors import (
    InvalidChallengeError,
    InvalidDomainError,
    MalformedProofError,
    MalformedValueError,
    MismatchedProofPurposeError,
    PassportError,
    ProofGenerationError,
    ProofVerificationError,
    RangeError,
    UnsupportedAlgorithmError,
)
from ..keys import PublicKey, Signer
from . import (
    ecdsa_jcs_2019,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_jcs_2022,
    eddsa_rdfc_2022,
)
from .common import SuiteInput, decode_proof_value, encode_proof_value

SUITES = MappingProxyType({
    eddsa_rdfc_2022.NAME: eddsa_rdfc_2022,
    ecdsa_rdfc_2019.NAME: ecdsa_rdfc_2019,
    eddsa_jcs_2022.NAME: eddsa_jcs_2022,
    ecdsa_jcs_2019.NAME: ecdsa_jcs_2019,
})
LEGACY_PROOF_TYPES = MappingProxyType({
    ed25519_signature_2020.PROOF_TYPE: ed25519_signature_2020,
})
JCS_SUITES = frozenset({eddsa_jcs_2022.NAME, ecdsa_jcs_2019.NAME})
MAX_PROOFS = 8
CLOCK_SKEW = timedelta(minutes=5)


def suite_for(proof: dict):
    """The cryptosuite module for a proof (or proof options), from the frozen allowlist."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        name = proof.get("cryptosuite")
        suite = SUITES.get(name) if isinstance(name, str) else None
        if suite is None:
            raise UnsupportedAlgorithmError(
                f"The cryptosuite {proof.get('cryptosuite')!r} is not supported (allowed: "
                f"{', '.join(SUITES)})", path="proof.cryptosuite")
        return suite
    suite = LEGACY_PROOF_TYPES.get(proof_type)
    if suite is None:
        raise UnsupportedAlgorithmError(f"The proof type {proof_type!r} is not supported",
                                        path="proof.type")
    return suite


def proofs_of(document: dict) -> list[dict]:
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    if len(proofs) > MAX_PROOFS:
        raise RangeError(f"The document has more than {MAX_PROOFS} proofs")
    if not all(isinstance(item, dict) for item in proofs):
        raise MalformedProofError("Every proof must be a JSON object", path="proof")
    return proofs


def _without_proof(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def _with_previous(unsecured: dict, proofs: list[dict], previous) -> dict:
    """The document a chained proof signed: the unsecured document plus the proofs it names."""
    wanted = previous if isinstance(previous, list) else [previous]
    if not all(isinstance(item, str) for item in wanted):
        raise MalformedProofError("previousProof must be a proof id or a list of them",
                                  path="proof.previousProof")
    matching = [proof for proof in proofs if proof.get("id") in wanted]
    if len(matching) != len(set(wanted)):
        missing = sorted(set(wanted) - {proof.get("id") for proof in matching})
        raise MalformedProofError(f"previousProof names a proof that is not present: "
                                  f"{', '.join(missing)}", path="proof.previousProof")
    chained = dict(unsecured)
    chained["proof"] = matching[0] if len(matching) == 1 else matching
    return chained


def _hash_data(suite, document: dict, options: dict, env: SuiteInput) -> bytes:
    transformed = suite.transformation(document, options, env)
    canonical_config = suite.proof_configuration(options, document, env)
    return suite.hashing(transformed, canonical_config, env)


def create_proof(unsecured: dict, signer: Signer, options: dict, canonicalizer) -> dict:
    """§4.1 steps 1–6 for one proof over ``unsecured`` (which may carry chained proofs)."""
    suite = suite_for(options)
    if signer.curve not in suite.CURVES:
        wanted = options.get("cryptosuite") or suite.PROOF_TYPE
        raise UnsupportedAlgorithmError(f"A {signer.curve} key cannot sign with {wanted}")
    env = SuiteInput(canonicalizer, signer.curve)
    proof = dict(options)
    if options.get("cryptosuite") in JCS_SUITES and "@context" in unsecured:
        proof.setdefault("@context", unsecured["@context"])
    try:
        signature = suite.proof_serialization(_hash_data(suite, unsecured, proof, env), signer)
    except PassportError:
        raise
    except (ValueError, TypeError) as error:
        raise ProofGenerationError(f"The proof could not be made: {error}") from None
    proof["proofValue"] = encode_proof_value(signature)
    return proof


def add_proof(document: dict, signer: Signer, options: dict, canonicalizer, *,
              as_set: bool = False) -> dict:
    """§4.2: add a proof to a document, keeping existing proofs (a set) or chaining to them.

    ``as_set``: write ``proof`` as an array even when it holds one proof (a proof set of one,
    §2.1.1), which Open Badges 3.0's JSON Schema requires."""
    existing = proofs_of(document)
    unsecured = _without_proof(document)
    signed_over = unsecured
    if options.get("previousProof") is not None:
        try:
            signed_over = _with_previous(unsecured, existing, options["previousProof"])
        except MalformedProofError as error:
            raise ProofGenerationError(error.detail) from None
    proof = create_proof(signed_over, signer, options, canonicalizer)
    secured = dict(unsecured)
    every = [*existing, proof]
    secured["proof"] = every[0] if len(every) == 1 and not as_set else every
    return secured


@dataclass
class ProofOutcome:
    proof: dict
    ok: bool
    error: PassportError | None = None
    public_key: PublicKey | None = None

    @property
    def verification_method(self) -> str | None:
        value = self.proof.get("verificationMethod")
        return value if isinstance(value, str) else None


KeyLookup = Callable[[dict], PublicKey]


def _check_options(proof: dict, *, purpose: str | None, challenge: str | None,
                   domain: str | None, now: datetime | None) -> None:
    for field in ("type", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(field), str):
            raise MalformedProofError(f"The proof has no valid '{field}'", path=f"proof.{field}")
    if purpose is not None and proof["proofPurpose"] != purpose:
        raise MismatchedProofPurposeError(
            f"The proof is for '{proof['proofPurpose']}', but '{purpose}' is required")
    if challenge is not None and proof.get("challenge") != challenge:
        raise InvalidChallengeError("The presentation was not made for this request "
                                    "(its challenge does not match)")
    if domain is not None:
        domains = proof.get("domain")
        domains = domains if isinstance(domains, list) else [domains]
        if domain not in domains:
            raise InvalidDomainError("The presentation was made for a different website "
                                     "(its domain does not match)")
    if now is not None:
        try:
            if proof.get("expires") and parse_datetime(proof["expires"]) < now:
                raise RangeError("The proof has expired", path="proof.expires")
            if proof.get("created") and parse_datetime(proof["created"]) > now + CLOCK_SKEW:
                raise RangeError("The proof was created in the future", path="proof.created")
        except MalformedValueError as error:
            raise MalformedProofError(error.detail) from None


def verify_one(secured: dict, proof: dict, all_proofs: list[dict], key_for: KeyLookup,
               canonicalizer, *, purpose: str | None = "assertionMethod",
               challenge: str | None = None, domain: str | None = None,
               now: datetime | None = None) -> ProofOutcome:
    """§4.4 for one proof of a (possibly chained) set. Never raises for a bad proof."""
    public_key = None
    try:
        _check_options(proof, purpose=purpose, challenge=challenge, domain=domain, now=now)
        suite = suite_for(proof)
        unsecured = _without_proof(secured)
        if proof.get("previousProof") is not None:
            unsecured = _with_previous(unsecured, all_proofs, proof["previousProof"])
        public_key = key_for(proof)
        if public_key.curve not in suite.CURVES:
            raise UnsupportedAlgorithmError(
                f"A {public_key.curve} key cannot be used with {suite.NAME or suite.PROOF_TYPE}")
        signature = decode_proof_value(proof["proofValue"], suite.SIGNATURE_LENGTHS)
        env = SuiteInput(canonicalizer, public_key.curve)
        options = {key: value for key, value in proof.items() if key != "proofValue"}
        hash_data = _hash_data(suite, unsecured, options, env)
        if not suite.proof_verification(hash_data, signature, public_key):
            raise ProofVerificationError("The signature does not match: the document was "
                                         "changed after it was signed, or signed with another key")
        return ProofOutcome(proof, True, None, public_key)
    except PassportError as error:
        return ProofOutcome(proof, False, error, public_key)


def verify_proofs(secured: dict, key_for: KeyLookup, canonicalizer, **checks) -> list[ProofOutcome]:
    """§4.5: every proof in the set must verify; chained proofs over the proofs they name."""
    try:
        proofs = proofs_of(secured)
    except PassportError as error:
        return [ProofOutcome({}, False, error)]
    if not proofs:
        return [ProofOutcome({}, False, MalformedProofError("The document has no proof"))]
    return [verify_one(secured, proof, proofs, key_for, canonicalizer, **checks)
            for proof in proofs]
