"""JSON-LD expansion in "safe mode" (VC Data Integrity §4.3 / STANDARDS.md trap 1).

Plain JSON-LD silently drops a property or type that no context defines, so it is not signed:
a credential with an injected ``careHoursCompleted`` canonicalizes to the same bytes and still
verifies. Safe mode turns every dropped term, undefined type and relative IRI into an error that
names the JSON path of the offending item, on issue and on verify alike.
"""

from __future__ import annotations

import threading

from cachetools import LRUCache
from pyld.context_resolver import ContextResolver
from pyld.jsonld import JsonLdError as PyLdError
from pyld.jsonld import JsonLdProcessor

from ..errors import JsonLdError, PassportError, RelativeIriError, UndefinedTermError
from .loader import FrozenLoader, default_loader
from .paths import find_key_paths, find_value_paths

# Relative IRIs resolve against this base, so they are recognisable afterwards. ".invalid" is a
# reserved TLD: no real document can legitimately name it.
RELATIVE_BASE = "https://relative-iri.invalid/"

_local = threading.local()


def _resolver(loader: FrozenLoader) -> ContextResolver:
    """One context cache per thread and loader: PyLD's shared cache is not thread-safe."""
    cache = getattr(_local, "resolvers", None)
    if cache is None:
        cache = _local.resolvers = {}
    resolver = cache.get(id(loader))
    if resolver is None:
        resolver = cache[id(loader)] = ContextResolver(LRUCache(maxsize=256), loader)
    return resolver


def processing_options(loader: FrozenLoader) -> dict:
    return {"documentLoader": loader, "base": RELATIVE_BASE,
            "contextResolver": _resolver(loader), "processingMode": "json-ld-1.1",
            "produceGeneralizedRdf": False, "extractAllScripts": False}


# What PyLD raises, besides its own JsonLdError, on context shapes it does not expect.
PYLD_CRASHES = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def translate_pyld_error(error: Exception) -> PassportError:
    """Surface our own loader errors (e.g. an unknown context) from inside PyLD's wrapping."""
    seen = error
    while seen is not None:
        if isinstance(seen, PassportError):
            return seen
        seen = getattr(seen, "cause", None) or seen.__cause__ or seen.__context__
    message = error.args[0] if error.args else "invalid JSON-LD"
    code = getattr(error, "code", None)
    return JsonLdError(f"The JSON-LD is not valid: {message}" + (f" ({code})" if code else ""))


def expand_safe(document: dict, *, loader: FrozenLoader | None = None) -> list:
    """Expand ``document``; raise UndefinedTermError / RelativeIriError / JsonLdError."""
    loader = loader or default_loader()
    dropped: list[str | None] = []
    processor = JsonLdProcessor(on_property_dropped=dropped.append)
    try:
        expanded = processor.expand(document, processing_options(loader))
    except PyLdError as error:
        raise translate_pyld_error(error) from None
    except RecursionError:
        raise JsonLdError("The document is nested too deeply") from None
    except PYLD_CRASHES:
        # PyLD assumes well-formed contexts in places (``{"@vocab": null}`` is a KeyError):
        # whatever it chokes on is a context this system does not accept, not a crash.
        raise JsonLdError("The document's @context is not valid JSON-LD, so it is not "
                          "accepted", path="@context") from None
    if dropped:
        raise _undefined_property(document, dropped[0])
    _check_expanded(document, expanded)
    return expanded


def _undefined_property(document: dict, expanded_key: str | None) -> PassportError:
    if expanded_key is None:
        return UndefinedTermError("The document uses a key that looks like a JSON-LD keyword "
                                  "but is not one")
    paths = find_key_paths(document, expanded_key)
    where = paths[0] if paths else expanded_key
    return UndefinedTermError(
        f"'{where}' is not defined by any of the document's contexts, so it would not be "
        "protected by the signature", path=where, term=expanded_key)


def _check_expanded(document: dict, expanded) -> None:
    """Walk the expanded form for relative IRIs and undefined types (they survive expansion)."""
    stack = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key.startswith("_:"):
                # A blank-node predicate (from a blank-node @vocab or term) is silently dropped
                # on conversion to RDF, so the property would not be signed.
                raise UndefinedTermError(
                    "The document maps a property to a blank node, so it would not be "
                    "protected by the signature", term=key)
            if key == "@type":
                for type_iri in value if isinstance(value, list) else [value]:
                    if isinstance(type_iri, str) and type_iri.startswith("_:"):
                        # Blank-node types are relabelled by canonicalization: one made-up
                        # type could be swapped for another without breaking the signature.
                        raise UndefinedTermError(
                            "The document gives a type as a blank node instead of a defined "
                            "term", term=type_iri)
                    if isinstance(type_iri, str) and _is_relative(type_iri):
                        name = type_iri.removeprefix(RELATIVE_BASE)
                        paths = find_value_paths(document, name, keys=("type", "@type"))
                        raise UndefinedTermError(
                            f"The type '{name}' is not defined by any of the document's contexts",
                            path=paths[0] if paths else None, term=name)
            elif key == "@id":
                if isinstance(value, str) and _is_relative(value):
                    name = value.removeprefix(RELATIVE_BASE)
                    paths = find_value_paths(document, name)
                    raise RelativeIriError(
                        f"'{name}' must be an absolute URL (like https://… or did:…)",
                        path=paths[0] if paths else None)
            elif key == "@value":
                continue
            elif not key.startswith("@") and _is_relative(key):
                raise UndefinedTermError(f"'{key}' is not an absolute IRI", term=key)
            if isinstance(value, list | dict):
                stack.append(value)


def _is_relative(iri: str) -> bool:
    return iri.startswith(RELATIVE_BASE) or (":" not in iri and not iri.startswith("@"))
