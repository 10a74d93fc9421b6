"""JSON Canonicalization Scheme (RFC 8785) steps shared by eddsa-jcs-2022 and ecdsa-jcs-2019."""

from __future__ import annotations

import rfc8785

from ..errors import MalformedProofError, ProofTransformationError


def jcs(document: object) -> str:
    try:
        return rfc8785.dumps(document).decode("utf-8")
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise ProofTransformationError(f"The document cannot be canonicalized: {error}") from None


def proof_config(options: dict, unsecured: dict) -> dict:
    """Proof options minus proofValue; a proof @context must be a prefix of the document's."""
    config = {key: value for key, value in options.items() if key != "proofValue"}
    if "@context" in config:
        proof_ctx = config["@context"]
        doc_ctx = unsecured.get("@context")
        proof_list = proof_ctx if isinstance(proof_ctx, list) else [proof_ctx]
        doc_list = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
        if doc_list[: len(proof_list)] != proof_list:
            raise MalformedProofError("The proof's @context must match the start of the "
                                      "document's @context", path="proof.@context")
    elif "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config
