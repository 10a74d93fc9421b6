"""Bounded JSON text: size, depth, number of parts and characters checked before anything else."""

from __future__ import annotations

import json
import re

from .errors import ParsingError, TooLargeError

MAX_INPUT_BYTES = 512 * 1024
MAX_DEPTH = 48
MAX_NODES = 50_000
JWT_PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\Z")



def check_shape(value: object, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Refuse documents nested too deeply or with too many parts (iteratively: no recursion)."""
    stack = [(value, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise TooLargeError(f"The document has more than {max_nodes} parts")
        if depth > max_depth:
            raise ParsingError(f"The document is nested more than {max_depth} levels deep")
        if isinstance(node, str):
            if "\x00" in node:
                raise ParsingError("The document contains a NUL character, which no credential "
                                   "has")
        elif isinstance(node, dict):
            if any("\x00" in key for key in node):
                raise ParsingError("The document contains a NUL character, which no credential "
                                   "has")
            stack.extend((item, depth + 1) for item in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


def parse_json(text: str | bytes, *, max_bytes: int = MAX_INPUT_BYTES) -> object:
    if len(text) > max_bytes:
        raise TooLargeError(f"The input is larger than {max_bytes // 1024} KB")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ParsingError("The JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ParsingError(f"This is not valid JSON ({error})") from None
    check_shape(value)
    return value
