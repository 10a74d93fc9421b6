"""One exception tree for the whole project.

Every error carries a problem-details ``type``/``title``/``status`` (RFC 9457) so a single
handler can turn it into ``application/problem+json``. Where the W3C specifications define a
problem type (VC Data Model 2.0 §7.1, Data Integrity §3.1, Bitstring Status List §3.6, DID
Resolution error names) that URI is used.
"""

from __future__ import annotations

VCDM = "https://www.w3.org/TR/vc-data-model#"
SEC = "https://w3id.org/security#"
STATUS = "https://www.w3.org/ns/credentials/status-list#"
PROJECT = "https://skills-passport.example/problems/"


class PassportError(Exception):
    """Base of every error the project raises on purpose."""

    type: str = PROJECT + "error"
    title: str = "Something went wrong"
    status: int = 400
    code: int | None = None

    def __init__(self, detail: str = "", *, path: str | None = None, **extra: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.path = path
        self.extra = extra

    def to_problem(self) -> dict:
        problem: dict = {"type": self.type, "title": self.title, "status": self.status,
                         "detail": self.detail}
        if self.code is not None:
            problem["code"] = self.code
        if self.path:
            problem["path"] = self.path
        for key, value in self.extra.items():
            if key in ("type", "title", "status", "detail"):
                continue  # extras never override the problem's own members
            if isinstance(value, str | int | float | bool | list | dict) or value is None:
                problem[key] = value
        return problem

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


# --- VC Data Model 2.0 §7.1 ------------------------------------------------------------------
class ParsingError(PassportError):
    type, title, status, code = VCDM + "PARSING_ERROR", "The document could not be read", 400, -64


class MalformedValueError(PassportError):
    type, title, status, code = (VCDM + "MALFORMED_VALUE_ERROR", "A value is malformed", 422, -65)


class RangeError(PassportError):
    type, title, status, code = VCDM + "RANGE_ERROR", "A value is out of range", 422, -67


class CryptographicSecurityError(PassportError):
    type, title, status, code = (VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR",
                                 "A cryptographic check failed", 422, -66)


# --- JSON-LD (safe mode, frozen loader) --------------------------------------------------------
class JsonLdError(MalformedValueError):
    title = "The JSON-LD is not valid"


class UnknownContextError(JsonLdError):
    title = "The document uses a context this system does not know"


class UndefinedTermError(JsonLdError):
    title = "The document uses a term that no context defines"


class RelativeIriError(JsonLdError):
    title = "The document uses a relative IRI where an absolute one is needed"


# --- Data Integrity §3.1 ---------------------------------------------------------------------
class ProofGenerationError(PassportError):
    type, title, status, code = (SEC + "PROOF_GENERATION_ERROR", "The proof could not be made",
                                 400, -16)


class MalformedProofError(PassportError):
    type, title, status, code = SEC + "MALFORMED_PROOF_ERROR", "The proof is malformed", 422, -17


class MismatchedProofPurposeError(PassportError):
    type, title, status, code = (SEC + "MISMATCHED_PROOF_PURPOSE_ERROR",
                                 "The proof purpose does not match", 422, -18)


class InvalidDomainError(PassportError):
    type, title, status, code = SEC + "INVALID_DOMAIN_ERROR", "The domain does not match", 422, -19


class InvalidChallengeError(PassportError):
    type, title, status, code = (SEC + "INVALID_CHALLENGE_ERROR",
                                 "The challenge does not match", 422, -20)


class ProofVerificationError(PassportError):
    type, title, status, code = (SEC + "PROOF_VERIFICATION_ERROR",
                                 "The signature does not match the document", 422, -16)


class ProofTransformationError(PassportError):
    type, title, status, code = (SEC + "PROOF_TRANSFORMATION_ERROR",
                                 "The document could not be prepared for its proof", 422, -21)


class UnsupportedAlgorithmError(CryptographicSecurityError):
    title = "The algorithm or cryptosuite is not allowed"


class KeyBindingError(CryptographicSecurityError):
    title = "The signing key is not authorised by the issuer"


class HolderBindingError(KeyBindingError):
    title = "The signing key is not the holder's"


# --- DID resolution (DID Resolution §7.2 error names) ------------------------------------------
class DidResolutionError(PassportError):
    type, title, status = PROJECT + "did-resolution", "The DID could not be resolved", 400
    error_name = "internalError"

    def to_problem(self) -> dict:
        problem = super().to_problem()
        problem["error"] = self.error_name
        return problem


class InvalidDidError(DidResolutionError):
    error_name, title, status = "invalidDid", "The DID is not valid", 400


class DidNotFoundError(DidResolutionError):
    error_name, title, status = "notFound", "The DID document was not found", 404


class MethodNotSupportedError(DidResolutionError):
    error_name, title, status = "methodNotSupported", "This DID method is not supported", 501


class RepresentationNotSupportedError(DidResolutionError):
    error_name, title = "representationNotSupported", "The DID document format is not supported"


class InvalidDidUrlError(DidResolutionError):
    error_name, title = "invalidDidUrl", "The DID URL is not valid"


class VerificationMethodNotFoundError(DidResolutionError):
    error_name, title, status = ("notFound", "The key was not found in the DID document", 404)


class InvalidResolutionOptionsError(DidResolutionError):
    error_name, title = "invalidOptions", "The resolution options are not valid"


# did:key §3.1 (Document Creation, Signature Method Creation) error names
class InvalidPublicKeyLengthError(DidResolutionError):
    error_name, title = "invalidPublicKeyLength", "The key in the DID has the wrong length"


class InvalidPublicKeyError(DidResolutionError):
    error_name, title = "invalidPublicKey", "The key in the DID is not a valid key"


class InvalidPublicKeyTypeError(DidResolutionError):
    error_name, title = "invalidPublicKeyType", "That key format may not be used"


class UnsupportedPublicKeyTypeError(DidResolutionError):
    error_name, title, status = ("unsupportedPublicKeyType",
                                 "That key format is not supported here", 501)


# --- Fetching --------------------------------------------------------------------------------
class FetchError(PassportError):
    type, title, status = PROJECT + "fetch", "A document could not be fetched", 502


class FetchForbiddenError(FetchError):
    title, status = "That address may not be fetched", 400


class TooLargeError(RangeError):
    title, status = "The input is too large", 413


# --- Bitstring Status List §3.6 --------------------------------------------------------------
class StatusRetrievalError(PassportError):
    type, title, status, code = (STATUS + "STATUS_RETRIEVAL_ERROR",
                                 "The status list could not be retrieved", 502, -128)


class StatusVerificationError(PassportError):
    type, title, status, code = (STATUS + "STATUS_VERIFICATION_ERROR",
                                 "The status list could not be verified", 422, -129)


class StatusListLengthError(PassportError):
    type, title, status, code = (STATUS + "STATUS_LIST_LENGTH_ERROR",
                                 "The status list is too short", 422, -130)


# --- Application -----------------------------------------------------------------------------
class NotFoundError(PassportError):
    type, title, status = PROJECT + "not-found", "Not found", 404


class GoneError(PassportError):
    type, title, status = PROJECT + "gone", "This is no longer available", 410


class ConflictError(PassportError):
    type, title, status = PROJECT + "conflict", "This conflicts with what is already stored", 409


class AuthError(PassportError):
    type, title, status = PROJECT + "unauthorized", "You need to sign in", 401


class ForbiddenError(PassportError):
    type, title, status = PROJECT + "forbidden", "You are not allowed to do that", 403


class ConfigError(PassportError):
    type, title, status = PROJECT + "config", "The configuration is not valid", 500
