"""RDF Dataset Canonicalization RDFC-1.0 (W3C Recommendation, 2024), §4.4–4.9.

Quads are tuples of four N-Quads term tokens ``(subject, predicate, object, graph)``: IRIs as
``<…>``, literals fully serialized, blank nodes as ``_:label``, graph ``""`` for the default
graph. The hash function is a parameter: ecdsa-rdfc-2019 with P-384 canonicalizes with SHA-384
(STANDARDS.md trap 4), which changes the blank-node labels.

Term serialization follows canonical N-Quads as the reference implementation does (ECHAR for
``\\b \\t \\n \\f \\r " \\``, UCHAR for other controls). A work limit on Hash N-Degree Quads
stops "poison" datasets from using unbounded time.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter

from ..errors import RangeError

Quad = tuple[str, str, str, str]
MAX_NDEGREE_CALLS = 4096

_LITERAL_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                    0x22: '\\"', 0x5C: "\\\\"}
_LITERAL_TABLE = {code: f"\\u{code:04X}" for code in [*range(0x20), 0x7F]}
_LITERAL_TABLE.update(_LITERAL_ESCAPES)
_LITERAL_NEEDS = re.compile(r'[\x00-\x1f\x7f"\\]')
_IRI_TABLE = {code: f"\\u{code:04X}" for code in [*range(0x21), *map(ord, '<>"{}|^`\\')]}
_IRI_NEEDS = re.compile(r'[\x00-\x20<>"{}|^`\\]')

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def iri_token(iri: str) -> str:
    return "<" + (iri.translate(_IRI_TABLE) if _IRI_NEEDS.search(iri) else iri) + ">"


def literal_token(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    text = value.translate(_LITERAL_TABLE) if _LITERAL_NEEDS.search(value) else value
    if language:
        return f'"{text}"@{language}'
    if datatype and datatype != XSD_STRING:
        return f'"{text}"^^{iri_token(datatype)}'
    return f'"{text}"'


def serialize(quad: Quad) -> str:
    s, p, o, g = quad
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


class _Issuer:
    """Identifier Issuer (§4.3): issues prefix+counter in order, remembers the order."""

    __slots__ = ("prefix", "issued", "order")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = {}
        self.order: list[str] = []

    def issue(self, existing: str) -> str:
        label = self.issued.get(existing)
        if label is None:
            label = self.issued[existing] = f"{self.prefix}{len(self.order)}"
            self.order.append(existing)
        return label

    def copy(self) -> _Issuer:
        clone = _Issuer(self.prefix)
        clone.issued = dict(self.issued)
        clone.order = list(self.order)
        return clone


class _State:
    def __init__(self, quads: list[Quad], hash_name: str, *,
                 prepared: tuple[dict[str, list[Quad]], dict[str, str]] | None = None) -> None:
        self.hash_name = hash_name
        self.quads = quads
        self.blank_to_quads: dict[str, list[Quad]] = {}
        self.first_degree: dict[str, str] = {}
        self.canonical = _Issuer("_:c14n")
        self.calls = 0
        if prepared is not None:
            # rdfc_plan.py gives the blank-node-to-quads map (it may build each entry when
            # asked) and the first-degree hashes of every blank node, in the order of first
            # mention that this loop would give.
            self.blank_to_quads, self.first_degree = prepared
            self.order = list(self.first_degree)
            return
        for quad in quads:
            for position in (0, 2, 3):
                term = quad[position]
                if term.startswith("_:"):
                    bucket = self.blank_to_quads.setdefault(term, [])
                    if not bucket or bucket[-1] is not quad:
                        bucket.append(quad)
        self.order = list(self.blank_to_quads)

    def hash(self, text: str) -> str:
        return hashlib.new(self.hash_name, text.encode("utf-8")).hexdigest()

    # §4.6 Hash First Degree Quads
    def hash_first_degree(self, reference: str) -> str:
        cached = self.first_degree.get(reference)
        if cached is not None:
            return cached
        lines = []
        for s, p, o, g in self.blank_to_quads[reference]:
            lines.append(serialize((_a_or_z(s, reference), p, _a_or_z(o, reference),
                                    _a_or_z(g, reference))))
        lines.sort()
        digest = self.first_degree[reference] = self.hash("".join(lines))
        return digest

    # §4.7 Hash Related Blank Node
    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        text = position
        if position != "g":
            text += quad[1]
        if related in self.canonical.issued:
            text += self.canonical.issued[related]
        elif related in issuer.issued:
            text += issuer.issued[related]
        else:
            text += self.hash_first_degree(related)
        return self.hash(text)

    # §4.8 Hash N-Degree Quads
    def hash_n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self.calls += 1
        if self.calls > MAX_NDEGREE_CALLS:
            raise RangeError("The document's blank nodes are too complex to canonicalize")
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.blank_to_quads[identifier]:
            for position, label in ((0, "s"), (2, "o"), (3, "g")):
                term = quad[position]
                if term.startswith("_:") and term != identifier:
                    digest = self.hash_related(term, quad, issuer, label)
                    related_by_hash.setdefault(digest, []).append(term)
        data = ""
        for related_hash in sorted(related_by_hash):
            data += related_hash
            chosen_path, chosen_issuer = "", None
            group = related_by_hash[related_hash]
            # A node mentioned several times in one way (the graph node of a credential in a
            # presentation, once per quad of the graph) repeats in the list, so permutations
            # repeat. A repeat of a permutation that ran to the end without recursing gives
            # the same path and no calls: it is passed over (same result, same call count).
            finished: set[tuple[str, ...]] | None = None
            if len(set(group)) < len(group):
                finished, distinct = set(), _distinct_permutations(group)
            for permutation in itertools.permutations(group):
                if finished is not None and permutation in finished:
                    if len(finished) == distinct:
                        break  # every remaining permutation repeats one that finished
                    continue
                candidate = issuer.copy()
                path, recursion, skipped = "", [], False
                for related in permutation:
                    if related in self.canonical.issued:
                        path += self.canonical.issued[related]
                    else:
                        if related not in candidate.issued:
                            recursion.append(related)
                        path += candidate.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skipped = True
                        break
                if skipped:
                    continue
                if finished is not None and not recursion:
                    finished.add(permutation)
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, candidate)
                    path += candidate.issue(related) + "<" + result_hash + ">"
                    candidate = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skipped = True
                        break
                if skipped:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path, chosen_issuer = path, candidate
            data += chosen_path
            issuer = chosen_issuer
        return self.hash(data), issuer


def _distinct_permutations(items: list[str]) -> int:
    count = math.factorial(len(items))
    for repeats in Counter(items).values():
        count //= math.factorial(repeats)
    return count


def _a_or_z(term: str, reference: str) -> str:
    if term.startswith("_:"):
        return "_:a" if term == reference else "_:z"
    return term


def canonical_labels(quads: list[Quad], hash_name: str = "sha256") -> dict[str, str]:
    """§4.4 steps 1–6: map every blank node label to its canonical ``_:c14nN`` label."""
    return issue_labels(_State(quads, hash_name))


def prepared_labels(quads: list[Quad], hash_name: str, blank_to_quads: dict[str, list[Quad]],
                    first_degree: dict[str, str]) -> dict[str, str]:
    """``canonical_labels`` for a caller that already has §4.6's results (rdfc_plan.py): the
    map from each blank node, in order of first mention, to the quads mentioning it, and every
    blank node's first-degree hash."""
    return issue_labels(_State(quads, hash_name, prepared=(blank_to_quads, first_degree)))


