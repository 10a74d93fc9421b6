"""Verifying recipes: a bad credential is a normal result, never an exception.

``Verifier`` is configured once (resolver, fetcher, clock, schemas) and is safe to share
between threads.

Checks in a result (``VerificationResult.checks``), by name:
- ``structure``: data model + JSON-LD safe mode
- ``proof``: signature(s) (Data Integrity or vc+jwt)
- ``issuer_binding``: the key is the issuer's and listed under assertionMethod
- ``validity``: validFrom / validUntil against the clock
- ``status``: Bitstring Status List (ok=None when it could not be checked)
- ``schema``: credentialSchema JSON Schemas (an unknown schema is a warning)
For presentations also ``holder_binding`` and ``presentation`` (challenge/domain/freshness), and
``credentials`` holds one result per embedded credential.

``facts`` carries what the services show: ``format`` ("ldp_vc"/"jwt_vc"), ``version``,
``issuer``, ``verification_method``, ``cryptosuite``, ``valid_from``, ``valid_until``,
``validity`` ("valid"/"expired"/"not-yet-valid"), ``status`` (list of dicts: purpose, set,
message, list_url, fetched_at, from_cache), ``holder``.

Data Integrity credentials and the dispatch by format are here; the other formats are in
``verify_formats``, the checks every format shares in ``verify_checks`` and presentations in
``verify_presentation`` (mixins of ``Verifier``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock, system_clock
from .errors import PassportError
from .inputs import read_unverified
from .issue import issuer_id
from .jsonld import Canonicalizer, default_canonicalizer
from .proofs import data_integrity
from .result import VerificationResult
from .status.check import VerifiedLists
from .verify_checks import SharedChecks
from .verify_formats import CredentialFormats
from .verify_presentation import Presentations


@dataclass
class Verifier(CredentialFormats, SharedChecks, Presentations):
    resolver: object  # passport_vc.did.ResolverRegistry
    fetch: object | None = None  # passport_vc.fetch.Fetcher, for status lists
    clock: Clock = system_clock
    schemas: object | None = None  # passport_vc.model.schema_check.SchemaStore
    check_status: bool = True
    canonicalizer: Canonicalizer = field(default_factory=default_canonicalizer)
    # Status list credentials already verified (same URL, same bytes, a few minutes).
    verified_lists: VerifiedLists | None = field(default_factory=VerifiedLists)

    def revalidating(self) -> Verifier:
        """The same verifier, but DID documents and status lists are fetched from their origin
        again (cached copies only if the origin cannot be reached) and verified again — for a
        person's "check again now"."""
        from dataclasses import replace

        from .fetch import revalidating

        fetch = revalidating(self.fetch) if self.fetch is not None else None
        make = getattr(self.resolver, "revalidating", None)
        resolver = make() if callable(make) else self.resolver
        return replace(self, resolver=resolver, fetch=fetch, verified_lists=None)

    # --- credentials ----------------------------------------------------------------------------
    def verify_credential(self, unverified: dict | str, *,
                          parsed: bool = False) -> VerificationResult:
        """Verify a credential given as a JSON object, JSON text, a vc+jwt or a compact QR text.

        ``parsed``: the object came out of ``passport_vc.inputs.parse_json`` (directly or inside
        a larger parsed document), which already bounded its size and depth and checked its
        text, so it is not walked again."""
        from .envelope import is_enveloped, open_envelope

        result = VerificationResult("credential")
        if parsed and isinstance(unverified, dict) and not is_enveloped(unverified):
            self._verify_credential_ld(unverified, result)
            return result
        try:
            if is_enveloped(unverified):
                result.facts["enveloped"] = True
                unverified = open_envelope(unverified)
                if isinstance(unverified, bytes):  # only COSE comes out of an envelope as bytes
                    self._verify_credential_cose(unverified, result)
                    return result
            given = read_unverified(unverified)
        except PassportError as error:
            result.failed("structure", error)
            return result
        from .ob2 import is_ob2_assertion
        from .proofs.jose import read_unverified as read_jws

        decoded = None  # a token's header and payload, decoded once for every step below
        if given.kind == "jwt":
            try:
                decoded = read_jws(given.value)
            except PassportError:
                decoded = None  # the proof check decodes it again and says what is wrong
        if (given.kind == "json" and is_ob2_assertion(given.value)) or (
                decoded is not None and is_ob2_assertion(decoded[1])):
            self._verify_ob2(given.value, result)
        elif given.kind == "jwt":
            self._verify_credential_jwt(given.value, result, decoded)
        elif given.kind == "sd-jwt":
            self._verify_credential_any_sd_jwt(given.value, result)
        else:
            self._verify_credential_ld(given.value, result)
        return result

    def _verify_credential_ld(self, document: dict, result: VerificationResult) -> None:
        from .model import validate_credential

        result.document = document
        result.facts["format"] = "ldp_vc"
        try:
            result.facts["version"] = validate_credential(document, purpose="verify")
            result.facts["issuer"] = issuer_id(document)
            unsecured = {k: v for k, v in document.items() if k != "proof"}
            quads = self.canonicalizer.quads(unsecured)
        except PassportError as error:
            result.failed("structure", error)
            return
        result.passed("structure", "The credential is well formed and every term is defined")
        now = self.clock()
        outcomes = data_integrity.verify_proofs(
            document, self._key_lookup(result), self.canonicalizer.primed(unsecured, quads),
            purpose="assertionMethod", now=now)
        if not self._record_proofs(outcomes, result):
            return
        self._check_binding(outcomes, result.facts["issuer"], "assertionMethod",
                            "issuer_binding", result)
        self._check_common(document, result, now)

