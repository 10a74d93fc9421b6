"""Open Badges 2.0 badges the way a provider's website publishes them (OB 2.0 Final shapes):
an issuer profile, a badge class, a hosted assertion, and a signed (RS256 JWS) assertion with
its CryptographicKey and revocation list. ``documents`` is what a fetcher serves."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk, jws

CONTEXT = "https://w3id.org/openbadges/v2"
SITE = "https://moodle.college.example"
ISSUER = f"{SITE}/badges/issuer.json"
BADGE = f"{SITE}/badges/badgeclass/7"
KEY = f"{SITE}/badges/key.json"
REVOCATIONS = f"{SITE}/badges/revocations.json"


@dataclass
class Ob2Site:
    documents: dict = field(default_factory=dict)
    private_key: object = None

    def hosted(self, number: int = 1, **changes) -> dict:
        assertion = {"@context": CONTEXT, "type": "Assertion",
                     "id": f"{SITE}/badges/assertion/{number}",
                     "recipient": {"type": "email", "hashed": True, "salt": "s4lt",
                                   "identity": "sha256$" + "ab" * 32},
                     "badge": BADGE, "verification": {"type": "hosted"},
                     "issuedOn": "2026-03-02T10:00:00Z", "expires": "2027-03-02T10:00:00Z",
                     "evidence": {"narrative": "Completed the online course and quiz"}}
        assertion.update(changes)
        self.documents[assertion["id"]] = copy.deepcopy(assertion)
        return assertion

    def signed(self, number: int = 2, *, alg: str = "RS256", **changes) -> str:
        assertion = self.hosted(number, verification={"type": "signed", "creator": KEY},
                                **changes)
        del self.documents[assertion["id"]]  # signed badges are not hosted
        key = jwk.JWK.from_pyca(self.private_key)
        token = jws.JWS(json.dumps(assertion).encode())
        token.add_signature(key, alg=alg, protected=json.dumps({"alg": alg}))
        return token.serialize(compact=True)

    def revoke(self, assertion_id: str, reason: str = "Issued in error") -> None:
        self.documents[REVOCATIONS]["revokedAssertions"].append(
            {"id": assertion_id, "revocationReason": reason})


def ob2_site() -> Ob2Site:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    site = Ob2Site(private_key=private)
    site.documents.update({
        ISSUER: {"@context": CONTEXT, "type": "Issuer", "id": ISSUER,
                 "name": "Northfield College (Moodle)", "url": SITE,
                 "email": "badges@college.example", "publicKey": KEY,
                 "revocationList": REVOCATIONS},
        BADGE: {"@context": CONTEXT, "type": "BadgeClass", "id": BADGE,
                "name": "Infection prevention and control", "description": "Online course",
                "image": f"{SITE}/badges/7.png",
                "criteria": {"narrative": "Pass the end-of-course quiz"}, "issuer": ISSUER},
        KEY: {"@context": CONTEXT, "type": "CryptographicKey", "id": KEY, "owner": ISSUER,
              "publicKeyPem": pem},
        REVOCATIONS: {"@context": CONTEXT, "type": "RevocationList", "id": REVOCATIONS,
                      "issuer": ISSUER, "revokedAssertions": []},
    })
    return site


def baked_png(content: str) -> bytes:
    """A PNG badge image with ``content`` in its iTXt chunk "openbadges" (OB 2.0 Baking)."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadges", content)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 94, 165)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def baked_svg(verify: str, inner: str = "") -> bytes:
    """An SVG badge with an <openbadges:assertion> element (OB 2.0 Baking)."""
    body = f"<![CDATA[{inner}]]>" if inner else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:openbadges="http://openbadges.org" width="64" height="64">'
            f'<openbadges:assertion verify="{verify}">{body}</openbadges:assertion>'
            f'<circle cx="32" cy="32" r="30" fill="#005ea5"/></svg>').encode()
