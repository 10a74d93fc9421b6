"""JSON-LD → RDF dataset (JSON-LD 1.1 API §8.6 Deserialize JSON-LD to RDF), always in safe mode.

Returns quads as N-Quads term tokens for ``rdfc.canonicalize``. This is the full, slow path;
``shapes.py`` reuses its output for documents of a shape already seen.
"""

from __future__ import annotations

from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import JsonLdError as PyLdError
from pyld.jsonld import JsonLdProcessor, _is_absolute_iri

from ..errors import JsonLdError
from .loader import FrozenLoader, default_loader
from .rdfc import Quad, iri_token, literal_token
from .safe import PYLD_CRASHES, expand_safe, processing_options, translate_pyld_error


def _term(component: dict) -> str:
    kind = component["type"]
    if kind == "IRI":
        return iri_token(component["value"])
    if kind == "blank node":
        return component["value"]
    return literal_token(component["value"], component.get("datatype") or "",
                         component.get("language"))


def expanded_to_quads(expanded: list, *, loader: FrozenLoader) -> list[Quad]:
    processor = JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict = {"@default": {}}
    options = processing_options(loader)
    try:
        processor._create_node_map(expanded, node_map, "@default", issuer)
        quads: list[Quad] = []
        for graph_name, graph in sorted(node_map.items()):
            if graph_name != "@default" and not _is_absolute_iri(graph_name):
                continue
            graph_token = ""
            if graph_name != "@default":
                graph_token = graph_name if graph_name.startswith("_:") else iri_token(graph_name)
            for triple in processor._graph_to_rdf(graph, issuer, options):
                quads.append((_term(triple["subject"]), _term(triple["predicate"]),
                              _term(triple["object"]), graph_token))
    except PyLdError as error:
        raise translate_pyld_error(error) from None
    except PYLD_CRASHES:
        raise JsonLdError("The document could not be converted to RDF, so it is not "
                          "accepted") from None
    return quads


def document_to_quads(document: dict, *, loader: FrozenLoader | None = None) -> list[Quad]:
    """Safe-mode expansion then RDF conversion; raises on any dropped or relative term."""
    loader = loader or default_loader()
    return expanded_to_quads(expand_safe(document, loader=loader), loader=loader)
