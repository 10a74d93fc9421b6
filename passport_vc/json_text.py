"""Bounded JSON text: size, depth, number of parts and characters checked before anything else."""

from __future__ import annotations

import json
import math
import re

import orjson

from .errors import ParsingError, TooLargeError

MAX_INPUT_BYTES = 512 * 1024
MAX_DEPTH = 48
MAX_NODES = 50_000
JWT_PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\Z")
# RFC 9901 compact SD-JWT: <JWT>~<disclosure>~...~<optional KB-JWT>
SD_JWT_PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*~"
                            r"(?:[A-Za-z0-9_-]+~)*"
                            r"(?:[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?\Z")
# JSON may escape half of a UTF-16 pair ("\ud800"); Python keeps it as a lone surrogate, which
# is not text and makes every later UTF-8 encode (hashing, canonicalization, storage) fail.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def compact_json(value: object, *, sort_keys: bool = False) -> str:
    """``json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=…)``, written by
    orjson (the same text for finite JSON data, several times faster); anything orjson will not
    write (integers beyond 64 bits, lone surrogates, keys that are not strings) goes to
    ``json``. Not for values that may hold NaN or infinities: orjson writes those as null."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)


def _check_text(text: str) -> None:
    found = _NOT_TEXT.search(text)
    if found is None:
        return
    if found.group() == "\x00":
        raise ParsingError("The document contains a NUL character, which no credential has")
    raise ParsingError(f"The document contains a broken character (\\u{ord(found.group()):04x}, "
                       "half of a pair that is never completed), so it is not readable text")


# Where a JSON text could give a NUL or a lone surrogate: the characters themselves, or their
# \u escapes (an escaped backslash before "u0000" matches too: then the full check just runs).
# The characters are looked for with ``in`` (a fast substring search) and the escapes by a
# pattern that starts with a literal: a single pattern with a class in front is scanned
# character by character, about 12 µs a kilobyte.
_ESCAPED = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_ESCAPED_UTF8 = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _may_not_be_text(text: str | bytes) -> bool:
    """False only when no string parsed from ``text`` can hold a NUL or a lone surrogate."""
    if isinstance(text, str):
        if "\x00" in text:
            return True
        if not text.isascii():
            try:
                text.encode("utf-8")  # refuses a lone surrogate, at C speed
            except UnicodeEncodeError:
                return True
        return "\\u" in text and _ESCAPED.search(text) is not None
    if json.detect_encoding(text) != "utf-8":
        return True
    # json.loads decodes UTF-8 with "surrogatepass", so a surrogate arrives as ED A0-BF.
    if b"\x00" in text or b"\xed" in text:
        return True
    return b"\\u" in text and _ESCAPED_UTF8.search(text) is not None


def check_shape(value: object, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES,
                check_text: bool = True) -> None:
    """Refuse documents nested too deeply or with too many parts (level by level: no
    recursion), and strings that are not text (NUL, lone surrogates). ``check_text=False`` is
    for a value just parsed from a text that ``_may_not_be_text`` cleared."""
    level = [value]
    depth = nodes = 0
    while level:
        depth += 1
        nodes += len(level)
        if nodes > max_nodes:
            raise TooLargeError(f"The document has more than {max_nodes} parts")
        if depth > max_depth:
            raise ParsingError(f"The document is nested more than {max_depth} levels deep")
        below: list = []
        for node in level:
            kind = type(node)  # exact JSON types first; subclasses take the isinstance tests
            if kind is str or (kind is not dict and kind is not list and isinstance(node, str)):
                if check_text:
                    _check_text(node)
            elif kind is dict or isinstance(node, dict):
                for key in node:
                    if type(key) is not str and not isinstance(key, str):
                        raise ParsingError("The document has a name that is not text")
                    if check_text:
                        _check_text(key)
                below.extend(node.values())
            elif kind is list or isinstance(node, list):
                below.extend(node)
        level = below


def copy_json(value: object) -> object:
    """A deep copy of JSON data (dicts, lists and immutable leaves), several times faster than
    ``copy.deepcopy``; anything else inside is deep-copied the usual way."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    import copy

    return copy.deepcopy(value)


def _unique_object(pairs: list[tuple[str, object]]) -> dict:
    # Duplicate names are where two JSON readers disagree (first wins here, last wins there):
    # what one part of a system checks must be what every other part reads.
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        twice = next(name for name, _ in pairs if name in seen or seen.add(name))
        raise ParsingError(f"The document gives '{twice:.60}' twice; each name may appear once")
    return value


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ParsingError(f"The number {text:.40} is too large to use")
    return number


def _no_constant(name: str) -> object:
    raise ParsingError(f"{name} is not a JSON value")


def parse_json(text: str | bytes, *, max_bytes: int = MAX_INPUT_BYTES) -> object:
    """The one strict JSON reader for everything that comes from outside: bounded size,
    depth and parts; no duplicate names, NaN/Infinity, overflowing numbers, NUL or lone
    surrogates. Raises ParsingError or TooLargeError."""
    if len(text) > max_bytes:
        raise TooLargeError(f"The input is larger than {max_bytes // 1024} KB")
    try:
        value = json.loads(text, object_pairs_hook=_unique_object, parse_float=_finite_float,
                           parse_constant=_no_constant)
    except RecursionError:
        raise ParsingError("The JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ParsingError(f"This is not valid JSON ({error})") from None
    check_shape(value, check_text=_may_not_be_text(text))
    return value
