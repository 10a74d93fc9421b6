"""did:web (W3C CCG did:web Method Specification, §3.2 Create/Register and §3.3 Read/Verify).

``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
``did:web:example.com%3A5001:user:alice`` → ``https://example.com:5001/user/alice/did.json``.

Providers publish their DID documents under ``did-documents/`` laid out like those URLs
(``did-documents/example.com/.well-known/did.json``). A verifier may pin documents there: the
pinned copy wins and the network is never asked. Otherwise the document is fetched through the
injected ``Fetcher`` (SSRF rules in passport_vc.fetch, STANDARDS.md trap 11). ``http_hosts``
lets a local demo (``localhost:5001``) use plain http; never set it in production.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import (
    DidNotFoundError,
    DidResolutionError,
    FetchError,
    InvalidDidError,
    PassportError,
    RepresentationNotSupportedError,
)
from ..inputs import parse_json

PREFIX = "did:web:"
MAX_DOCUMENT_BYTES = 256 * 1024
ACCEPT = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
_HOST = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\Z")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+\Z")


def _parse(did: str) -> tuple[str, int | None, list[str]]:
    """Split a did:web into (host, port, path segments), refusing anything unsafe."""
    if not isinstance(did, str) or not did.startswith(PREFIX) or len(did) > 1024:
        raise InvalidDidError(f"{did!r:.120} is not a did:web")
    if any(char in did for char in "#?/"):
        raise InvalidDidError(f"{did:.120} is a DID URL, not a DID")
    authority, *segments = did[len(PREFIX):].split(":")
    host, sep, port_text = unquote(authority).partition(":")
    if not _HOST.match(host):
        raise InvalidDidError(f"{did:.120} does not name a valid web host")
    if _is_ip_address(host):
        raise InvalidDidError("A did:web must name a host, not an IP address")
    port = None
    if sep:
        if not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5) \
                or not 0 < int(port_text) < 65536:
            raise InvalidDidError(f"{did:.120} has an invalid port")
        port = int(port_text)
    for segment in segments:
        # ".." would climb out of the site (and out of the pinned-documents directory).
        if not _SEGMENT.match(segment) or unquote(segment) in (".", "..") or \
                "/" in unquote(segment) or "\\" in unquote(segment):
            raise InvalidDidError(f"{did:.120} has an invalid path part {segment!r:.40}")
    return host.lower(), port, segments


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _authority(host: str, port: int | None) -> str:
    return host if port is None else f"{host}:{port}"


def did_web_to_url(did: str, *, http_hosts: frozenset[str] = frozenset()) -> str:
    host, port, segments = _parse(did)
    authority = _authority(host, port)
    scheme = "http" if authority in http_hosts else "https"
    path = "/".join(segments) + "/did.json" if segments else ".well-known/did.json"
    return f"{scheme}://{authority}/{path}"


def url_to_did_web(url: str) -> str:
    """``https://example.com:5001/user/alice/did.json`` →
    ``did:web:example.com%3A5001:user:alice``."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or \
            parts.fragment or parts.username is not None:
        raise InvalidDidError(f"{url!r:.120} is not a web address a did:web can name")
    authority = parts.hostname
    if parts.port is not None:
        authority += f"%3A{parts.port}"
    path = parts.path.strip("/")
    if path in ("", ".well-known/did.json", ".well-known"):
        segments: list[str] = []
    else:
        segments = path.split("/")
        if segments[-1] == "did.json":
            segments = segments[:-1]
    did = ":".join([PREFIX + authority, *segments])
    _parse(did)
    return did


def local_path_for(did: str, directory: Path) -> Path:
    """Where a did:web document lives inside a ``did-documents/`` folder."""
    host, port, segments = _parse(did)
    folder = host if port is None else f"{host}%3A{port}"
    base = Path(directory)
    if segments:
        path = base.joinpath(folder, *[unquote(segment) for segment in segments], "did.json")
    else:
        path = base / folder / ".well-known" / "did.json"
    if not path.resolve().is_relative_to(base.resolve()):
        raise InvalidDidError(f"{did:.120} does not map to a file inside {base}")
    return path


