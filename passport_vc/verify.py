"""Verifying recipes: a bad credential is a normal result, never an exception.

``Verifier`` is configured once (resolver, fetcher, clock, schemas) and is safe to share
between threads.

Checks in a result (``VerificationResult.checks``), by name:
- ``structure``: data model + JSON-LD safe mode
- ``proof``: signature(s) (Data Integrity or vc+jwt)
- ``issuer_binding``: the key is the issuer's and listed under assertionMethod
- ``validity``: validFrom / validUntil against the clock
- ``status``: Bitstring Status List (ok=None when it could not be checked)
- ``schema``: credentialSchema JSON Schemas (ok=None when a schema is unknown)
For presentations also ``holder_binding`` and ``presentation`` (challenge/domain/freshness), and
``credentials`` holds one result per embedded credential.

``facts`` carries what the services show: ``format`` ("ldp_vc"/"jwt_vc"), ``version``,
``issuer``, ``verification_method``, ``cryptosuite``, ``valid_from``, ``valid_until``,
``validity`` ("valid"/"expired"/"not-yet-valid"), ``status`` (list of dicts: purpose, set,
message, list_url, fetched_at, from_cache), ``holder``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clock import Clock, system_clock
from .result import VerificationResult


@dataclass
class Verifier:
    resolver: object  # passport_vc.did.ResolverRegistry
    fetch: object | None = None  # passport_vc.fetch.Fetcher, for status lists
    clock: Clock = system_clock
    schemas: object | None = None  # passport_vc.model.schema_check.SchemaStore
    check_status: bool = True

    def verify_credential(self, unverified: dict | str) -> VerificationResult:
        """Verify a credential given as a JSON object, JSON text, a vc+jwt or a compact QR text."""
        raise NotImplementedError

    def verify_presentation(self, unverified: dict | str, *, challenge: str | None = None,
                            domain: str | None = None) -> VerificationResult:
        raise NotImplementedError
