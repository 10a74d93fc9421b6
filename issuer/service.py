"""The issuer's domain logic (no Flask), composed from small services, each given only what it
needs:

- ``providers``: training providers, their did:web keys and DID documents;
- ``catalogue``: the courses a provider can issue;
- ``register``: what a provider has issued, searched and counted;
- ``status``: revocation, suspension and the signed status list credentials;
- ``issuance``: signing care training credentials, and corrections;
- ``imports``: CSV files of completions;
- ``access``: staff accounts and API tokens;
- ``delivery``: OpenID4VCI offers and endpoints;
- ``conformance``: the VC API profile the W3C test suites call.

Every write is one transaction (``Database.transaction()``): a failure leaves nothing half done.
"""

from __future__ import annotations

from passport_vc.jsonld import default_canonicalizer
from passport_web.sql import Database

from .access import AccessService
from .bulk import ImportService
from .catalogue import CatalogueService
from .config import IssuerConfig
from .conformance import ConformanceService
from .delivery import DeliveryService
from .issuance import IssuanceService
from .providers import ProviderService
from .register import RegisterService
from .status import StatusService


class IssuerService:
    """The issuer's services, wired together. Safe to share between threads (state lives in
    the database)."""

    def __init__(self, db: Database, config: IssuerConfig) -> None:
        self.db, self.config, self.clock = db, config, config.clock
        canonicalizer = default_canonicalizer()
        self.providers = ProviderService(db, config)
        self.catalogue = CatalogueService(db, self.providers)
        self.register = RegisterService(db, self.providers)
        self.status = StatusService(db, config, self.providers, self.register, canonicalizer)
        self.issuance = IssuanceService(db, config, providers=self.providers,
                                        catalogue=self.catalogue, register=self.register,
                                        status=self.status, canonicalizer=canonicalizer)
        self.imports = ImportService(db, config.clock, providers=self.providers,
                                     catalogue=self.catalogue, issuance=self.issuance)
        self.access = AccessService(db, config.clock, self.providers)
        self.delivery = DeliveryService(db, config, register=self.register,
                                        issuance=self.issuance)
        self.conformance = ConformanceService(db, config, providers=self.providers,
                                              issuance=self.issuance, status=self.status)
