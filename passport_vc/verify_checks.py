"""The checks every credential gets after its signature, whatever its format: structure of an
enveloped document, keys and their binding to the issuer or holder, validity dates, status
lists and JSON Schemas. Mixed into ``passport_vc.verify.Verifier``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .clock import format_datetime
from .errors import (
    HolderBindingError,
    KeyBindingError,
    MalformedValueError,
    PassportError,
    StatusRetrievalError,
)
from .issue import issuer_id
from .keys import PublicKey
from .result import VerificationResult


class SharedChecks:
    """Verifier methods that record one named check each in a ``VerificationResult``."""

    @staticmethod
    def _secured_structure(document: dict, kid: str, algorithm: str | None,
                           result: VerificationResult) -> bool:
        """After an enveloping signature (JOSE, COSE, SD-JWT) checked out: the document it
        secured must be a well-formed credential. Records the facts; False if it is not."""
        from .model import validate_credential

        result.document = document
        result.facts.update(verification_method=kid, cryptosuite=algorithm)
        try:
            result.facts["version"] = validate_credential(document, purpose="verify")
            result.facts["issuer"] = issuer_id(document)
        except PassportError as error:
            result.failed("structure", error)
            return False
        result.passed("structure", "The credential is well formed")
        result.passed("proof", "The signature is valid", alg=algorithm)
        return True

    def _resolve_key(self, verification_method: str) -> PublicKey:
        method, _document = self.resolver.resolve_verification_method(verification_method)
        return method.public_key

    def _key_lookup(self, result: VerificationResult):
        def key_for(proof: dict) -> PublicKey:
            return self._resolve_key(proof["verificationMethod"])
        return key_for

    def _record_proofs(self, outcomes, result: VerificationResult) -> bool:
        failed = [outcome for outcome in outcomes if not outcome.ok]
        first = outcomes[0]
        result.facts["verification_method"] = first.verification_method
        result.facts["cryptosuite"] = first.proof.get("cryptosuite") or first.proof.get("type")
        if failed:
            result.failed("proof", failed[0].error, proofs=len(outcomes))
            return False
        result.passed("proof", "The signature is valid" if len(outcomes) == 1 else
                      f"All {len(outcomes)} signatures are valid", proofs=len(outcomes))
        return True

    def _check_binding(self, outcomes, controller: str | None, relationship: str, name: str,
                       result: VerificationResult) -> None:
        for outcome in outcomes:
            if not self._binding_for(outcome.verification_method, controller, relationship,
                                     name, result, record_success=False):
                return
        result.passed(name, "The key belongs to the "
                      + ("issuer" if relationship == "assertionMethod" else "holder"),
                      controller=controller)

    def _binding_for(self, verification_method: str | None, controller: str | None,
                     relationship: str, name: str, result: VerificationResult, *,
                     record_success: bool = True) -> bool:
        who = "issuer" if relationship == "assertionMethod" else "holder"
        error_class = KeyBindingError if who == "issuer" else HolderBindingError
        try:
            if not verification_method or not controller:
                raise error_class(f"The {who} or its key is missing")
            method, did_document = self.resolver.resolve_verification_method(verification_method)
            key_did = verification_method.split("#", 1)[0]
            if key_did != controller or method.controller != controller:
                raise error_class(
                    f"The key {verification_method} does not belong to the {who} {controller}")
            if not did_document.authorizes(verification_method, relationship):
                raise error_class(
                    f"The {who}'s DID document does not list {verification_method} for "
                    f"{relationship}")
        except PassportError as error:
            result.failed(name, error, controller=controller)
            return False
        if record_success:
            result.passed(name, f"The key belongs to the {who}", controller=controller)
        return True

    def _check_common(self, document: dict, result: VerificationResult, now: datetime) -> None:
        self._check_validity(document, result, now)
        if document.get("credentialStatus") is not None:
            self._check_status(document, result)
        if document.get("credentialSchema") is not None:
            self._check_schema(document, result)

    def _check_validity(self, document: dict, result: VerificationResult, now: datetime) -> None:
        from .model.validity import check_validity, validity_window

        try:
            valid_from, valid_until = window = validity_window(document)
            state, message = check_validity(document, now, window)
        except PassportError as error:
            result.failed("validity", error)
            return
        result.facts.update(validity=state,
                            valid_from=format_datetime(valid_from) if valid_from else None,
                            valid_until=format_datetime(valid_until) if valid_until else None)
        if state == "valid":
            result.passed("validity", message)
        else:
            result.failed("validity", message, state=state)

    def _check_status(self, document: dict, result: VerificationResult) -> None:
        if not self.check_status:
            result.warn("The revocation status was not checked (status checks are off)")
            return
        if self.fetch is None:
            result.unknown("status", "The revocation status could not be checked: no way to "
                           "fetch status lists here")
            return
        from .status import check_status

        try:
            outcomes = check_status(document, fetch=self.fetch, clock=self.clock,
                                    verify_list_credential=self._verify_status_list,
                                    verified_lists=self.verified_lists)
        except StatusRetrievalError as error:
            result.unknown("status", f"The revocation status could not be checked: "
                           f"{error.detail}", problem=error.to_problem())
            return
        except PassportError as error:
            result.failed("status", error)
            return
        facts = [{"purpose": o.purpose, "set": o.set, "value": o.value, "message": o.message,
                  "list_url": o.list_url, "from_cache": o.from_cache,
                  "fetched_at": format_datetime(o.fetched_at) if o.fetched_at else None}
                 for o in outcomes]
        result.facts["status"] = facts
        states = {_state_of(o) for o in outcomes} - {None}
        if states:
            word = "revoked" if "revoked" in states else "suspended"
            purpose = "revocation" if word == "revoked" else "suspension"
            result.failed("status", f"The credential has been {word} by its issuer",
                          purpose=purpose, state=word)
        else:
            result.passed("status", "The credential has not been revoked or suspended")

    def _verify_status_list(self, list_credential: dict) -> VerificationResult:
        # the same resolver, clock and canonicalizer; no status or schema checks of its own
        inner = replace(self, fetch=None, schemas=None, check_status=False, verified_lists=None)
        return inner.verify_credential(list_credential)

    def _check_schema(self, document: dict, result: VerificationResult) -> None:
        if self.schemas is None:
            result.warn("The credential's schema was not checked (no schemas configured)")
            return
        from .model.schema_check import check_credential_schemas

        outcomes = check_credential_schemas(document, self.schemas)
        failed = [message for _, ok, message in outcomes if ok is False]
        unknown = [schema_id for schema_id, ok, _ in outcomes if ok is None]
        for schema_id in unknown:
            result.warn(f"The schema {schema_id} is not known here, so it was not checked")
        if failed:
            result.failed("schema", MalformedValueError("The credential does not match its "
                                                        "schema: " + "; ".join(failed)))
        elif len(unknown) < len(outcomes):
            result.passed("schema", "The credential matches its schema")


def _state_of(outcome) -> str | None:
    """"revoked"/"suspended" when a status entry says so: a set revocation or suspension bit,
    or a lifecycle "message" entry (statusSize 2) whose statusMessage is one of those words."""
    if outcome.purpose == "revocation" and outcome.set:
        return "revoked"
    if outcome.purpose == "suspension" and outcome.set:
        return "suspended"
    if outcome.purpose == "message" and outcome.message in ("revoked", "suspended"):
        return outcome.message
    return None

