"""A frozen, offline JSON-LD document loader over bundled, hash-pinned contexts.

STANDARDS.md trap 2: a context fetched at run time lets whoever controls its URL change what a
signature means. Every accepted context is a file shipped with the package, pinned by SHA-256 in
an ``index.json``; any other URL is refused with an error naming it. Nothing here touches the
network.

An index entry names either a ``file`` beside the index, or an ``npm`` path: a context published
as an npm package (installed at set-up into ``node_modules/``, not copied into git) — pinned by
the same SHA-256. Where that package is not installed the context is simply unknown.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from ..errors import ConfigError, UnknownContextError

CORE_INDEX = resources.files("passport_vc.jsonld") / "contexts" / "index.json"
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


@dataclass(frozen=True)
class BundledContext:
    url: str
    document: dict
    sha256: str
    raw: bytes


def _read_index(index_path) -> dict[str, BundledContext]:
    folder = index_path.parent if isinstance(index_path, Path) else None
    index = json.loads(index_path.read_bytes())
    found: dict[str, BundledContext] = {}
    for url, entry in index.items():
        if "npm" in entry:
            file = NODE_MODULES / entry["npm"]
            if not file.is_file():
                continue  # that package is not installed here: the context stays unknown
        else:
            file = (folder / entry["file"]) if folder else index_path.parent / entry["file"]
        raw = file.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            raise ConfigError(f"bundled context {url} does not match its SHA-256 pin")
        found[url] = BundledContext(url, json.loads(raw), digest, raw)
    return found


def _project_indexes() -> list:
    """Context indexes shipped by the project's ``schemas`` package (care terms), if present."""
    try:
        root = resources.files("schemas") / "contexts" / "index.json"
    except ModuleNotFoundError:
        return []
    return [root] if root.is_file() else []


class FrozenLoader:
    """PyLD document loader: bundled contexts only, each verified against its pin once."""

    def __init__(self, extra_indexes: tuple = ()) -> None:
        contexts: dict[str, BundledContext] = {}
        for index in (CORE_INDEX, *_project_indexes(), *extra_indexes):
            contexts.update(_read_index(index))
        self._contexts = MappingProxyType(contexts)

    @property
    def contexts(self) -> MappingProxyType:
        return self._contexts

    def __contains__(self, url: str) -> bool:
        return url in self._contexts

    def get(self, url: str) -> BundledContext:
        try:
            return self._contexts[url]
        except KeyError:
            raise UnknownContextError(
                f"The context {url!r} is not one this system knows, so the document cannot be "
                "read safely (contexts are never fetched from the internet).",
                context=url) from None

    def __call__(self, url: str, options: dict | None = None) -> dict:
        bundled = self.get(url)
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": bundled.document}


_default: FrozenLoader | None = None
_lock = threading.Lock()


def default_loader() -> FrozenLoader:
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = FrozenLoader()
    return _default
