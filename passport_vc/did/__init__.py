"""DIDs: resolving did:key, did:web and did:jwk to DID documents (DID Core 1.0, DID Resolution).

``default_resolver()`` is what services and the CLI use.
"""

from __future__ import annotations

from pathlib import Path

from ..clock import Clock, system_clock
from .document import (
    DidDocument,
    VerificationMethod,
    build_did_document,
)
from .jwk import JwkResolver, did_jwk_from_public_key, resolve_did_jwk
from .key import (
    KeyResolver,
    did_key_from_public_key,
    public_key_from_did_key,
    resolve_did_key,
    verification_method_for,
)
from .registry import ResolverRegistry, parse_did, split_did_url
from .web import WebResolver, did_web_to_url, local_path_for, url_to_did_web


def default_resolver(*, fetcher=None, did_documents_dir: Path | str | None = None,
                     clock: Clock = system_clock,
                     http_hosts: frozenset[str] = frozenset()) -> ResolverRegistry:
    """did:key, did:web and did:jwk. With no ``fetcher``, did:web resolves only from the pinned
    ``did_documents_dir``. ``clock`` is accepted for symmetry with the other factories; caching
    (and so time) belongs to the fetcher, e.g. ``CachingFetcher(HttpFetcher(clock=c), clock=c)``.
    """
    del clock
    return ResolverRegistry({
        "key": KeyResolver(),
        "web": WebResolver(fetcher, did_documents_dir, http_hosts=http_hosts),
        "jwk": JwkResolver(),
    })


__all__ = [
    "DidDocument",
    "JwkResolver",
    "KeyResolver",
    "ResolverRegistry",
    "VerificationMethod",
    "WebResolver",
    "build_did_document",
    "default_resolver",
    "did_jwk_from_public_key",
    "did_key_from_public_key",
    "did_web_to_url",
    "local_path_for",
    "parse_did",
    "public_key_from_did_key",
    "resolve_did_jwk",
    "resolve_did_key",
    "split_did_url",
    "url_to_did_web",
    "verification_method_for",
]
