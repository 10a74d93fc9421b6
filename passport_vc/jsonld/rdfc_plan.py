"""RDFC-1.0 for documents of one shape: the blank-node bookkeeping done once per shape.

Every document of a shape (shapes.py) has the same quads with different values in the slots,
and its blank nodes sit at the same places: values never become blank nodes (a value starting
with ``_:`` keeps the document off the shape cache). So what RDFC-1.0 §4.4–4.6 computes from the
structure alone — which quads mention which blank node, and each such quad's line with the
node itself as ``_:a`` and any other as ``_:z`` — is prepared once, as one generated function
per step that builds every line in a single expression (only quad and label *indexes* go into
the generated source, never a term or a value, so nothing from a document can change the code).

Per document only the values change, so the first-degree hashes (§4.6) are still computed from
the document's own quads, every time. When they are all different, §4.4 issues the canonical
labels in the order of those hashes and nothing else (no N-degree hashing). When two are equal
(ten credentials of one course in a presentation share their criteria node), the full
algorithm's Hash N-Degree Quads runs on the map and hashes computed here. When two quads could
coincide (RDFC removes duplicates), it answers None and the caller runs the full algorithm
(``rdfc.canonicalize``).
tests/property/test_rdfc_plan.py compares both byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .rdfc import Quad, prepared_labels

_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


def _line_source(index: int, quad: Sequence[object], blank_fields: dict[str, str]) -> str:
    """Source of an f-string for one quad's N-Quads line: ``Q[index][n]`` is the quad's own
    n-th token, a blank node is replaced by the source ``blank_fields`` gives for it."""
    parts = []
    for position, term in enumerate(quad):
        if position == 3 and term == "":
            continue
        if isinstance(term, str) and term.startswith("_:"):
            parts.append(blank_fields[term])
        else:
            parts.append(f"{{Q[{index}][{position}]}}")
    return 'f"' + " ".join(parts) + ' .\\n"'


def _function(body: str):
    namespace: dict[str, object] = {}
    exec(f"def step(Q, L):\n    return {body}\n", namespace)  # noqa: S102 - indexes only
    return namespace["step"]


class RdfcPlan:
    """Canonical N-Quads for the quads of one shape template, or None: use the full path."""

    __slots__ = ("size", "blanks", "mentions", "first_degree", "output", "needs_dedupe",
                 "_template", "_seen")

    def __init__(self, template: Sequence[Sequence[object]]) -> None:
        self.size = len(template)
        blanks: list[str] = []
        mentions: dict[str, list[int]] = {}
        for index, quad in enumerate(template):
            for position in (0, 2, 3):
                term = quad[position]
                if isinstance(term, str) and term.startswith("_:"):
                    if term not in mentions:
                        blanks.append(term)
                        mentions[term] = []
                    if not mentions[term] or mentions[term][-1] != index:
                        mentions[term].append(index)
        self.blanks = tuple(blanks)
        self.mentions = tuple(tuple(mentions[blank]) for blank in blanks)
        self.needs_dedupe = _may_coincide(template)
        # The two steps are compiled when the shape comes back a second time: compiling costs
        # more than one canonicalization, and a presentation's shape (its mix of credentials)
        # is often seen once.
        self._template, self._seen = template, False
        self.first_degree = self.output = None

    def _compile(self) -> None:
        template, blanks = self._template, self.blanks
        # §4.6: per blank node, the sorted text of every quad mentioning it, with _:a for the
        # node itself and _:z for any other.
        per_blank = []
        for blank, indexes in zip(blanks, self.mentions, strict=True):
            fields = {other: ("_:a" if other == blank else "_:z") for other in blanks}
            lines = ", ".join(_line_source(index, template[index], fields) for index in indexes)
            per_blank.append(f'"".join(sorted([{lines}]))')
        first_degree = _function("(" + "".join(text + ", " for text in per_blank) + ")")
        # Final lines: blank node number i gets the i-th canonical label, L[i].
        fields = {blank: f"{{L[{number}]}}" for number, blank in enumerate(blanks)}
        self.output = _function("[" + ", ".join(_line_source(index, quad, fields)
                                                for index, quad in enumerate(template)) + "]")
        self.first_degree = first_degree

    def canonicalize(self, quads: Sequence[Quad], hash_name: str = "sha256") -> str | None:
        if len(quads) != self.size:
            return None
        if self.first_degree is None:
            if not self._seen:
                self._seen = True
                return None  # first sight of the shape: the full algorithm, nothing compiled
            self._compile()
        if self.needs_dedupe and len(set(quads)) != len(quads):
            return None  # duplicates: RDFC removes them; the full path does that
        digest_of = _HASHES.get(hash_name)
        if digest_of is None:
            return None
        digests = [digest_of(text.encode("utf-8")).hexdigest()
                   for text in self.first_degree(quads, None)]
        if len(set(digests)) == len(digests):
            labels = [""] * len(digests)
            for rank, number in enumerate(sorted(range(len(digests)),
                                                 key=digests.__getitem__)):
                labels[number] = f"_:c14n{rank}"
        else:
            # Shared first-degree hashes: the full algorithm's Hash N-Degree Quads (§4.8) on
            # the §4.6 results computed above.
            blank_to_quads = _Mentions(quads, dict(zip(self.blanks, self.mentions,
                                                       strict=True)))
            issued = prepared_labels(list(quads), hash_name, blank_to_quads,
                                     dict(zip(self.blanks, digests, strict=True)))
            labels = [issued[blank] for blank in self.blanks]
        lines = self.output(quads, labels)
        lines.sort()
        return "".join(lines)


class _Mentions(dict):
    """Blank node -> the quads mentioning it, each list made when Hash N-Degree Quads first
    asks for it (it visits the nodes that share a hash and their neighbours, not all)."""

    def __init__(self, quads: Sequence[Quad], mentions: dict[str, tuple[int, ...]]) -> None:
        super().__init__()
        self._quads, self._mentions = quads, mentions

    def __missing__(self, blank: str) -> list[Quad]:
        quads = self._quads
        found = self[blank] = [quads[index] for index in self._mentions[blank]]
        return found


def _may_coincide(template: Sequence[Sequence[object]]) -> bool:
    """True unless every pair of template quads differs in a position where both are fixed
    text (then no choice of values can make two quads equal)."""
    quads = [tuple(term if isinstance(term, str) else None for term in quad) for quad in template]
    # Quads with different fixed predicates can never coincide: compare within each group.
    groups: dict[object, list[tuple]] = {}
    for quad in quads:
        groups.setdefault(quad[1], []).append(quad)
    slot_predicates = groups.pop(None, [])
    for group in groups.values():
        if _pair_may_coincide(group + slot_predicates):
            return True
    return _pair_may_coincide(slot_predicates)


def _pair_may_coincide(quads: list[tuple]) -> bool:
    for first in range(len(quads)):
        for second in range(first + 1, len(quads)):
            if all(a is None or b is None or a == b for a, b in zip(quads[first], quads[second],
                                                               strict=True)):
                return True
    return False
