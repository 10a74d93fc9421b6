"""VC-JOSE-COSE §3.2 "With SD-JWT": a VC 2.0 credential as ``application/vc+sd-jwt`` and a
presentation as ``application/vp+sd-jwt``.

Unlike the IETF SD-JWT VC (``dc+sd-jwt``, ``passport_vc.sd_jwt_vc``), the SD-JWT payload here
IS the W3C credential or presentation (``@context``, ``type``, …) with some members replaced by
digests; the issuer (or holder) signs it with ``typ`` ``vc+sd-jwt`` / ``vp+sd-jwt`` and ``cty``
``vc`` / ``vp``. The SD-JWT itself — disclosures, digests, key binding — is
``passport_vc.proofs.sd_jwt`` (the ``sd-jwt`` reference library); this module only adds what
VC-JOSE-COSE says about the payload, the same as for ``vc+jwt`` / ``vp+jwt`` (``jose.py``):

- the key id must name a key of the issuer (holder); ``iss``, when present, must be them;
- the JWT claims ``vc`` and ``vp`` are refused; ``nbf``/``exp`` are NumericDates and enforced,
  a non-numeric ``iat`` is ignored (it is informational);
- which members may be made selectively disclosable is chosen by dotted paths
  (``credentialSubject.address.street``, ``phoneNumbers[0]``); members a verifier needs to
  validate the credential stay visible (§3.2.1: "@context, type, credentialStatus,
  credentialSchema, and relatedResource"), and so do the issuer and the validity dates.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from ..clock import Clock, system_clock
from ..errors import KeyBindingError, MalformedProofError, MalformedValueError
from ..keys import PublicKey, Signer
from .cose import absolute_kid
from .jose import (
    REGISTERED_CLAIMS,
    VC2_CONTEXT,
    _check_time,
    _holder_of,
    _issuer_of,
    _timestamp,
    read_unverified,
)
from .sd_jwt import issue_sd_jwt, split, verify_sd_jwt

VC_SD_JWT_TYPE = "vc+sd-jwt"
VP_SD_JWT_TYPE = "vp+sd-jwt"
# kind -> (typ, cty) as VC-JOSE-COSE §3.2.1 / §3.2.2 recommend them
MEDIA_TYPES = {"credential": (VC_SD_JWT_TYPE, "vc"), "presentation": (VP_SD_JWT_TYPE, "vp")}
# members that stay visible: what a verifier needs to validate (§3.2.1 / §3.2.2 SHOULD), and
# for a credential who issued it and when it is valid
ALWAYS_SHOWN = {
    "credential": frozenset({"@context", "type", "issuer", "validFrom", "validUntil",
                             "credentialStatus", "credentialSchema", "relatedResource"}),
    "presentation": frozenset({"@context", "type"}),
}
# JWT and SD-JWT names a document may not use as members (they would be read as claims)
RESERVED = frozenset({*REGISTERED_CLAIMS, "nonce", "cnf", "vc", "vp", "_sd", "_sd_alg", "..."})
MAX_PATHS = 64
MAX_PATH_CHARS = 512
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d{1,6}\])*)")


@dataclass(frozen=True)
class VerifiedVcSdJwt:
    """A vc+sd-jwt / vp+sd-jwt that checked out; ``document`` has the disclosed members."""

    kind: str
    header: dict
    document: dict
    kid: str
    claims: dict  # the registered JWT claims (iss, iat, nbf, exp, …)
    disclosed: list[str]  # names (or "[item]") of the members the token disclosed
    withheld: int  # digests left hidden (withheld members and any decoys)
    key_binding: dict | None
    holder_key: PublicKey | None


# --- which members are selectively disclosable -------------------------------------------------
def parse_path(path: object) -> list[str | int]:
    """``credentialSubject.phoneNumbers[0]`` -> ``["credentialSubject", "phoneNumbers", 0]``."""
    if not isinstance(path, str) or not path or len(path) > MAX_PATH_CHARS:
        raise MalformedValueError(f"{path!r:.80} is not a path to a member")
    steps: list[str | int] = []
    for segment in path.split("."):
        match = _SEGMENT.fullmatch(segment)
        if match is None:
            raise MalformedValueError(f"{path!r:.80} is not a path to a member (write "
                                      "name.name[0])")
        steps.append(match.group(1))
        steps.extend(int(index) for index in re.findall(r"\d+", match.group(2)))
    return steps


def _sd_obj():
    from sd_jwt.common import SDObj

    return SDObj


def _plain(key: object) -> object:
    return key.value if isinstance(key, _sd_obj()) else key


def _child(node: object, step: str | int, path: str) -> object:
    if isinstance(step, int):
        if not isinstance(node, list) or step >= len(node):
            raise MalformedValueError(f"{path} names no list item", path=path)
        return _plain(node[step])
    if not isinstance(node, dict):
        raise MalformedValueError(f"{path} names no member", path=path)
    for key, value in node.items():
        if _plain(key) == step:
            return value
    raise MalformedValueError(f"{path} names no member", path=path)


def mark_selective(document: dict, paths: Iterable[str], kind: str) -> dict:
    """A copy of ``document`` with the members at ``paths`` wrapped as the ``sd-jwt``
    library's selectively disclosable ``SDObj`` (a member's name, or a list item)."""
    sd_obj = _sd_obj()
    marked = copy.deepcopy(document)
    paths = list(paths)
    if len(paths) > MAX_PATHS:
        raise MalformedValueError(f"At most {MAX_PATHS} members can be selectively disclosable")
    if len(set(paths)) != len(paths):
        raise MalformedValueError("A member is named twice as selectively disclosable")
    for path in paths:
        steps = parse_path(path)
        if len(steps) == 1 and steps[0] in ALWAYS_SHOWN[kind]:
            raise MalformedValueError(f"{steps[0]} must stay visible: a verifier needs it to "
                                      f"check the {kind}", path=path)
        if steps[-1] in ("@context", "_sd", "..."):
            raise MalformedValueError(f"{steps[-1]} cannot be selectively disclosable", path=path)
        parent: object = marked
        for step in steps[:-1]:
            parent = _child(parent, step, path)
        last = steps[-1]
        _child(parent, last, path)  # it exists
        if isinstance(last, int):
            parent[last] = sd_obj(parent[last])  # type: ignore[index]
        else:
            items = list(parent.items())  # type: ignore[union-attr]
            parent.clear()  # type: ignore[union-attr]
            parent.update({(sd_obj(key) if key == last else key): value  # type: ignore[union-attr]
                           for key, value in items})
    return marked


# --- issuing -------------------------------------------------------------------------------------
def _secure(document: dict, signer: Signer, *, kid: str, selective: Iterable[str], kind: str,
            clock: Clock) -> str:
    typ, cty = MEDIA_TYPES[kind]
    if not isinstance(document, dict):
        raise MalformedValueError(f"The {kind} must be a JSON object")
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != VC2_CONTEXT:
        raise MalformedValueError(f"Only VC 2.0 {kind}s can be secured as {typ}",
                                  path="@context")
    party = _issuer_of(document) if kind == "credential" else _holder_of(document)
    who = "issuer" if kind == "credential" else "holder"
    if not party or not isinstance(kid, str) or kid.split("#", 1)[0] != party:
        raise KeyBindingError(f"The key {kid!r} does not belong to the {who} {party}")
    clashing = sorted(RESERVED & set(document))
    if clashing:
        raise MalformedValueError(f"The {kind} uses the reserved JWT name {clashing[0]!r}")
    payload = mark_selective(document, selective, kind)
    payload["iss"] = party
    payload["iat"] = int(clock().timestamp())
    if kind == "credential":
        for claim, member in (("nbf", "validFrom"), ("exp", "validUntil")):
            value = _timestamp(document, member)
            if value is not None:
                payload[claim] = value
    return issue_sd_jwt(payload, signer, header={"kid": kid, "typ": typ, "cty": cty})


def issue_vc_sd_jwt(credential: dict, signer: Signer, *, kid: str, selective: Iterable[str] = (),
                    clock: Clock = system_clock) -> str:
    """``<issuer-signed JWT>~<disclosure>~…~``: every disclosure included (the holder drops
    the ones it does not want to show when it presents)."""
    return _secure(credential, signer, kid=kid, selective=selective, kind="credential",
                   clock=clock)


def issue_vp_sd_jwt(presentation: dict, signer: Signer, *, kid: str,
                    selective: Iterable[str] = (), clock: Clock = system_clock) -> str:
    return _secure(presentation, signer, kid=kid, selective=selective, kind="presentation",
                   clock=clock)


# --- verifying -----------------------------------------------------------------------------------
def kind_of(token: str) -> str | None:
    """"credential" / "presentation" for a VC-JOSE-COSE SD-JWT (``typ`` vc+sd-jwt / vp+sd-jwt
    over a W3C document), else None — e.g. an IETF SD-JWT VC, whose drafts before -06 also
    wrote ``vc+sd-jwt`` but carry ``vct`` and no ``@context``."""
    header, payload = read_unverified(split(token)[0])
    for kind, (typ, _cty) in MEDIA_TYPES.items():
        if header.get("typ") == typ and "@context" in payload and "vct" not in payload:
            return kind
    return None


def verify_vc_sd_jwt(token: str, *, kind: str, public_key_for_kid: Callable[[str], PublicKey],
                     clock: Clock = system_clock, nonce: str | None = None,
                     audience: str | None = None,
                     leeway: timedelta = timedelta(seconds=60)) -> VerifiedVcSdJwt:
    """Verify a vc+sd-jwt (``kind`` "credential") or vp+sd-jwt ("presentation").

    The key id is read relative to the issuer (holder) as far as the signed payload shows
    them, else to ``iss``; after the disclosures are applied the issuer (holder) must be the
    key's controller. A challenge/domain (``nonce``/``audience``) must be answered by the
    key binding (RFC 9901 §4.3).
    """
    typ, _cty = MEDIA_TYPES[kind]
    who = "issuer" if kind == "credential" else "holder"
    party_of = _issuer_of if kind == "credential" else _holder_of
    used: list[str] = []

    def key_for(header: dict, payload: dict) -> PublicKey:
        if "vc" in payload or "vp" in payload:
            # VC-JOSE-COSE §3.1.1 / §3.2: the secured document is the payload itself
            raise MalformedProofError(f"A {typ} carries the {kind} itself, not a 'vc' or 'vp' "
                                      "claim")
        base = party_of(payload) or (payload.get("iss") if isinstance(payload.get("iss"), str)
                                     else None)
        kid = absolute_kid(header.get("kid"), base)
        used.append(kid)
        return public_key_for_kid(kid)

    verified = verify_sd_jwt(token, key_for=key_for, expected_types=frozenset({typ}),
                             nonce=nonce, audience=audience, clock=clock, check_times=False)
    kid = used[-1]
    claims = verified.claims
    document = {name: value for name, value in claims.items()
                if name not in (*REGISTERED_CLAIMS, "nonce", "cnf")}
    party = party_of(document)
    if not party:
        raise KeyBindingError(f"The {kind} does not show its {who} (not disclosed), so the key "
                              f"cannot be checked as theirs")
    if kid.split("#", 1)[0] != party:
        raise KeyBindingError(f"The {kind} was signed with {kid}, which is not a key of its "
                              f"{who} {party}")
    if "iss" in claims and claims["iss"] != party:
        raise KeyBindingError(f"The token's issuer {claims['iss']!r} is not the {kind}'s "
                              f"{who} {party!r}")
    _check_time(claims, clock(), leeway, kind)
    registered = {name: claims[name] for name in (*REGISTERED_CLAIMS, "nonce") if name in claims}
    shown = [item.name if item.name is not None else "[item]" for item in verified.disclosures]
    return VerifiedVcSdJwt(kind=kind, header=verified.header, document=document, kid=kid,
                           claims=registered, disclosed=shown, withheld=verified.undisclosed,
                           key_binding=verified.key_binding, holder_key=verified.holder_key)


__all__ = ["MEDIA_TYPES", "VC_SD_JWT_TYPE", "VP_SD_JWT_TYPE", "VerifiedVcSdJwt",
           "issue_vc_sd_jwt", "issue_vp_sd_jwt", "kind_of", "mark_selective", "parse_path",
           "verify_vc_sd_jwt"]
