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
