"""DID URL dereferencing (DID Core 1.0 §3.2 DID URL syntax; DID Resolution §8 Dereferencing).

Only what a verifier needs is served: the DID document itself (no path, query or fragment) and
one of its verification methods by ``#fragment``. Paths, queries and services are refused with
``notFound`` rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import DidNotFoundError, InvalidDidError, InvalidDidUrlError
from .registry import MAX_DID_LENGTH, parse_did

# RFC 3986 pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_PATH = re.compile(rf"(?:/{_PCHAR}*)*\Z")
_QUERY_OR_FRAGMENT = re.compile(rf"(?:{_PCHAR}|[/?])*\Z")
_DID_END = re.compile(r"[/?#]")


@dataclass(frozen=True)
class DidUrl:
    did: str
    path: str
    query: str | None
    fragment: str | None

    @property
    def is_plain_did(self) -> bool:
        return not self.path and self.query is None and self.fragment is None


def parse_did_url(text: str) -> DidUrl:
    """Split a DID URL into its parts, or raise InvalidDidUrlError (DID Core §3.2 ABNF)."""
    if not isinstance(text, str) or not text:
        raise InvalidDidUrlError("The DID URL is missing")
    if len(text) > MAX_DID_LENGTH:
        raise InvalidDidUrlError("The DID URL is too long")
    rest, hash_sign, fragment = text.partition("#")
    rest, question_mark, query = rest.partition("?")
    end = _DID_END.search(rest)
    did, path = (rest[:end.start()], rest[end.start():]) if end else (rest, "")
    try:
        parse_did(did)
    except InvalidDidError as error:
        raise InvalidDidUrlError(f"{text:.120} does not start with a valid DID: "
                                 f"{error.detail}") from None
    if not _PATH.match(path):
        raise InvalidDidUrlError(f"{text:.120} has characters a DID URL path may not hold")
    if question_mark and not _QUERY_OR_FRAGMENT.match(query):
        raise InvalidDidUrlError(f"{text:.120} has characters a DID URL query may not hold")
    if hash_sign and not _QUERY_OR_FRAGMENT.match(fragment):
        raise InvalidDidUrlError(f"{text:.120} has characters a DID URL fragment may not hold")
    return DidUrl(did, path, query if question_mark else None,
                  fragment if hash_sign else None)


def dereference(did_url: DidUrl, resolve: Callable[[str], dict]) -> dict:
    """The resource a DID URL names: the whole document, or the verification method its
    fragment names (with the document's ``@context``, so it can be read on its own)."""
    if did_url.path or did_url.query is not None:
        raise DidNotFoundError(
            f"{did_url.did:.80}: DID URL paths and queries name nothing on this resolver")
    document = resolve(did_url.did)
    if did_url.fragment is None:
        return document
    wanted = {f"{did_url.did}#{did_url.fragment}", f"#{did_url.fragment}"}
    for method in document.get("verificationMethod", []):
        if isinstance(method, dict) and method.get("id") in wanted:
            found = dict(method)
            if "@context" in document:
                found = {"@context": document["@context"], **found}
            return found
    raise DidNotFoundError(f"The DID document of {did_url.did:.80} has no key "
                           f"#{did_url.fragment:.60}")
