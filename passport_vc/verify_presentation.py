"""Verifiable presentations: the holder's proof (challenge, domain, freshness), its binding to
the holder, enveloped presentations, and every credential inside. Mixed into
``passport_vc.verify.Verifier``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .clock import parse_datetime
from .errors import MalformedValueError, PassportError
from .inputs import read_unverified
from .proofs import data_integrity
from .result import VerificationResult

NOT_BOUND = ("The presentation names no holder, so it is not bound to anyone: it shows the "
             "credentials, not who is presenting them")
MAX_CREDENTIALS_IN_PRESENTATION = 100


class Presentations:
    """Verifier methods for presentations."""

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


