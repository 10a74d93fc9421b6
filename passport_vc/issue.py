"""Issuing recipes: the only signing entry points services call.

Every credential is validated (data model + JSON-LD safe mode) before it is signed, and the
signing key must belong to the credential's issuer (STANDARDS.md trap 3 applies to issuers too:
never produce what a careful verifier must reject).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .clock import Clock, format_datetime, system_clock
from .errors import KeyBindingError, MalformedValueError, UnsupportedAlgorithmError
from .json_text import copy_json
from .jsonld import Canonicalizer, default_canonicalizer
from .keys import Signer
from .proofs import data_integrity

DEFAULT_SUITES = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019",
                  "P-384": "ecdsa-rdfc-2019"}
SIGNING_SUITES = frozenset({"eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022",
                            "ecdsa-jcs-2019"})
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"


@dataclass(frozen=True)
class IssuerKey:
    """A signing key together with the DID URL of its verification method."""

    signer: Signer
    verification_method: str

    @property
    def controller(self) -> str:
        return self.verification_method.split("#", 1)[0]

    def __repr__(self) -> str:
        return f"IssuerKey({self.verification_method})"


def issuer_id(document: dict) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _suite(key: IssuerKey, cryptosuite: str | None) -> str:
    suite = cryptosuite or DEFAULT_SUITES.get(key.signer.curve)
    if suite is None:
        # P-521: no Data Integrity cryptosuite defines it (ecdsa-rdfc-2019 is P-256 / P-384).
        raise UnsupportedAlgorithmError(
            f"A {key.signer.curve} key has no Data Integrity cryptosuite; secure the "
            "credential as vc+jwt or vc+cose instead")
    if suite not in SIGNING_SUITES:
        raise UnsupportedAlgorithmError(f"Signing with {suite!r} is not allowed")
    return suite


def _proof_options(key: IssuerKey, suite: str, purpose: str, created: datetime,
                   **extra: object) -> dict:
    options = {"type": "DataIntegrityProof", "cryptosuite": suite, "created":
               format_datetime(created), "verificationMethod": key.verification_method,
               "proofPurpose": purpose}
    options.update({name: value for name, value in extra.items() if value is not None})
    return options


def with_data_integrity_context(document: dict) -> dict:
    """A VC 1.1 document with the Data Integrity context appended when it lacks it.

    The 1.1 context does not define ``DataIntegrityProof``; the EdDSA and ECDSA cryptosuite
    specs (§3.2.1 "Add Proof") tell the signer to add the context rather than refuse. VC 2.0
    documents already define it, and an existing order is never changed.
    """
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC1_CONTEXT \
            or DATA_INTEGRITY_CONTEXT in contexts:
        return document
    return {**document, "@context": [*contexts, DATA_INTEGRITY_CONTEXT]}


def issue_credential(credential: dict, key: IssuerKey, *, cryptosuite: str | None = None,
                     created: datetime | None = None, clock: Clock = system_clock,
                     canonicalizer: Canonicalizer | None = None,
                     proof_set: bool = False, copy_input: bool = True) -> dict:
    """Validate and sign ``credential`` with a Data Integrity proof; returns a new dict.

    ``cryptosuite`` defaults to eddsa-rdfc-2022 for Ed25519 keys and ecdsa-rdfc-2019 for P-256.
    ``proof_set``: ``proof`` is an array of one (Open Badges 3.0's schema requires an array).
    ``copy_input=False``: the signed document may share parts with ``credential`` (for a caller
    that built it for this signature alone and never changes it afterwards; otherwise a later
    change to ``credential`` would change the signed document under its signature).
    Raises a PassportError subclass (MalformedValueError, UndefinedTermError, KeyBindingError…).
    """
    from .model import validate_credential

    if not isinstance(credential, dict):
        raise MalformedValueError("The credential must be a JSON object")
    credential = with_data_integrity_context(credential)
    validate_credential(credential, purpose="issue")
    if "proof" in credential:
        raise MalformedValueError("The credential already has a proof", path="proof")
    if issuer_id(credential) != key.controller:
        raise KeyBindingError(f"The credential's issuer {issuer_id(credential)!r} does not "
                              f"control the key {key.verification_method}", path="issuer")
    suite = _suite(key, cryptosuite)
    options = _proof_options(key, suite, "assertionMethod", created or clock())
    return data_integrity.add_proof(copy_json(credential) if copy_input else credential,
                                    key.signer, options,
                                    canonicalizer or default_canonicalizer(), as_set=proof_set)


def issue_credential_jwt(credential: dict, key: IssuerKey, *,
                         clock: Clock = system_clock) -> str:
    """Validate and sign as VC-JOSE-COSE ``application/vc+jwt``."""
    from .model import validate_credential
    from .proofs.jose import issue_vc_jwt

    validate_credential(credential, purpose="issue")
    if issuer_id(credential) != key.controller:
        raise KeyBindingError("The credential's issuer does not control this key", path="issuer")
    default_canonicalizer().quads({k: v for k, v in credential.items() if k != "proof"})
    return issue_vc_jwt(credential, key.signer, kid=key.verification_method, clock=clock)


def issue_credential_cose(credential: dict, key: IssuerKey) -> bytes:
    """Validate and sign as VC-JOSE-COSE ``application/vc+cose`` (a tagged COSE_Sign1)."""
    from .model import validate_credential
    from .proofs.cose import sign_cose

    if not isinstance(credential, dict):
        raise MalformedValueError("The credential must be a JSON object")
    if validate_credential(credential, purpose="issue") != "2.0":
        raise MalformedValueError("Only VC 2.0 credentials can be secured with COSE",
                                  path="@context")
    if issuer_id(credential) != key.controller:
        raise KeyBindingError("The credential's issuer does not control this key", path="issuer")
    default_canonicalizer().quads({k: v for k, v in credential.items() if k != "proof"})
    return sign_cose(credential, key.signer, kid=key.verification_method, kind="credential")


def issue_credential_sd_jwt(credential: dict, key: IssuerKey, *, selective: Iterable[str] = (),
                            clock: Clock = system_clock) -> str:
    """Validate and secure as VC-JOSE-COSE ``application/vc+sd-jwt``; the members at the
    ``selective`` paths (``credentialSubject.address.street``, ``items[0]``) become
    selectively disclosable. Returns the SD-JWT with every disclosure."""
    from .model import validate_credential
    from .proofs.vc_sd_jwt import issue_vc_sd_jwt

    if not isinstance(credential, dict):
        raise MalformedValueError("The credential must be a JSON object")
    if validate_credential(credential, purpose="issue") != "2.0":
        raise MalformedValueError("Only VC 2.0 credentials can be secured with SD-JWT",
                                  path="@context")
    if issuer_id(credential) != key.controller:
        raise KeyBindingError("The credential's issuer does not control this key", path="issuer")
    default_canonicalizer().quads({k: v for k, v in credential.items() if k != "proof"})
    return issue_vc_sd_jwt(credential, key.signer, kid=key.verification_method,
                           selective=selective, clock=clock)


def _checked_presentation(presentation: dict, key: IssuerKey) -> None:
    """A presentation to secure with JOSE or COSE: VC 2.0, every term defined, its holder the
    key's controller, and every credential in it secured (VC-JOSE-COSE §3.1.2: enveloped)."""
    from .envelope import is_enveloped, parse_data_url
    from .model import validate_presentation

    if not isinstance(presentation, dict):
        raise MalformedValueError("The presentation must be a JSON object")
    if validate_presentation(presentation, purpose="issue") != "2.0":
        raise MalformedValueError("Only VC 2.0 presentations can be secured this way",
                                  path="@context")
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder != key.controller:
        raise KeyBindingError("The presentation's holder does not control this key",
                              path="holder")
    items = presentation.get("verifiableCredential", [])
    for index, item in enumerate(items if isinstance(items, list) else [items]):
        path = f"verifiableCredential[{index}]"
        if is_enveloped(item):
            media_type, _ = parse_data_url(item.get("id"), path + ".id")
            if not media_type.startswith("application/vc"):
                raise MalformedValueError(f"{media_type} is not a credential", path=path)
        elif not isinstance(item, dict) or item.get("proof") is None:
            raise MalformedValueError("Every credential in a presentation must be secured "
                                      "(signed, or an EnvelopedVerifiableCredential)", path=path)
    default_canonicalizer().quads({k: v for k, v in presentation.items() if k != "proof"})


def sign_presentation_jwt(presentation: dict, key: IssuerKey, *, clock: Clock = system_clock,
                          challenge: str | None = None, domain: str | None = None,
                          expires: datetime | None = None) -> str:
    """Validate and secure as ``application/vp+jwt`` (challenge -> nonce, domain -> aud)."""
    from .proofs.jose import issue_vp_jwt

    _checked_presentation(presentation, key)
    return issue_vp_jwt(presentation, key.signer, kid=key.verification_method, clock=clock,
                        nonce=challenge, audience=domain, expires=expires)


def sign_presentation_cose(presentation: dict, key: IssuerKey) -> bytes:
    """Validate and secure as ``application/vp+cose``."""
    from .proofs.cose import sign_cose

    _checked_presentation(presentation, key)
    return sign_cose(presentation, key.signer, kid=key.verification_method, kind="presentation")


def sign_presentation_sd_jwt(presentation: dict, key: IssuerKey, *,
                             selective: Iterable[str] = (), clock: Clock = system_clock) -> str:
    """Validate and secure as ``application/vp+sd-jwt`` (members at ``selective`` paths
    selectively disclosable)."""
    from .proofs.vc_sd_jwt import issue_vp_sd_jwt

    _checked_presentation(presentation, key)
    return issue_vp_sd_jwt(presentation, key.signer, kid=key.verification_method,
                           selective=selective, clock=clock)


def build_presentation(credentials: list[dict | str], holder: str, *,
                       presentation_id: str | None = None) -> dict:
    """An unsigned VC 2.0 presentation; JWT and SD-JWT credentials become
    EnvelopedVerifiableCredentials."""
    embedded: list[dict] = []
    for item in credentials:
        if isinstance(item, str):
            media_type = "dc+sd-jwt" if "~" in item else "vc+jwt"  # SD-JWT: <JWT>~…~
            embedded.append({"@context": VC2_CONTEXT, "type": "EnvelopedVerifiableCredential",
                             "id": f"data:application/{media_type}," + item})
        else:
            embedded.append(item)
    presentation: dict = {"@context": [VC2_CONTEXT], "type": ["VerifiablePresentation"],
                          "holder": holder, "verifiableCredential": embedded}
    if presentation_id:
        presentation["id"] = presentation_id
    return presentation


def sign_presentation(presentation: dict, key: IssuerKey, *, challenge: str | None = None,
                      domain: str | None = None, clock: Clock = system_clock,
                      expires: datetime | None = None,
                      canonicalizer: Canonicalizer | None = None) -> dict:
    """Sign with proofPurpose ``authentication`` (holder key), binding challenge and domain."""
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder != key.controller:
        raise KeyBindingError("The presentation's holder does not control this key",
                              path="holder")
    suite = _suite(key, None)
    options = _proof_options(key, suite, "authentication", clock(), challenge=challenge,
                             domain=domain, expires=format_datetime(expires) if expires else None)
    return data_integrity.add_proof(copy.deepcopy(presentation), key.signer, options,
                                    canonicalizer or default_canonicalizer())
