"""Issuing recipes: the only signing entry points services call.

Every credential is validated (data model + JSON-LD safe mode) before it is signed, and the
signing key must belong to the credential's issuer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .clock import Clock, system_clock
from .keys import Signer


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


def issue_credential(credential: dict, key: IssuerKey, *, cryptosuite: str | None = None,
                     created: datetime | None = None, clock: Clock = system_clock) -> dict:
    """Validate and sign ``credential`` with a Data Integrity proof; returns a new dict.

    ``cryptosuite`` defaults to eddsa-rdfc-2022 for Ed25519 keys and ecdsa-rdfc-2019 for P-256.
    Raises a PassportError subclass (MalformedValueError, UndefinedTermError, KeyBindingError…).
    """
    raise NotImplementedError  # filled in by the core work in progress


def issue_credential_jwt(credential: dict, key: IssuerKey, *,
                         clock: Clock = system_clock) -> str:
    """Validate and sign as VC-JOSE-COSE ``application/vc+jwt``."""
    raise NotImplementedError


def build_presentation(credentials: list[dict | str], holder: str, *,
                       presentation_id: str | None = None) -> dict:
    """An unsigned VC 2.0 presentation; JWT credentials become EnvelopedVerifiableCredentials."""
    raise NotImplementedError


def sign_presentation(presentation: dict, key: IssuerKey, *, challenge: str | None = None,
                      domain: str | None = None, clock: Clock = system_clock) -> dict:
    """Sign with proofPurpose ``authentication`` (holder key), binding challenge and domain."""
    raise NotImplementedError
