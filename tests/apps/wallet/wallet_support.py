"""Test support for the wallet: a did:key training provider that signs real credentials (with
status lists), and an injected network (dict-backed fetcher, real resolver and verifier)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from passport_vc.did import default_resolver
from passport_vc.did.key import did_key_from_public_key, verification_method_for
from passport_vc.errors import FetchError
from passport_vc.fetch import Fetched
from passport_vc.issue import IssuerKey, issue_credential, issue_credential_jwt
from passport_vc.keys import PrivateKey
from passport_vc.status import list_credential, new_list, set_status, status_entry
from passport_vc.verify import Verifier
from schemas import schema_store
from schemas.builder import build_training_credential
from schemas.catalogue import load_catalogue

STATUS_BASE = "https://provider.example/status"
ISSUED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class DictFetcher:
    """A fetcher over a dict the test can change (e.g. revoke by re-publishing a list)."""

    def __init__(self, clock) -> None:
        self.documents: dict[str, bytes] = {}
        self.clock = clock

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        if url not in self.documents:
            raise FetchError(f"No copy of {url} here", status=404)
        return Fetched(url=url, body=self.documents[url], content_type="application/vc+ld+json",
                       fetched_at=self.clock())


@dataclass
class FakeNetwork:
    """Same shape as passport_web.network.Network, with no real HTTP."""

    clock: object
    fetcher: DictFetcher = field(init=False)
    resolver: object = field(init=False)

    def __post_init__(self) -> None:
        self.fetcher = DictFetcher(self.clock)
        self.resolver = default_resolver(fetcher=self.fetcher)

    def verifier(self, *, schemas=None, check_status: bool = True) -> Verifier:
        return Verifier(resolver=self.resolver, fetch=self.fetcher, clock=self.clock,
                        schemas=schemas or schema_store(), check_status=check_status)


class Provider:
    """A training provider with a did:key and one revocation + one suspension list."""

    def __init__(self, network: FakeNetwork | None = None, *, name: str = "Care Skills Ltd",
                 status_base: str = STATUS_BASE) -> None:
        self.key = PrivateKey.generate("Ed25519")
        self.did = did_key_from_public_key(self.key.public_key)
        self.issuer_key = IssuerKey(self.key, verification_method_for(self.did))
        self.name = name
        self.status_base = status_base
        self.bits = {"revocation": new_list(), "suspension": new_list()}
        self.next_index = 17
        self.network = network
        if network is not None:
            self.publish()

    def list_url(self, purpose: str) -> str:
        return f"{self.status_base}/{purpose}/1"

    def list_document(self, purpose: str) -> dict:
        unsigned = list_credential(self.list_url(purpose), self.did, purpose, self.bits[purpose],
                                   valid_from=ISSUED_AT)
        return issue_credential(unsigned, self.issuer_key, created=ISSUED_AT)

    def publish(self) -> None:
        for purpose in self.bits:
            self.network.fetcher.documents[self.list_url(purpose)] = json.dumps(
                self.list_document(purpose)).encode()

    def unsigned(self, course_key: str = "moving-and-handling", *,
                 completed: date = date(2026, 3, 2), holder: str | None = None,
                 name: str = "Amina Okafor", with_status: bool = True) -> tuple[dict, int]:
        course = load_catalogue()[course_key]
        credential = build_training_credential(
            course, issuer_id=self.did, issuer_name=self.name, subject_name=name,
            subject_id=holder, completed=completed, credential_id=f"urn:uuid:{uuid.uuid4()}")
        index = self.next_index
        self.next_index += 1
        if with_status:
            credential["credentialStatus"] = [
                status_entry(self.list_url("revocation"), index, "revocation"),
                status_entry(self.list_url("suspension"), index, "suspension")]
        return credential, index

    def issue(self, course_key: str = "moving-and-handling", **options) -> tuple[dict, int]:
        credential, index = self.unsigned(course_key, **options)
        return issue_credential(credential, self.issuer_key, created=ISSUED_AT), index

    def issue_jwt(self, course_key: str = "moving-and-handling", **options) -> tuple[str, int]:
        credential, index = self.unsigned(course_key, **options)
        return issue_credential_jwt(credential, self.issuer_key,
                                    clock=lambda: ISSUED_AT), index

    def set(self, purpose: str, index: int, value: int = 1) -> None:
        set_status(self.bits[purpose], index, value)
        if self.network is not None:
            self.publish()


# --- driving the web app ----------------------------------------------------------------------
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse battery"


def csrf_token(client, path: str = "/sign-in") -> str:
    page = client.get(path)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def post(client, path: str, data: dict | None = None, *, token_from: str = "/sign-in", **kw):
    body = dict(data or {})
    body["csrf_token"] = csrf_token(client, token_from)
    return client.post(path, data=body, **kw)


def sign_in(client, login: str, password: str = PASSWORD):
    response = post(client, "/sign-in", {"login": login, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
