"""Offline trust bundles: what a verifier needs to check credentials with no network.

A bundle pins the public material a verifier would otherwise fetch (ARCHITECTURE.md "offline";
issue 5 "Offline"): DID documents of the providers (did:web), snapshots of their Bitstring Status
List credentials (W3C Bitstring Status List 1.0 §3.2 — the list credential is still verified
before its bits are read, exactly as online) and the trust list. Every result made from a bundle
says how old the bundle is, because a revocation after ``created`` cannot be seen.

File format (JSON)::

    {"type": "SkillsPassportTrustBundle", "version": 1, "created": "2026-11-24T12:00:00Z",
     "did_documents": {"did:web:…": {…DID document…}},
     "status_lists": {"https://…/status/1": {"fetched_at": "…Z", "body": {…list credential…}}},
     "trust_list": {…passport_vc.trust format…}}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from passport_vc.clock import Clock, format_datetime, parse_datetime, system_clock
from passport_vc.errors import FetchError, MalformedValueError, PassportError
from passport_vc.fetch import Fetched, StaticFetcher
from passport_vc.inputs import check_shape, parse_json
from passport_vc.trust import TrustList

BUNDLE_TYPE = "SkillsPassportTrustBundle"
BUNDLE_VERSION = 1
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_DOCUMENTS = 50_000
STATUS_ACCEPT = "application/vc+ld+json, application/vc+jwt;q=0.9, application/json;q=0.8"

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# --- making a bundle (online) -----------------------------------------------------------------
def make_bundle(dids: Iterable[str], status_urls: Iterable[str], trust_list: TrustList | None,
                network, clock: Clock = system_clock, *,
                progress: Progress = _quiet) -> dict:
    """Fetch and pin everything named; ``network`` gives ``.resolver`` and ``.fetcher``.

    DIDs named explicitly must resolve (otherwise the bundle would silently miss a provider);
    did:web providers found in the trust list or as issuers of status lists are added when they
    resolve and reported through ``progress`` when they do not.
    """
    wanted = list(dict.fromkeys(dids))
    status_lists: dict[str, dict] = {}
    for url in dict.fromkeys(status_urls):
        progress(f"Fetching status list {url}")
        status_lists[url] = _snapshot_status_list(url, network.fetcher)
    trust = trust_list or TrustList()
    discovered = [entry.did for entry in trust.entries.values()]
    discovered += [_issuer_of(item["body"]) for item in status_lists.values()]
    documents: dict[str, dict] = {}
    for did in wanted:
        progress(f"Resolving {did}")
        documents[did] = _resolve(network.resolver, did)
    for did in dict.fromkeys(d for d in discovered if d and d.startswith("did:web:")):
        if did in documents:
            continue
        progress(f"Resolving {did}")
        try:
            documents[did] = _resolve(network.resolver, did)
        except PassportError as error:
            progress(f"Skipped {did}: {error.detail}")
    created = clock()
    progress(f"Bundle has {len(documents)} DID documents, {len(status_lists)} status lists and "
             f"{len(trust.entries)} recognised providers")
    return {"type": BUNDLE_TYPE, "version": BUNDLE_VERSION, "created": format_datetime(created),
            "did_documents": documents, "status_lists": status_lists,
            "trust_list": trust.to_json()}


def _resolve(resolver, did: str) -> dict:
    resolved = resolver.resolve(did)
    return getattr(resolved, "document", resolved)


def _snapshot_status_list(url: str, fetcher) -> dict:
    fetched = fetcher.get(url, accept=STATUS_ACCEPT)
    text = fetched.body.decode("utf-8", errors="replace").strip()
    body: dict | str
    if text.startswith("{"):
        value = parse_json(text)
        if not isinstance(value, dict):
            raise MalformedValueError(f"The status list at {url} is not a JSON object")
        body = value
    else:
        body = text  # a vc+jwt list credential is kept as its compact text
    return {"fetched_at": format_datetime(fetched.fetched_at), "body": body}


def _issuer_of(body: dict | str) -> str | None:
    if not isinstance(body, dict):
        return None
    issuer = body.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer if isinstance(issuer, str) else None


def write_bundle(bundle: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(bundle, indent=1, sort_keys=True), encoding="utf-8")


# --- using a bundle (offline) -----------------------------------------------------------------
class PinnedFetcher:
    """Serves bundle snapshots, each with the time it was really fetched, marked as cached."""

    def __init__(self, snapshots: Mapping[str, tuple[object, datetime]],
                 extra: Mapping[str, bytes | str | dict] | None = None,
                 clock: Clock = system_clock) -> None:
        self._by_url = {url: StaticFetcher({url: body}, fetched_at=when, clock=clock)
                        for url, (body, when) in snapshots.items()}
        # Documents given on the command line win over the bundle (they are newer, by intent).
        self._extra = StaticFetcher(dict(extra or {}), clock=clock)

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        try:
            return self._extra.get(url, accept=accept)
        except FetchError:
            pass
        fetcher = self._by_url.get(url)
        if fetcher is None:
            raise FetchError(f"The trust bundle has no copy of {url:.200}; make a new bundle "
                             "that includes it", status=404)
        return replace(fetcher.get(url, accept=accept), from_cache=True)


@dataclass
class Bundle:
    created: datetime
    did_documents: dict[str, dict]
    status_lists: dict[str, dict]
    trust: TrustList
    fetcher: PinnedFetcher
    resolver: object
    clock: Clock = system_clock

    def verifier(self, *, schemas=None):
        from passport_vc.verify import Verifier

        if schemas is None:
            from schemas import schema_store

            schemas = schema_store()
        return Verifier(resolver=self.resolver, fetch=self.fetcher, clock=self.clock,
                        schemas=schemas)

    def age(self):
        return self.clock() - self.created

    def age_text(self) -> str:
        """"3 days ago" — how stale the pinned keys and status lists may be (callers print
        "Trust bundle made 3 days ago")."""
        return time_ago(self.created, self.clock())

    def describe(self) -> str:
        return (f"Trust bundle made {self.age_text()} ({format_datetime(self.created)}): "
                f"{len(self.did_documents)} providers' keys, {len(self.status_lists)} status "
                f"lists, {len(self.trust.entries)} recognised providers")


def time_ago(then: datetime, now: datetime) -> str:
    """Plain English: "just now", "2 minutes ago", "3 days ago", "in the future"."""
    seconds = int((now - then).total_seconds())
    if seconds < -60:
        return "in the future (check the computer's clock)"
    if seconds < 60:
        return "just now"
    for size, unit in ((365 * 86400, "year"), (30 * 86400, "month"), (86400, "day"),
                       (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"  # unreachable: seconds >= 60 always matches "minute"


def parse_bundle(data: object, *, clock: Clock = system_clock,
                 extra_documents: Mapping[str, bytes | str | dict] | None = None) -> Bundle:
    if not isinstance(data, dict) or data.get("type") != BUNDLE_TYPE:
        raise MalformedValueError("This file is not a Skills Passport trust bundle")
    if data.get("version") != BUNDLE_VERSION:
        raise MalformedValueError(f"This trust bundle is version {data.get('version')!r}; this "
                                  f"program reads version {BUNDLE_VERSION}. Make a new bundle.")
    created = parse_datetime(data.get("created"))
    documents = data.get("did_documents") or {}
    lists = data.get("status_lists") or {}
    if not isinstance(documents, dict) or not isinstance(lists, dict):
        raise MalformedValueError("The trust bundle's did_documents and status_lists must be "
                                  "objects")
    if len(documents) + len(lists) > MAX_DOCUMENTS:
        raise MalformedValueError("The trust bundle has too many documents")
    snapshots: dict[str, tuple[object, datetime]] = {}
    for did, document in documents.items():
        if not isinstance(did, str) or not isinstance(document, dict) or \
                document.get("id") != did:
            raise MalformedValueError(f"The trust bundle's DID document for {did!r:.100} is not "
                                      "valid", path=f"did_documents.{did:.100}")
        if did.startswith("did:web:"):
            from passport_vc.did.web import did_web_to_url

            snapshots[did_web_to_url(did)] = (document, created)
    for url, item in lists.items():
        if not isinstance(item, dict) or not isinstance(item.get("body"), dict | str):
            raise MalformedValueError(f"The trust bundle's copy of {url!r:.100} is not valid",
                                      path=f"status_lists.{url:.100}")
        fetched_at = parse_datetime(item["fetched_at"]) if item.get("fetched_at") else created
        snapshots[url] = (item["body"], fetched_at)
    trust = TrustList.from_json(data.get("trust_list") or {"entries": []})
    fetcher = PinnedFetcher(snapshots, extra_documents, clock=clock)
    from passport_vc.did import default_resolver

    # Pinned documents only: the resolver's fetcher can reach nothing but the bundle.
    resolver = default_resolver(fetcher=fetcher, clock=clock)
    return Bundle(created, documents, lists, trust, fetcher, resolver, clock)


def load_bundle(path: Path | str, *, clock: Clock = system_clock,
                extra_documents: Mapping[str, bytes | str | dict] | None = None) -> Bundle:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PassportError(f"The trust bundle {path} could not be read "
                            f"({error.strerror})") from None
    if len(raw) > MAX_BUNDLE_BYTES:
        raise MalformedValueError(f"The trust bundle {path} is larger than "
                                  f"{MAX_BUNDLE_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise MalformedValueError(f"The trust bundle {path} is not valid JSON") from None
    # A bundle holds many small documents: bound its depth and size, not its document count.
    check_shape(data, max_nodes=5_000_000)
    return parse_bundle(data, clock=clock, extra_documents=extra_documents)
