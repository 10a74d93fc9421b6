"""Find where a key or value sits in a JSON document, to name it in error messages."""

from __future__ import annotations

from collections.abc import Iterator


def _walk(node, path: str = "") -> Iterator[tuple[str, object, object]]:
    """Yield (path, key, value) for every member of every object, depth first, in order."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, key, value
            if key != "@context":
                yield from _walk(value, child)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{path}[{index}]")


def find_key_paths(document, key: str) -> list[str]:
    return [path for path, k, _ in _walk(document) if k == key]


def find_value_paths(document, value: str, keys: tuple[str, ...] | None = None) -> list[str]:
    found = []
    for path, key, member in _walk(document):
        if keys is not None and key not in keys:
            continue
        if member == value or (isinstance(member, list) and value in member):
            found.append(path)
    return found