MAX_REMEMBERED = 4096


class WebResolver:
    """did:web: pinned local documents first, then the fetcher (if any)."""

    def __init__(self, fetcher=None, did_documents_dir: Path | str | None = None, *,
                 http_hosts: frozenset[str] = frozenset()) -> None:
        self.fetcher = fetcher
        self.did_documents_dir = Path(did_documents_dir) if did_documents_dir else None
        self.http_hosts = frozenset(http_hosts)
        # Pinned files are re-read only when they change (verifying resolves on every proof),
        # and a document whose bytes have not changed is not parsed again.
        self._pinned: dict[Path, tuple[tuple[int, int], bytes]] = {}
        self._paths: dict[str, Path] = {}
        self._parsed: dict[str, tuple[bytes, dict]] = {}
        self._urls: dict[str, str] = {}

    def revalidating(self) -> WebResolver:
        """This resolver, fetching from the origin again (cached copies only if it is down)."""
        from ..fetch import revalidating

        clone = WebResolver(revalidating(self.fetcher) if self.fetcher is not None else None,
                            self.did_documents_dir, http_hosts=self.http_hosts)
        clone._pinned, clone._paths = self._pinned, self._paths
        return clone

    def resolve(self, did: str) -> dict:
        url = self._urls.get(did)
        if url is None:  # parsing and checking the DID is the same work every time
            url = did_web_to_url(did, http_hosts=self.http_hosts)
            if len(self._urls) >= MAX_REMEMBERED:
                self._urls.clear()
            self._urls[did] = url
        body, source = self._read_local(did)
        if body is None:
            if self.fetcher is None:
                raise DidNotFoundError(f"No DID document for {did} is available here (it is "
                                       "not pinned and fetching is switched off)")
            body, source = self._fetch(did, url), url
        known = self._parsed.get(did)
        if known is not None and (known[0] is body or known[0] == body):
            return known[1]
        try:
            document = parse_json(body, max_bytes=MAX_DOCUMENT_BYTES)
        except PassportError as error:
            raise RepresentationNotSupportedError(
                f"The DID document at {source} could not be read: {error.detail}") from None
        if not isinstance(document, dict):
            raise RepresentationNotSupportedError(f"The DID document at {source} is not a JSON "
                                                  "object")
        # Whoever serves the URL must not be able to answer for another DID.
        if document.get("id") != did:
            raise DidResolutionError(f"The DID document at {source} is for "
                                     f"{document.get('id')!r:.120}, not {did}")
        if len(self._parsed) >= MAX_REMEMBERED:
            self._parsed.clear()
        self._parsed[did] = (body, document)
        return document

    def _read_local(self, did: str) -> tuple[bytes | None, str]:
        if self.did_documents_dir is None:
            return None, ""
        path = self._paths.get(did)
        if path is None:
            path = local_path_for(did, self.did_documents_dir)
            if len(self._paths) >= MAX_REMEMBERED:
                self._paths.clear()
            self._paths[did] = path
        try:
            info = path.stat()
        except OSError:
            return None, ""
        if not path.is_file():
            return None, ""
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise RepresentationNotSupportedError(f"The pinned DID document {path} is too large")
        version = (info.st_mtime_ns, info.st_size)
        cached = self._pinned.get(path)
        if cached is not None and cached[0] == version:
            return cached[1], str(path)
        body = path.read_bytes()
        self._pinned[path] = (version, body)
        return body, str(path)

    def _fetch(self, did: str, url: str) -> bytes:
        try:
            return self.fetcher.get(url, accept=ACCEPT).body
        except FetchError as error:
            if error.extra.get("status") in (404, 410):
                raise DidNotFoundError(f"{did} has no DID document published at {url}") from None
            raise DidResolutionError(f"The DID document of {did} could not be fetched: "
                                     f"{error.detail}") from None
        except PassportError as error:
            raise DidResolutionError(f"The DID document of {did} could not be fetched: "
                                     f"{error.detail}") from None
