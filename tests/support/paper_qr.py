"""The largest credential the issuer can put on paper, for the QR size pins (tests) and
benchmarks/sizes.py: every catalogue course, issued through ``IssuerService`` with the longest
realistic values the forms accept.

- a long provider name, its own web host (did:web, achievement ids) and a long public address
  for the status lists; a P-256 key (ecdsa-rdfc-2019), whose proof is no shorter than Ed25519's;
- a long worker name, a wallet's P-256 did:key, the longest assessment method and delivery mode
  the issue form offers, hours with a fraction;
- evidence at its limit (500 characters, issuer/cleaning.py MAX_TEXT) of plain English, written
  for this test and not taken from the QR dictionary;
- a renewal (``renews`` and its own context), the largest of issue / correction / renewal;
- the copy bound to the wallet's DID, as the wallet holds it and prints it.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

WORKER = "Maria-Fernanda Gonzalez de la Cruz Rodriguez-Smith"
PROVIDER = "St Bartholomew's Community Health and Social Care Training Ltd"
PROVIDER_SLUG = "st-bartholomews-care-training"
PROVIDER_HOST = "training.stbartholomews-care.org.uk"
PUBLIC_URL = "https://issuer.skills-passport.org.uk"
EVIDENCE = (
    "Observed by the assessor across three shifts on the dementia unit. Used the ceiling hoist "
    "and a standing aid for transfers between bed, chair and wheelchair, checked sling size, "
    "condition and the service label first, and explained every step to the resident while "
    "asking for consent. Used slide sheets with a colleague to reposition a resident in bed. "
    "Answered questions on risk assessment, reporting faulty equipment and recording each move "
    "in the care plan. Written answers were marked as complete.")
ISSUED_AT = datetime(2026, 6, 1, 13, 45, 12, tzinfo=UTC)


def longest_credentials() -> dict[str, dict]:
    """{course key: the signed, wallet-bound renewal credential} for every catalogue course."""
    from issuer.cleaning import MAX_TEXT
    from issuer.config import IssuerConfig
    from issuer.routes.pages import ASSESSMENT_METHODS, DELIVERY_MODES
    from issuer.service import IssuerService
    from issuer.storage import metadata
    from passport_vc.clock import fixed_clock
    from passport_vc.did import did_key_from_public_key
    from passport_vc.keys import PrivateKey
    from passport_web.sql import Database
    from schemas.catalogue import load_catalogue

    assert len(EVIDENCE) == MAX_TEXT
    holder = did_key_from_public_key(PrivateKey.generate("P-256").public_key)
    details = {"subject_name": WORKER, "holder_did": holder, "hours": 37.5,
               "subject_email": "maria.gonzalez-rodriguez@example.org",
               "assessment_method": max(ASSESSMENT_METHODS, key=len),
               "delivery_mode": max(DELIVERY_MODES, key=len), "evidence": EVIDENCE}
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'issuer.db'}"
        database = Database(url, metadata)
        database.create_all()
        config = IssuerConfig.for_tests(url, Path(folder), clock=fixed_clock(ISSUED_AT),
                                        public_url=PUBLIC_URL, testing=False)
        service = IssuerService(database, config)
        try:
            service.providers.create_provider(PROVIDER, PROVIDER_SLUG, curve="P-256",
                                              host=PROVIDER_HOST)
            for key in load_catalogue():
                first = service.issuance.issue(PROVIDER_SLUG, key, completed=date(2025, 12, 28),
                                               **details)
                renewal = service.issuance.renew(first.id, completed=date(2026, 5, 30))
                found[key] = service.issuance.bound_credential(renewal, holder, "ldp_vc")
        finally:
            database.dispose()
    return found
