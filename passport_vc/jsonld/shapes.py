"""Fast path: reuse the JSON-LD → RDF conversion of documents that share a *shape*.

97–99 % of a Data Integrity operation is JSON-LD expansion (STANDARDS.md, "Where the time goes").
Credentials from one issuer differ only in their values, so the conversion is done once per
shape with every variable value replaced by a unique *slot* sentinel, and later documents of that
shape get their quads by putting their values into the slots.

A shape keeps verbatim everything that can change how JSON-LD reads the document: every key,
the whole ``@context``, every ``type``/``@type`` value, booleans, nulls, floats and the JSON type
of each value. Strings and integers become slots — except where a value turned out to be read as
a vocabulary term (``"proofPurpose": "assertionMethod"``): such positions become part of the shape
key for that shape, so each distinct term gets its own exact template.

A shape is only cached when the trial run proves every slot came out whole as exactly one IRI,
literal or integer literal; a value put into an IRI slot must be an absolute IRI that no context
could rewrite (no term prefix, no blank-node label). Anything that cannot be proven exact takes
the full path (``dataset.document_to_quads``).
Tests compare both paths byte for byte on every vector and on mutated documents.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from .dataset import document_to_quads
from .loader import FrozenLoader, default_loader
from .rdfc import XSD_STRING, Quad, iri_token
from .rdfc_plan import RdfcPlan

MARK = "urn:x-passport-slot:"
INT_BASE = 7_300_000_000_000
SEP = "\x1f"
MAX_SHAPES = 512
MAX_INT = 10**15
MAX_KEPT = 16
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`]*\Z")
_LITERAL_NEEDS = re.compile(r'[\x00-\x1f\x7f"\\]')
_UNCACHEABLE = object()


@dataclass(frozen=True)
class _Slot:
    kind: str  # "iri" | "literal" | "int"
    index: int
    suffix: str  # datatype / language part of a literal token


@dataclass(frozen=True)
class _Template:
    quads: tuple[tuple[object, object, object, object], ...]
    iri_slots: frozenset[int]
    int_slots: frozenset[int]
    forbidden_prefixes: frozenset[str]
    # The distinct (value index, kind, literal suffix) a document's values are turned into,
    # and a function that puts those tokens and the fixed ones into the quads (_compile).
    tokens: tuple[tuple[int, str, str], ...] = ()
    build: object = None
    constants: tuple[str, ...] = ()
    rdfc: RdfcPlan | None = None
    # IRIs already found safe for this template's IRI slots (they depend on its contexts).
    safe_iris: dict = field(default_factory=dict, compare=False, hash=False)
    # Per entry of ``tokens``: the tokens of values already seen there, by value.
    memos: tuple[dict, ...] = field(default=(), compare=False, hash=False)


class ShapeQuads(list):
    """The quads of a document served from a shape template, with that template's RDFC plan
    (rdfc_plan.py): ``canonical_nquads`` uses it, and the full algorithm when it declines."""

    __slots__ = ("rdfc",)


class _Shape:
    __slots__ = ("tokens", "values", "ok")

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.values: list[object] = []
        self.ok = True


_PLAIN_KEYS: set[str] = set()  # keys already seen to be free of SEP, MARK and "_:"
_PLAIN_KEYS_MAX = 4096
_CONSTANT_KEYS = frozenset(("@context", "type", "@type"))


def _shape_of(document: dict) -> _Shape:
    shape = _Shape()
    add, values_add = shape.tokens.append, shape.values.append
    plain = _PLAIN_KEYS

    def walk(node) -> None:
        # Exact JSON types first (what json.loads makes); anything else, subclasses included,
        # takes the isinstance chain below, in the same order as before.
        kind = type(node)
        if kind is str:
            # Blank-node labels (safe mode's own checks) and our sentinel's text: full path.
            if node.startswith("_:") or MARK in node:
                shape.ok = False
            add("s")
            values_add(node)
        elif kind is dict:
            walk_dict(node)
        elif kind is list:
            walk_list(node)
        elif kind is int:
            add("i")
            values_add(node)
        elif isinstance(node, dict):
            walk_dict(node)
        elif isinstance(node, list):
            walk_list(node)
        elif isinstance(node, str):
            if node.startswith("_:") or MARK in node:
                shape.ok = False
            add("s")
            values_add(node)
        elif node is True or node is False or node is None:
            add(repr(node))
        elif isinstance(node, int):
            add("i")
            values_add(node)
        else:
            add("f" + repr(node))

    def walk_list(node) -> None:
        add("[")
        for item in node:
            # The commonest leaf, a plain string, inline: the same tokens walk() would add.
            if type(item) is str and not item.startswith("_:") and MARK not in item:
                add("s")
                values_add(item)
            else:
                walk(item)
        add("]")

    def walk_dict(node) -> None:
        add("{")
        for key, value in node.items():
            if key not in plain:
                if SEP in key or MARK in key or key.startswith("_:"):
                    shape.ok = False
                elif type(key) is str and len(plain) < _PLAIN_KEYS_MAX:
                    plain.add(key)
            add(key)
            if key in _CONSTANT_KEYS:
                # repr is exact for JSON data (types and order kept) and cheaper than JSON.
                constant = repr(value)
                if MARK in constant:
                    shape.ok = False
                add(constant)
            elif type(value) is str and not value.startswith("_:") and MARK not in value:
                add("s")  # the commonest leaf inline, as in walk_list
                values_add(value)
            else:
                walk(value)
        add("}")

    walk(document)
    return shape


def _with_sentinels(node, counter: list[int], keep: frozenset[int]):
    if isinstance(node, dict):
        return {key: (value if key in ("@context", "type", "@type")
                      else _with_sentinels(value, counter, keep)) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_sentinels(item, counter, keep) for item in node]
    if isinstance(node, str) or (isinstance(node, int) and not isinstance(node, bool)):
        index = counter[0]
        counter[0] += 1
        if index in keep:
            return node
        return f"{MARK}{index}" if isinstance(node, str) else INT_BASE + index
    return node


def _context_terms(loader: FrozenLoader, document: dict) -> frozenset[str]:
    """Every term any context of the document could define (a generous over-approximation)."""
    terms: set[str] = set()

    def collect(context) -> None:
        if isinstance(context, str):
            if context in loader:
                collect(loader.get(context).document.get("@context"))
        elif isinstance(context, list):
            for item in context:
                collect(item)
        elif isinstance(context, dict):
            for key, value in context.items():
                terms.add(key)
                if isinstance(value, dict) and "@context" in value:
                    collect(value["@context"])

    def find(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    collect(value)
                else:
                    find(value)
        elif isinstance(node, list):
            for item in node:
                find(item)

    find(document)
    return frozenset(terms)


def _slot_for(token: str, slots: dict[str, int], position: int) -> object:
    """Classify one term token of the trial run: constant, a slot, or proof of non-exactness."""
    if MARK not in token and not (token.startswith('"') and str(INT_BASE)[:6] in token):
        return token
    if token.startswith("<"):
        index = slots.get(token[1:-1])
        if index is None or position == 1:
            return _UNCACHEABLE
        return _Slot("iri", index, "")
    if token.startswith('"'):
        end = token.index('"', 1)
        lexical, suffix = token[1:end], token[end + 1:]
        if MARK in suffix:
            return _UNCACHEABLE
        index = slots.get(lexical)
        if index is not None:
            return _Slot("literal", index, suffix)
        # A JSON integer becomes its decimal form under whatever datatype the context gives
        # it (xsd:integer by default; the VC 2.0 context types statusSize with an https xsd
        # IRI); a double-typed one would not be digits and stays out of the cache.
        if lexical.isascii() and lexical.isdigit() and len(lexical) < 40 and \
                suffix.startswith("^^<"):
            number = int(lexical) - INT_BASE
            if 0 <= number < len(slots) + 10**6:
                return _Slot("int", number, suffix)
        return _UNCACHEABLE if MARK in lexical else token
    return _UNCACHEABLE


def _build_template(document: dict, loader: FrozenLoader, value_count: int,
                    keep: frozenset[int] = frozenset()):
    counter = [0]
    trial = _with_sentinels(document, counter, keep)
    try:
        quads = document_to_quads(trial, loader=loader)
    except Exception:  # noqa: BLE001 - any failure means: use the full path on the real document
        return None
    slots = {f"{MARK}{i}": i for i in range(value_count)}
    seen: set[int] = set()
    iri_slots: set[int] = set()
    int_slots: set[int] = set()
    template = []
    for quad in quads:
        parts = []
        for position, token in enumerate(quad):
            part = _slot_for(token, slots, position) if token else token
            if part is _UNCACHEABLE:
                return None
            if isinstance(part, _Slot):
                seen.add(part.index)
                if part.kind == "iri":
                    iri_slots.add(part.index)
                elif part.kind == "int":
                    int_slots.add(part.index)
            parts.append(part)
        template.append(tuple(parts))
    if len(seen) != value_count - len(keep):
        return None  # a value vanished or was merged: not provably exact
    tokens, build, constants = _compile(template)
    return _Template(tuple(template), frozenset(iri_slots), frozenset(int_slots),
                     _context_terms(loader, document), tokens, build, constants,
                     RdfcPlan(template), memos=tuple({} for _ in tokens))


def _compile(template: list[tuple]) -> tuple[tuple, object, tuple[str, ...]]:
    """A function building the whole list of quads in one expression: ``T[n]`` is the n-th
    value token, ``C[n]`` a fixed term. Only indexes go into the generated source, never a
    term or a value, so nothing from a document can change the code."""
    specs: dict[tuple[int, str, str], int] = {}
    constants: dict[str, int] = {}
    rows = []
    for quad in template:
        terms = []
        for part in quad:
            if isinstance(part, _Slot):
                number = specs.setdefault((part.index, part.kind, part.suffix), len(specs))
                terms.append(f"T[{number}]")
            else:
                terms.append(f"C[{constants.setdefault(part, len(constants))}]")
        rows.append("(" + ", ".join(terms) + ")")
    namespace: dict[str, object] = {}
    exec(f"def build(S, C, T):\n    return S([{', '.join(rows)}])\n", namespace)  # noqa: S102
    return tuple(specs), namespace["build"], tuple(constants)


def _escape_literal(value: str) -> str:
    if _LITERAL_NEEDS.search(value):
        from .rdfc import literal_token

        return literal_token(value, XSD_STRING)[1:-1]
    return value


def _unsafe_iri_slots(template: _Template, values: list[object]) -> list[int]:
    """IRI slots whose value a context could read differently from the sentinel."""
    unsafe = []
    for index in template.iri_slots:
        if _iri_unsafe(template, values[index]):
            unsafe.append(index)
    return unsafe


def _iri_unsafe(template: _Template, value: object) -> bool:
    if not isinstance(value, str) or not _ABSOLUTE_IRI.match(value) or MARK in value:
        return True
    prefix = value.split(":", 1)[0]
    return prefix in template.forbidden_prefixes or value in template.forbidden_prefixes


# Tokens of values seen before: a batch of credentials repeats most of its values (issuer,
# course, URLs, dates). Each template entry keeps its own, by value — an entry's kind and suffix
# are fixed, and its values are of one exact type (text; whole numbers for "int" entries, checked
# above) — so an entry whose values never repeat (ids, names) cannot push out the others'.
# Bounded by clearing.
_MEMO_MAX = 8192
_ENTRY_MEMO_MAX = 1024


def _token(kind: str, suffix: str, value: object) -> str | None:
    if kind == "iri":
        return iri_token(value)
    if kind == "int":
        return f'"{value}"{suffix}'
    if isinstance(value, str):
        return f'"{_escape_literal(value)}"{suffix}'
    return None


def _fill(template: _Template, values: list[object]) -> ShapeQuads | None:
    safe = template.safe_iris
    for index in template.iri_slots:
        value = values[index]
        if (type(value), value) not in safe:
            if _iri_unsafe(template, value):
                return None
            if len(safe) >= _MEMO_MAX:
                safe.clear()
            safe[(type(value), value)] = True
    for index in template.int_slots:
        value = values[index]
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= MAX_INT:
            return None
    tokens = []
    for (index, kind, suffix), memo in zip(template.tokens, template.memos, strict=True):
        value = values[index]
        if type(value) is not str and kind != "int":
            return None  # an IRI or a literal slot holds text (other types: the full path)
        token = memo.get(value)
        if token is None:
            token = _token(kind, suffix, value)
            if token is None:
                return None
            if len(memo) >= _ENTRY_MEMO_MAX:
                memo.clear()
            memo[value] = token
        tokens.append(token)
    quads = template.build(ShapeQuads, template.constants, tokens)
    quads.rdfc = template.rdfc
    return quads


class ShapeCache:
    """Thread-safe LRU of shape templates. ``quads(document)`` is exact or falls back."""

    def __init__(self, loader: FrozenLoader | None = None, max_shapes: int = MAX_SHAPES) -> None:
        self.loader = loader or default_loader()
        self.max_shapes = max_shapes
        self._templates: OrderedDict[str, _Template | None] = OrderedDict()
        self._kept: dict[str, frozenset[int]] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = self.fallbacks = 0

    def quads(self, document: dict) -> list[Quad]:
        shape = _shape_of(document)
        if not shape.ok:
            self.fallbacks += 1
            return document_to_quads(document, loader=self.loader)
        base = SEP.join(shape.tokens)
        with self._lock:
            keep = self._kept.get(base, frozenset())
            # json.dumps([]) is "[]": the usual case, without building an encoder per call
            key = base + SEP + (json.dumps([shape.values[i] for i in sorted(keep)]) if keep
                                else "[]")
            known = key in self._templates
            template = self._templates.get(key)
            if known:
                self._templates.move_to_end(key)
        if not known:
            self.misses += 1
            template = _build_template(document, self.loader, len(shape.values), keep)
            unsafe = _unsafe_iri_slots(template, shape.values) if template else []
            if unsafe and len(keep) + len(unsafe) <= MAX_KEPT:
                # These positions hold vocabulary terms: make their values part of the key.
                keep = keep | frozenset(unsafe)
                key = base + SEP + json.dumps([shape.values[i] for i in sorted(keep)])
                template = _build_template(document, self.loader, len(shape.values), keep)
            with self._lock:
                self._kept[base] = keep
                self._templates[key] = template
                while len(self._templates) > self.max_shapes:
                    self._templates.popitem(last=False)
                if len(self._kept) > 4 * self.max_shapes:
                    self._kept.clear()
        if template is not None:
            quads = _fill(template, shape.values)
            if quads is not None:
                if known:
                    self.hits += 1
                return quads
        self.fallbacks += 1
        return document_to_quads(document, loader=self.loader)

    def clear(self) -> None:
        with self._lock:
            self._templates.clear()
            self._kept.clear()