def issue_labels(state: _State) -> dict[str, str]:
    by_hash: dict[str, list[str]] = {}
    for identifier in state.order:
        by_hash.setdefault(state.hash_first_degree(identifier), []).append(identifier)
    shared = []
    for digest in sorted(by_hash):
        identifiers = by_hash[digest]
        if len(identifiers) == 1:
            state.canonical.issue(identifiers[0])
        else:
            shared.append(identifiers)
    for identifiers in shared:
        paths = []
        for identifier in identifiers:
            if identifier in state.canonical.issued:
                continue
            temporary = _Issuer("_:b")
            temporary.issue(identifier)
            paths.append(state.hash_n_degree(identifier, temporary))
        for _, result_issuer in sorted(paths, key=lambda item: item[0]):
            for existing in result_issuer.order:
                state.canonical.issue(existing)
    return state.canonical.issued


def canonicalize(quads: list[Quad], hash_name: str = "sha256") -> str:
    """Return the canonical N-Quads document for a set of quads (duplicates removed)."""
    unique = list(dict.fromkeys(quads))
    labels = canonical_labels(unique, hash_name)
    lines = []
    for s, p, o, g in unique:
        if labels:
            s, o, g = labels.get(s, s), labels.get(o, o), labels.get(g, g)
        lines.append(serialize((s, p, o, g)))
    lines.sort()
    return "".join(lines)


def canonical_nquads(quads: list[Quad], hash_name: str = "sha256") -> str:
    """``canonicalize``, through the shape's prepared plan when the quads came from the shape
    cache (``shapes.ShapeQuads``) and the plan can answer; the full algorithm otherwise."""
    plan = getattr(quads, "rdfc", None)
    if plan is not None:
        canonical = plan.canonicalize(quads, hash_name)
        if canonical is not None:
            return canonical
    return canonicalize(quads, hash_name)
