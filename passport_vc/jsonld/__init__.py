"""JSON-LD, offline and strict: frozen loader, safe mode, RDFC-1.0, shape cache."""

from __future__ import annotations

import threading

from .dataset import document_to_quads
from .loader import FrozenLoader, default_loader
from .rdfc import canonicalize
from .shapes import ShapeCache


class Canonicalizer:
    """Safe-mode JSON-LD → canonical N-Quads, with the shape fast path unless disabled."""

    def __init__(self, loader: FrozenLoader | None = None, *, fast_path: bool = True) -> None:
        self.loader = loader or default_loader()
        self.shapes = ShapeCache(self.loader) if fast_path else None

    def quads(self, document: dict):
        if self.shapes is not None:
            return self.shapes.quads(document)
        return document_to_quads(document, loader=self.loader)

    def rdfc(self, document: dict, hash_name: str = "sha256") -> str:
        return canonicalize(self.quads(document), hash_name)

    def primed(self, document: dict, quads) -> PrimedCanonicalizer:
        """A view that already knows ``document``'s quads (the verifier's safe-mode check made
        them), so the proof check does not expand the same document a second time."""
        return PrimedCanonicalizer(self, document, quads)


class PrimedCanonicalizer:
    """Answers for one known document from what was already computed; anything else — even a
    document differing by one value — goes to the real canonicalizer (equality is checked on
    the whole JSON value, so it cannot answer for a different document)."""

    def __init__(self, base: Canonicalizer, document: dict, quads) -> None:
        self.base = base
        self._document = document
        self._quads = quads
        self._canonical: dict[str, str] = {}

    def quads(self, document: dict):
        if document == self._document:
            return self._quads
        return self.base.quads(document)

    def rdfc(self, document: dict, hash_name: str = "sha256") -> str:
        if document != self._document:
            return self.base.rdfc(document, hash_name)
        if hash_name not in self._canonical:
            self._canonical[hash_name] = canonicalize(self._quads, hash_name)
        return self._canonical[hash_name]


_default: Canonicalizer | None = None
_lock = threading.Lock()


def default_canonicalizer() -> Canonicalizer:
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = Canonicalizer()
    return _default


__all__ = ["Canonicalizer", "FrozenLoader", "default_canonicalizer", "default_loader",
           "document_to_quads", "canonicalize"]
