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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from .clock import Clock, format_datetime, parse_datetime, system_clock
from .errors import (
    HolderBindingError,
    KeyBindingError,
    MalformedValueError,
    PassportError,
    StatusRetrievalError,
)
from .inputs import read_unverified
from .issue import issuer_id
from .jsonld import Canonicalizer, default_canonicalizer
from .keys import PublicKey
from .proofs import data_integrity
from .result import VerificationResult
from .status.check import VerifiedLists

NOT_BOUND = ("The presentation names no holder, so it is not bound to anyone: it shows the "
             "credentials, not who is presenting them")
MAX_CREDENTIALS_IN_PRESENTATION = 100


@dataclass
class Verifier:
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

    def _verify_credential_any_sd_jwt(self, token: str, result: VerificationResult) -> None:
        """A VC-JOSE-COSE ``vc+sd-jwt`` (a W3C credential) or an IETF SD-JWT VC."""
        from .proofs.vc_sd_jwt import kind_of

        try:
            kind = kind_of(token)
        except PassportError as error:
            result.failed("structure", error)
            return
        if kind == "presentation":
            result.failed("structure", MalformedValueError(
                "This is a presentation (vp+sd-jwt), not a credential"))
        elif kind == "credential":
            self._verify_credential_vc_sd_jwt(token, result)
        else:
            self._verify_credential_sd_jwt(token, result)

    def _verify_credential_vc_sd_jwt(self, token: str, result: VerificationResult) -> None:
        from .proofs.vc_sd_jwt import verify_vc_sd_jwt

        result.facts["format"] = "vc+sd-jwt"
        now = self.clock()
        try:
            verified = verify_vc_sd_jwt(token, kind="credential",
                                        public_key_for_kid=self._resolve_key, clock=self.clock)
        except PassportError as error:
            result.failed("proof", error)
            return
        document = verified.document
        result.facts.update(disclosed=verified.disclosed, withheld=verified.withheld)
        if not self._secured_structure(document, verified.kid, verified.header.get("alg"),
                                       result):
            return
        if not self._binding_for(verified.kid, result.facts["issuer"], "assertionMethod",
                                 "issuer_binding", result):
            return
        if verified.key_binding is not None:
            result.passed("holder_binding", "It was signed by the holder's key named in the "
                          "credential (when is not known: no request code was checked)")
        elif verified.holder_key is not None:
            result.warn("The credential was not signed by its holder's key when it was shared, "
                        "so it may be a copy")
        self._check_common(document, result, now)

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

    def _verify_credential_jwt(self, token: str, result: VerificationResult,
                               decoded: tuple[dict, dict] | None = None) -> None:
        from .proofs.jose import verify_vc_jwt

        result.facts["format"] = "jwt_vc"
        now = self.clock()
        keys: dict[str, PublicKey] = {}

        def key_for_kid(kid: str) -> PublicKey:
            keys[kid] = self._resolve_key(kid)
            return keys[kid]

        try:
            verified = verify_vc_jwt(token, public_key_for_kid=key_for_kid, clock=self.clock,
                                     unverified=decoded)
        except PassportError as error:
            result.failed("proof", error)
            return
        document = verified.payload
        if not self._secured_structure(document, verified.kid, verified.header.get("alg"),
                                       result):
            return
        self._binding_for(verified.kid, result.facts["issuer"], "assertionMethod",
                          "issuer_binding", result)
        self._check_common(document, result, now)

    def verify_sd_jwt_vc(self, presentation: str, *, nonce: str | None = None,
                         audience: str | None = None) -> VerificationResult:
        """An SD-JWT VC (``dc+sd-jwt``); with ``nonce``/``audience`` its key binding must
        answer that request. ``facts["disclosed"]`` names the claims the holder revealed."""
        result = VerificationResult("credential")
        self._verify_credential_sd_jwt(presentation, result, nonce=nonce, audience=audience)
        return result

    def _verify_credential_sd_jwt(self, token: str, result: VerificationResult, *,
                                  nonce: str | None = None, audience: str | None = None) -> None:
        from .errors import FetchError
        from .jwt_vc_issuer import is_url_issuer, issuer_public_key
        from .sd_jwt_vc import credential_view, verify_sd_jwt_vc

        result.facts["format"] = "dc+sd-jwt"
        bound: list[tuple[str, str]] = []

        def issuer_key(iss: str, kid: str | None) -> PublicKey:
            bound.append((iss, kid))
            if is_url_issuer(iss):
                return issuer_public_key(iss, kid, self.fetch)
            return self._resolve_key(kid)

        try:
            verified = verify_sd_jwt_vc(token, issuer_key=issuer_key, nonce=nonce,
                                        audience=audience, clock=self.clock)
        except FetchError as error:
            result.unknown("proof", f"The issuer's published keys could not be fetched: "
                           f"{error.detail}", problem=error.to_problem())
            return
        except PassportError as error:
            part = error.extra.get("part")
            result.failed("holder_binding" if part == "key_binding" else "proof", error)
            return
        iss, kid = bound[-1]
        document = credential_view(verified.claims)
        result.document = document
        result.facts.update(issuer=iss, verification_method=kid,
                            cryptosuite=verified.header.get("alg"),
                            vct=verified.claims.get("vct"),
                            disclosed=verified.disclosed_names,
                            withheld=verified.undisclosed, claims=verified.claims)
        result.passed("structure", "The credential is well formed")
        result.passed("proof", "The signature is valid", alg=verified.header.get("alg"))
        if is_url_issuer(iss):  # the key came from the metadata whose issuer is iss
            result.passed("issuer_binding", f"The key is published by {urlsplit(iss).netloc} "
                          "as the issuer's own (JWT VC Issuer Metadata)", controller=iss)
        elif not self._binding_for(kid, iss, "assertionMethod", "issuer_binding", result):
            return
        if verified.key_binding is not None:
            result.passed("holder_binding", "It was sent by the wallet the credential was "
                          "issued to, for this request" if nonce else "It was signed by the "
                          "wallet the credential was issued to (when is not known: no request "
                          "code was checked)")
        elif verified.holder_key is not None:
            result.warn("The credential was not signed by the worker's wallet when it was "
                        "shared, so it may be a copy")
        self._check_common(document, result, self.clock())

    def _verify_ob2(self, given: dict | str, result: VerificationResult) -> None:
        """Open Badges 2.0: checked with the provider's website (see passport_vc.ob2)."""
        from .errors import FetchError
        from .ob2 import check_hosted, check_signed, credential_view, recipient_note

        result.facts["format"] = "ob2"
        if self.fetch is None:
            result.unknown("proof", "This older-format badge can only be checked with the "
                           "provider's website, which cannot be reached from here")
            return
        try:
            outcome = (check_signed(given, self.fetch) if isinstance(given, str)
                       else check_hosted(given, self.fetch))
        except FetchError as error:
            result.unknown("proof", f"The badge could not be checked: {error.detail}",
                           problem=error.to_problem())
            return
        except PassportError as error:
            result.failed("issuer_binding" if isinstance(error, KeyBindingError) else "proof",
                          error)
            return
        signed = outcome.method == "signed"
        result.facts.update(ob2_method=outcome.method, issuer=outcome.issuer.get("id"),
                            verification_method=outcome.assertion.get("verification", {}).get(
                                "creator") if signed else None,
                            cryptosuite="RS256" if signed else None)
        document = credential_view(outcome)
        result.document = document
        result.passed("structure", "The badge is a readable Open Badges 2.0 badge")
        result.passed("proof", "The signature matches, made with a key the provider publishes "
                      "on their website" if signed else "The provider's website still publishes "
                      "this badge (older badges are not signed)")
        result.passed("issuer_binding", "The key is listed by the provider" if signed else
                      "The badge is on its provider's website")
        for note in [*outcome.notes, recipient_note(outcome.assertion)]:
            if note:
                result.warn(note)
        self._check_validity(document, result, self.clock())
        if outcome.revoked:
            reason = outcome.revocation_reason
            result.failed("status", "The provider has revoked this badge"
                          + (f": {reason}" if isinstance(reason, str) and reason else ""),
                          state="revoked")
        elif signed and outcome.issuer.get("revocationList") is None:
            result.unknown("status", "The provider publishes no revocation list, so it is not "
                           "known whether this badge was revoked")
        else:
            result.passed("status", "The provider has not revoked this badge")

    def _verify_credential_cose(self, data: bytes, result: VerificationResult) -> None:
        from .proofs.cose import verify_cose

        result.facts["format"] = "cose_vc"
        now = self.clock()
        try:
            verified = verify_cose(data, kind="credential", public_key_for_kid=self._resolve_key)
        except PassportError as error:
            result.failed("proof", error)
            return
        document = verified.document
        if not self._secured_structure(document, verified.kid, verified.algorithm, result):
            return
        self._binding_for(verified.kid, result.facts["issuer"], "assertionMethod",
                          "issuer_binding", result)
        self._check_common(document, result, now)

    # --- shared checks --------------------------------------------------------------------------
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
            valid_from, valid_until = validity_window(document)
            state, message = check_validity(document, now)
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
        inner = Verifier(self.resolver, None, self.clock, None, False, self.canonicalizer, None)
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

    # --- presentations --------------------------------------------------------------------------
    def verify_presentation(self, unverified: dict | str, *, challenge: str | None = None,
                            domain: str | None = None, max_age: timedelta | None = None,
                            require_holder: bool | None = None,
                            parsed: bool = False) -> VerificationResult:
        """Verify a presentation and each credential in it.

        ``parsed``: as for ``verify_credential`` (an object that came out of ``parse_json``
        is not walked again).

        ``require_holder``: the presentation must name a holder whose key signed it. By default
        it is required when a ``challenge`` is asked for (an employer's check code binds the
        answer to the worker); VC DM 2.0 makes ``holder`` optional, so a caller that only wants
        the credentials checked (the VC API) passes False and gets a plain "not bound" warning.
        """
        from .envelope import ENVELOPED_PRESENTATION, is_enveloped
        from .model import validate_presentation

        if require_holder is None:
            require_holder = challenge is not None
        if is_enveloped(unverified, ENVELOPED_PRESENTATION):
            return self._verify_enveloped_presentation(unverified, challenge, domain,
                                                       require_holder)

        result = VerificationResult("presentation")
        try:
            if parsed and isinstance(unverified, dict):
                document = unverified
            else:
                given = read_unverified(unverified)
                if given.kind == "sd-jwt":
                    from .proofs.vc_sd_jwt import kind_of

                    if kind_of(given.value) == "presentation":  # a bare vp+sd-jwt
                        return self._verify_enveloped_presentation(
                            {"type": ENVELOPED_PRESENTATION,
                             "id": "data:application/vp+sd-jwt," + given.value},
                            challenge, domain, require_holder)
                    # an SD-JWT VC presentation carries its own binding
                    return self.verify_sd_jwt_vc(given.value, nonce=challenge, audience=domain)
                if given.kind != "json":
                    raise MalformedValueError("Presentations are accepted as JSON")
                document = given.value
            result.document = document
            validate_presentation(document, purpose="verify")
            unsecured = {k: v for k, v in document.items() if k != "proof"}
            quads = self.canonicalizer.quads(unsecured)
        except PassportError as error:
            result.failed("structure", error)
            return result
        result.passed("structure", "The presentation is well formed")
        holder = document.get("holder")
        holder = holder.get("id") if isinstance(holder, dict) else holder
        result.facts["holder"] = holder
        now = self.clock()
        if document.get("proof") is None:
            if challenge is not None or domain is not None:
                result.failed("presentation", MalformedValueError(
                    "The presentation is not signed, so it cannot answer this request"))
            else:
                result.warn("The presentation is not signed by its holder")
        else:
            outcomes = data_integrity.verify_proofs(
                document, self._key_lookup(result), self.canonicalizer.primed(unsecured, quads),
                purpose="authentication", challenge=challenge, domain=domain, now=now)
            if self._record_proofs(outcomes, result):
                if holder is None and not require_holder:
                    result.warn(NOT_BOUND)
                else:
                    self._check_binding(outcomes, holder, "authentication", "holder_binding",
                                        result)
                self._check_freshness(outcomes, result, now, max_age)
        for item in self._embedded(document, result):
            result.credentials.append(self._verify_embedded(item))
        return result

    def _verify_enveloped_presentation(self, envelope: dict, challenge: str | None,
                                       domain: str | None,
                                       require_holder: bool) -> VerificationResult:
        """A vp+jwt or vp+cose (VC-JOSE-COSE §3.1.2, §3.3.2) inside an
        EnvelopedVerifiablePresentation. The securing signature stands in for the proof; a
        challenge and domain can only be answered by a vp+jwt's ``nonce`` and ``aud``."""
        from .envelope import ENVELOPED_PRESENTATION, open_envelope
        from .model import validate_presentation
        from .proofs.cose import verify_cose
        from .proofs.jose import verify_vp_jwt
        from .proofs.vc_sd_jwt import verify_vc_sd_jwt

        result = VerificationResult("presentation")
        result.facts["enveloped"] = True
        answered_by_key_binding = False
        try:
            opened = open_envelope(envelope, kind=ENVELOPED_PRESENTATION)
        except PassportError as error:
            result.failed("structure", error)
            return result
        if isinstance(opened, dict):  # application/vp: an ordinary (unsecured) presentation
            return self.verify_presentation(opened, challenge=challenge, domain=domain,
                                            require_holder=require_holder)
        claims: dict = {}
        try:
            if isinstance(opened, bytes):
                verified = verify_cose(opened, kind="presentation",
                                       public_key_for_kid=self._resolve_key)
                document, kid, algorithm = verified.document, verified.kid, verified.algorithm
                result.facts["format"] = "cose_vp"
            elif "~" in opened:  # vp+sd-jwt: a challenge is answered by its key binding
                selective = verify_vc_sd_jwt(opened, kind="presentation",
                                             public_key_for_kid=self._resolve_key,
                                             clock=self.clock, nonce=challenge, audience=domain)
                document, kid = selective.document, selective.kid
                algorithm = selective.header.get("alg")
                result.facts.update(format="vp+sd-jwt", disclosed=selective.disclosed,
                                    withheld=selective.withheld)
                answered_by_key_binding = True
            else:
                token = verify_vp_jwt(opened, public_key_for_kid=self._resolve_key,
                                      clock=self.clock)
                document, kid, claims = token.payload, token.kid, token.claims
                algorithm = token.header.get("alg")
                result.facts["format"] = "jwt_vp"
        except PassportError as error:
            result.failed("proof", error)
            return result
        result.document = document
        try:
            validate_presentation(document, purpose="verify")
        except PassportError as error:
            result.failed("structure", error)
            return result
        result.passed("structure", "The presentation is well formed")
        result.passed("proof", "The signature is valid", alg=algorithm)
        holder = document.get("holder")
        holder = holder.get("id") if isinstance(holder, dict) else holder
        result.facts["holder"] = holder
        self._binding_for(kid, holder, "authentication", "holder_binding", result)
        if answered_by_key_binding:
            if challenge is not None or domain is not None:  # verify_vc_sd_jwt checked them
                result.passed("presentation", "The presentation was made for this check (its "
                              "key binding answers the request)")
        else:
            self._check_nonce(claims, challenge, domain, result)
        for item in self._embedded(document, result):
            result.credentials.append(self.verify_credential(item))
        return result

    @staticmethod
    def _check_nonce(claims: dict, challenge: str | None, domain: str | None,
                     result: VerificationResult) -> None:
        from .errors import InvalidChallengeError, InvalidDomainError

        if challenge is None and domain is None:
            return
        audience = claims.get("aud")
        audience = audience if isinstance(audience, list) else [audience]
        if challenge is not None and claims.get("nonce") != challenge:
            result.failed("presentation", InvalidChallengeError(
                "The presentation was not made for this request (its nonce is not the "
                "challenge)"))
        elif domain is not None and domain not in audience:
            result.failed("presentation", InvalidDomainError(
                "The presentation was made for someone else (its audience is not this domain)"))
        else:
            result.passed("presentation", "The presentation was made for this check")

    def _verify_embedded(self, item) -> VerificationResult:
        """A credential inside a presentation whose whole JSON was already bounded and checked
        (read_unverified): an object is verified without walking it a second time."""
        return self.verify_credential(item, parsed=True)

    def _check_freshness(self, outcomes, result, now: datetime, max_age) -> None:
        created = outcomes[0].proof.get("created")
        result.facts["presented_at"] = created
        if max_age is None or not created:
            result.passed("presentation", "The presentation was made for this check")
            return
        if now - parse_datetime(created) > max_age:
            result.failed("presentation", f"The presentation is older than {max_age}; ask for "
                          "a new one")
        else:
            result.passed("presentation", "The presentation is recent")

    def _embedded(self, document: dict, result: VerificationResult) -> list[dict]:
        # validate_presentation already refused anything but objects; enveloped credentials
        # are opened by verify_credential.
        items = document.get("verifiableCredential", [])
        items = items if isinstance(items, list) else [items]
        if len(items) > MAX_CREDENTIALS_IN_PRESENTATION:
            result.failed("structure", f"More than {MAX_CREDENTIALS_IN_PRESENTATION} credentials")
            return []
        return items


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
