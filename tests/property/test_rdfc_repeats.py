"""Hash N-Degree Quads with repeated related nodes.

A node mentioned by several quads of a named graph relates to the graph's node once per quad,
so permutations of that list repeat (7! = 5,040 identical ones for a credential node in a
presentation). rdfc.py passes over repeats of a permutation that finished without recursing.
Checked against the textbook loop (every permutation, as the spec words it): same labels and
the same number of Hash N-Degree Quads calls (the work limit must refuse exactly as before);
and real presentations against PyLD's independent URDNA2015.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld
from test_shape_cache_product import presentation, training_credential

from passport_vc.jsonld import document_to_quads, rdfc
from passport_vc.jsonld.rdfc import canonicalize, serialize


class _Textbook(rdfc._State):
    """§4.8 with every permutation run (rdfc.py as it was before repeats were passed over)."""

    def hash_n_degree(self, identifier, issuer):
        self.calls += 1
        if self.calls > rdfc.MAX_NDEGREE_CALLS:
            raise rdfc.RangeError("too complex")
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
            for permutation in itertools.permutations(related_by_hash[related_hash]):
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


def _labels_and_calls(state_class, quads):
    state = state_class(list(dict.fromkeys(quads)), "sha256")
    try:
        labels = rdfc.issue_labels(state)
    except rdfc.RangeError:
        labels = None
    return labels, state.calls


def _same_as_textbook(quads):
    assert _labels_and_calls(rdfc._State, quads) == _labels_and_calls(_Textbook, quads)


def _pyld(quads) -> str:
    text = "".join(serialize(quad) for quad in dict.fromkeys(quads))
    return jsonld.normalize(text, {"algorithm": "URDNA2015",
                                   "inputFormat": "application/n-quads",
                                   "format": "application/n-quads"})


def test_presentations_of_credentials_of_one_course():
    for number in range(2):
        document = presentation(number)
        for offset, credential in enumerate(document["verifiableCredential"]):
            # The same course and narrative for all ten, and no proof: the credential graph
            # nodes and criteria nodes then share first-degree hashes.
            fresh = training_credential(number * 10 + offset)
            credential.pop("proof")
            credential["credentialSubject"] = fresh["credentialSubject"]
        quads = document_to_quads(document)
        assert canonicalize(quads) == _pyld(quads)
        _same_as_textbook(quads)


BLANKS = [f"_:n{i}" for i in range(4)]
GRAPHS = ["", "_:g0", "_:g1"]
TERMS = st.sampled_from([*BLANKS, "<https://example.org/a>"])
OBJECTS = st.sampled_from([*BLANKS, "<https://example.org/a>", '"x"', '"y"'])
PREDICATES = st.sampled_from(["<https://example.org/p>", "<https://example.org/q>"])
QUADS = st.lists(st.tuples(TERMS, PREDICATES, OBJECTS, st.sampled_from(GRAPHS)),
                 min_size=1, max_size=9)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUADS)
def test_small_datasets_with_named_blank_graphs(quads):
    _same_as_textbook(quads)


def test_the_work_limit_refuses_as_before(monkeypatch):
    """With a low limit, a dataset needing more calls is refused by both, at the same count."""
    quads = [(f"_:n{i}", "<https://example.org/p>", f"_:n{(i + 1) % 6}", "_:g0")
             for i in range(6)]
    monkeypatch.setattr(rdfc, "MAX_NDEGREE_CALLS", 3)
    ours, textbook = _labels_and_calls(rdfc._State, quads), _labels_and_calls(_Textbook, quads)
    assert ours == textbook and ours[0] is None
