"""Resolving DIDs and DID URLs (DID Core 1.0 §3.1–3.2 syntax; DID Resolution §7.1–7.2 and its
error names: invalidDid, invalidDidUrl, notFound, methodNotSupported).

Only allow-listed methods resolve (ARCHITECTURE rule 6). did:key and did:jwk documents are
pure functions of the DID, so they are memoised in memory.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache, wraps

from ..errors import (
    DidNotFoundError,
    DidResolutionError,
    InvalidDidError,
    InvalidDidUrlError,
    MalformedValueError,
    MethodNotSupportedError,
)
from .document import DidDocument, VerificationMethod

MAX_DID_LENGTH = 4096
# DID Core §3.1 ABNF: did = "did:" method-name ":" method-specific-id
DID_SYNTAX = re.compile(
    r"did:([a-z0-9]+):((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}))\Z")
# RFC 3986 fragment characters
FRAGMENT_SYNTAX = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})+\Z")
PURE_METHODS = frozenset({"key", "jwk"})
MEMO_SIZE = 4096


def _remember_valid(check):
    """Every credential and presentation names its issuer's and holder's DIDs again: ``check``'s
    answer for a plain string of a possible length is remembered (bounded); a refusal is not, it
    is raised afresh every time; anything else is checked as it comes."""
    remembered = lru_cache(maxsize=2048)(check)

    @wraps(check)
    def checked(value):
        if type(value) is str and 0 < len(value) <= MAX_DID_LENGTH:
            return remembered(value)
        return check(value)

    return checked


@_remember_valid
def parse_did(did: str) -> tuple[str, str]:
    """Return (method, method-specific id) or raise InvalidDidError."""
    if not isinstance(did, str) or not did:
        raise InvalidDidError("The DID is missing")
    if len(did) > MAX_DID_LENGTH:
        raise InvalidDidError("The DID is too long")
    if not did.startswith("did:"):
        raise InvalidDidError(f"{did:.120} is not a DID (a DID starts with did:)")
    if any(char in did for char in "#?/"):
        raise InvalidDidError(f"{did:.120} is a DID URL, not a DID")
    match = DID_SYNTAX.match(did)
    if not match:
        raise InvalidDidError(f"{did:.120} is not a valid DID")
    return match.group(1), match.group(2)


@_remember_valid
def split_did_url(did_url: str) -> tuple[str, str]:
    """Split ``did:…#fragment`` into (DID, fragment); paths and queries are not supported."""
    if not isinstance(did_url, str) or not did_url:
        raise InvalidDidUrlError("The key reference (DID URL) is missing")
    if len(did_url) > MAX_DID_LENGTH:
        raise InvalidDidUrlError("The key reference (DID URL) is too long")
    did, sep, fragment = did_url.partition("#")
    if not sep or not fragment:
        raise InvalidDidUrlError(f"{did_url:.120} does not name a key: it needs a #fragment")
    if "/" in did or "?" in did:
        raise InvalidDidUrlError(f"{did_url:.120}: DID URLs with a path or query are not "
                                 "supported")
    if not FRAGMENT_SYNTAX.match(fragment):
        raise InvalidDidUrlError(f"{did_url:.120} has an invalid #fragment")
    try:
        parse_did(did)
    except InvalidDidError as error:
        raise InvalidDidUrlError(error.detail) from None
    return did, fragment


class ResolverRegistry:
    """Resolve DIDs with one resolver per allowed method. Safe to share between threads.

    A resolver is an object with ``resolve(did) -> dict`` or a callable ``did -> dict``.
    """

    def __init__(self, methods: Mapping[str, object]) -> None:
        self.methods = dict(methods)
        self._memo: OrderedDict[str, DidDocument] = OrderedDict()
        # did -> (the raw document it was built from, the DidDocument): an unchanged document
        # (same object from the method's own cache) keeps its parsed verification methods.
        self._built: dict[str, tuple[dict, DidDocument]] = {}
        self._lock = threading.Lock()

    def resolve(self, did: str) -> DidDocument:
        method, _specific = parse_did(did)
        resolver = self.methods.get(method)
        if resolver is None:
            allowed = ", ".join(f"did:{name}" for name in sorted(self.methods)) or "none"
            raise MethodNotSupportedError(f"DIDs of the kind did:{method} are not accepted here "
                                          f"(accepted: {allowed})")
        if method in PURE_METHODS:
            with self._lock:
                memoised = self._memo.get(did)
            if memoised is not None:
                return memoised
        resolve = getattr(resolver, "resolve", resolver)
        raw = resolve(did)
        if raw is None:
            raise DidNotFoundError(f"No DID document was found for {did}")
        built = self._built.get(did)
        if built is not None and built[0] is raw:
            return built[1]
        try:
            document = DidDocument(raw)
        except MalformedValueError as error:
            raise DidResolutionError(f"The DID document of {did} is not valid: "
                                     f"{error.detail}") from None
        if document.id != did:
            raise DidResolutionError(f"The DID document returned for {did} is for "
                                     f"{document.id}")
        if method in PURE_METHODS:
            with self._lock:
                self._memo[did] = document
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
        else:
            with self._lock:
                if len(self._built) >= MEMO_SIZE:
                    self._built.clear()
                self._built[did] = (raw, document)
        return document

    def revalidating(self) -> ResolverRegistry:
        """The same resolvers, but documents are fetched from their origin again (for a
        person's "check again now"); methods that fetch nothing are shared as they are."""
        methods = {}
        for name, resolver in self.methods.items():
            make = getattr(resolver, "revalidating", None)
            methods[name] = make() if callable(make) else resolver
        return ResolverRegistry(methods)

    def resolve_verification_method(self, did_url: str
                                    ) -> tuple[VerificationMethod, DidDocument]:
        did, _fragment = split_did_url(did_url)
        document = self.resolve(did)
        return document.verification_method(did_url), document
