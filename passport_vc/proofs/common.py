"""Steps shared by the Data Integrity cryptosuites (VC Data Integrity 1.0 §2.1, §4)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..clock import parse_datetime
from ..errors import MalformedProofError, MalformedValueError, ProofTransformationError
from ..keys.multikey import decode_multibase, encode_multibase_b58


@dataclass(frozen=True)
class SuiteInput:
    """What a cryptosuite step needs besides the documents: the canonicalizer and key curve."""

    canonicalizer: object  # passport_vc.jsonld.Canonicalizer
    curve: str


def check_proof_options(options: dict, proof_type: str, cryptosuite: str | None) -> None:
    if options.get("type") != proof_type:
        raise ProofTransformationError(
            f"The proof type must be {proof_type}, not {options.get('type')!r}")
    if cryptosuite is not None and options.get("cryptosuite") != cryptosuite:
        raise ProofTransformationError(
            f"The cryptosuite must be {cryptosuite}, not {options.get('cryptosuite')!r}")
    created = options.get("created")
    if created is not None:
        try:
            parse_datetime(created)
        except MalformedValueError:
            raise MalformedProofError(f"The proof's 'created' value {created!r} is not a valid "
                                      "date and time", path="proof.created") from None


def proof_config_with_context(options: dict, unsecured: dict) -> dict:
    """Proof options minus proofValue, with the document's @context (the suites' step 4)."""
    config = {key: value for key, value in options.items() if key != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config


_DIRECT = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}  # skip hashlib.new's lookup


def sha(name: str, text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    direct = _DIRECT.get(name)
    return direct(data).digest() if direct is not None else hashlib.new(name, data).digest()


def encode_proof_value(signature: bytes) -> str:
    return encode_multibase_b58(signature)


def decode_proof_value(value: object, expected_lengths: tuple[int, ...]) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 400:
        raise MalformedProofError("The proofValue must be a base58btc multibase string "
                                  "(starting with 'z')", path="proof.proofValue")
    try:
        signature = decode_multibase(value)
    except ValueError:
        raise MalformedProofError("The proofValue is not valid base58btc",
                                  path="proof.proofValue") from None
    if len(signature) not in expected_lengths:
        raise MalformedProofError(f"The proofValue has {len(signature)} bytes; expected "
                                  f"{' or '.join(map(str, expected_lengths))}",
                                  path="proof.proofValue")
    return signature
