"""JSON-LD, offline and strict: frozen loader, safe mode, RDFC-1.0, shape cache."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from .dataset import document_to_quads
from .loader import FrozenLoader, default_loader
from .rdfc import canonical_nquads, canonicalize
from .shapes import ShapeCache

REMEMBERED = 256  # canonical forms of small documents kept (proof configurations)
REMEMBER_BELOW = 4096  # characters of JSON: only small documents are remembered


class Canonicalizer:
    """Safe-mode JSON-LD → canonical N-Quads, with the shape fast path unless disabled.

    ``rdfc(document, remember=True)`` keeps the canonical form of a small document under its
    exact JSON text (key order and number types included): used for proof configurations,
    which repeat from one credential to the next (same key, purpose and second of creation)."""

    def __init__(self, loader: FrozenLoader | None = None, *, fast_path: bool = True) -> None:
        self.loader = loader or default_loader()
        self.shapes = ShapeCache(self.loader) if fast_path else None
        self._remembered: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def quads(self, document: dict):
        if self.shapes is not None:
            return self.shapes.quads(document)
        return document_to_quads(document, loader=self.loader)

    def rdfc(self, document: dict, hash_name: str = "sha256", *,
             remember: bool = False) -> str:
        if not remember:
            return canonical_nquads(self.quads(document), hash_name)
        text, size = _flat_key(document)
        if text is None:
            try:
                text = json.dumps(document, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError):  # not JSON data: nothing to key it on
                text = ""
            size = len(text)
        if not text or size > REMEMBER_BELOW:
            return canonical_nquads(self.quads(document), hash_name)
        key = (hash_name, text)
        with self._lock:
            known = self._remembered.get(key)
            if known is not None:
                self._remembered.move_to_end(key)
                return known
        canonical = canonical_nquads(self.quads(document), hash_name)
        with self._lock:
            self._remembered[key] = canonical
            while len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return canonical

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

    def rdfc(self, document: dict, hash_name: str = "sha256", *,
             remember: bool = False) -> str:
        if document != self._document:
            return self.base.rdfc(document, hash_name, remember=remember)
        if hash_name not in self._canonical:
            self._canonical[hash_name] = canonical_nquads(self._quads, hash_name)
        return self._canonical[hash_name]


def _flat_key(document: dict) -> tuple[tuple | None, int]:
    """An exact key for the usual proof configuration — every value a string or a list of
    strings (exact types, so equal keys mean equal documents, key order included) — that is
    cheaper than its JSON text, and its size in characters; (None, 0) for anything else (then
    the JSON text is the key)."""
    parts: list = []
    size = 0
    for key, value in document.items():
        kind = type(value)
        if type(key) is not str:
            return None, 0
        if kind is str:
            parts.append((key, value))
            size += len(key) + len(value)
        elif kind is list and all(type(item) is str for item in value):
            parts.append((key, tuple(value)))
            size += len(key) + sum(map(len, value))
        else:
            return None, 0
    return tuple(parts), size


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
