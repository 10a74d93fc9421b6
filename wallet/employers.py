"""Who is asking: the employer a worker is about to share with, as far as the request proves it,
and whether the wallet's operator lists that employer as known.

What can be shown as *verified* depends on how the employer asked:
- OpenID4VP (wallet/oid4vp.py): the client id is ``redirect_uri:<response_uri>`` and the answer
  can only go to that address; when the request came over https, TLS proves the website. The
  verified name is that website's host (``rosewood.example``).
- A signed OpenID4VP request (passport_vc/oid4vp_request.py): the verified name is the DNS name
  its X.509 certificate proves (``x509_san_dns``), or the DID whose key signed it
  (``decentralized_identifier``; for a did:web, its host too), "confirmed by signature".
- A check code typed by the worker: nothing is proven about who gave it, but the presentation is
  bound to the website typed (``domain``), so only a checker at that website accepts it.
Either way the verified name is looked up in the operator's list of known employers (a JSON file
like the verifier's trust list, ``WALLET_KNOWN_EMPLOYERS``), by host, or by DID for an employer
known by its DID (a did:web also matches its host's entry):
  {"name": "...", "updated": "2026-11-01T00:00:00Z",
   "employers": [{"host": "rosewood.example", "name": "Rosewood Care Home", "note": "..."},
                 {"did": "did:key:z6Mk…", "name": "Oak Lodge"}]}
A name on the list shows the employer's name; one that is not is shown as "not on the list".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from passport_vc.errors import MalformedValueError, PassportError
from passport_vc.inputs import parse_json

MAX_EMPLOYERS = 100_000
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*")


@dataclass(frozen=True)
class KnownEmployer:
    host: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class Asker:
    """Who is asking, for the "who is asking" panel and the activity log."""

    host: str  # "" for a DID with no website (did:key, did:jwk)
    proven: bool  # the host is proven by the request (OpenID4VP over https), not just typed
    employer: KnownEmployer | None = None
    confirmed_by: str | None = None  # "certificate" or "did": a signed request proved it
    did: str | None = None
    answer_host: str | None = None  # where the answer goes, when that is another host

    @property
    def signed(self) -> bool:
        return self.confirmed_by is not None

    @property
    def known(self) -> bool:
        return self.employer is not None

    @property
    def display_name(self) -> str:
        return self.employer.name if self.employer else self.host or self.did or ""

    def describe(self) -> str:
        """One line for the activity log."""
        who = ", ".join(part for part in (self.host, self.did) if part)
        if self.signed:
            who += ", confirmed by signature"
        if self.employer:
            return f"{self.employer.name} ({who}, on the list of known employers)"
        return f"{who} (not on the list of known employers)"


@dataclass
class KnownEmployers:
    name: str = "Known employers"
    by_host: dict[str, KnownEmployer] = field(default_factory=dict)
    by_did: dict[str, KnownEmployer] = field(default_factory=dict)

    def lookup(self, host: str) -> KnownEmployer | None:
        return self.by_host.get(normalise_host(host) or "")

    def ask(self, host: str, *, proven: bool, confirmed_by: str | None = None,
            answer_host: str | None = None) -> Asker:
        clean = normalise_host(host) or host
        other = normalise_host(answer_host) if answer_host else None
        return Asker(clean, proven, self.lookup(clean), confirmed_by,
                     answer_host=other if other and other != clean else None)

    def ask_did(self, did: str, host: str | None, *, answer_host: str | None = None) -> Asker:
        """A request signed by a key of ``did`` (a did:web's ``host`` proven with it)."""
        clean = normalise_host(host) if host else None
        employer = self.by_did.get(did) or (self.lookup(clean) if clean else None)
        other = normalise_host(answer_host) if answer_host else None
        return Asker(clean or "", True, employer, "did", did,
                     other if other and other != clean else None)

    @classmethod
    def from_json(cls, data: object) -> KnownEmployers:
        if not isinstance(data, dict) or not isinstance(data.get("employers"), list):
            raise MalformedValueError("A list of known employers is a JSON object with a list "
                                      "called employers")
        if len(data["employers"]) > MAX_EMPLOYERS:
            raise MalformedValueError("The list of known employers is too long")
        found = cls(str(data.get("name") or cls.name))
        for number, item in enumerate(data["employers"]):
            host = normalise_host(item.get("host")) if isinstance(item, dict) else None
            did = item.get("did") if isinstance(item, dict) else None
            did = did if isinstance(did, str) and did.startswith("did:") \
                and len(did) <= 2048 else None
            name = item.get("name") if isinstance(item, dict) else None
            if (host is None and did is None) or not isinstance(name, str) or not name.strip():
                raise MalformedValueError("Each known employer needs a website (host) or a DID, "
                                          "and a name", path=f"employers[{number}]")
            employer = KnownEmployer(host or did, name.strip()[:200],
                                     str(item.get("note") or "")[:500])
            if host is not None:
                found.by_host[host] = employer
            if did is not None:
                found.by_did[did] = employer
        return found

    @classmethod
    def load(cls, path: Path | None) -> KnownEmployers:
        if path is None:
            return cls()
        try:
            return cls.from_json(parse_json(Path(path).read_bytes(), max_bytes=16 * 1024 * 1024))
        except OSError as error:
            raise PassportError(f"The list of known employers {path} could not be read "
                                f"({error.strerror})") from None


def normalise_host(value: object) -> str | None:
    """``rosewood.example`` or ``localhost:5003`` (lower case, no scheme or path); None when
    the text is not a host name."""
    if not isinstance(value, str) or not value.strip() or len(value) > 256:
        return None
    text = value.strip().lower()
    try:
        parts = urlsplit(text if "//" in text else f"//{text}")
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError:
        return None
    if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.username:
        return None
    if not _HOST_NAME.fullmatch(parts.hostname.rstrip(".")):
        return None
    return parts.netloc.rstrip(".")
