"""The credential formats besides Data Integrity JSON-LD: VC-JOSE-COSE (``vc+jwt``,
``vc+sd-jwt``, ``vc+cose``), IETF SD-JWT VC (``dc+sd-jwt``) and Open Badges 2.0, each checked and
then handed to the shared checks (``verify_checks``). Mixed into ``passport_vc.verify.Verifier``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .errors import KeyBindingError, MalformedValueError, PassportError
from .keys import PublicKey
from .result import VerificationResult


class CredentialFormats:
    """Verifier methods for one credential in each enveloping format."""

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

