"""Share links (issue 10 finding 10): anything malformed is "not a Skills Passport share link"."""

from __future__ import annotations

import pytest

from passport_vc.errors import MalformedValueError
from passport_vc.share_links import (
    b64url,
    decrypt_shared,
    encrypt_presentation,
    new_key,
    split_share_link,
)

KEY = b64url(bytes(range(32)))  # fixed: test ids must be the same in every xdist worker
GOOD = f"https://wallet.example/s/AbC_d-123#{KEY}"


def test_a_real_link_splits():
    assert split_share_link(GOOD) == ("https://wallet.example/s/AbC_d-123", "AbC_d-123", KEY)
    assert split_share_link(f"  http://localhost:5003/s/x1#{KEY}\n")[1] == "x1"


@pytest.mark.parametrize("link", [
    "http://[::1/s/a#k", "https://[v1.x]/s/a#k", "https://wallet.example:99999/s/a#k",
    "https://wallet.example:port/s/a#k", "https:///s/a#k", "https://wallet.example/s/a",
    "https://wallet.example/s/a#", "https://wallet.example/x/a#k", "https://wallet.example/s/#k",
    "ftp://wallet.example/s/a#k", "javascript:alert(1)//s/a#k", "https://u:p@wallet.example/s/a#k",
    "https://wallet.example/s/a?x=1#k", "https://wallet.example/s/a b#k",
    "https://wallet.example/s/a#k\ud800", "https://wallet.example/s/\u00e9#k",
    "https://wallet.example/s/a#k\x00", "https://wallet.example/s/a#k%2F", "", "   ",
    "https://wallet.example/s/" + "a" * 5000 + "#k", None, 5, ["https://x/s/a#k"], b"https://x/s/a#k",
])
def test_malformed_links_are_a_plain_error(link):
    with pytest.raises(MalformedValueError, match="not a Skills Passport share link"):
        split_share_link(link)


@pytest.mark.parametrize("envelope, key", [
    (None, KEY), ([], KEY), ({"type": "SkillsPassportSharedPresentation"}, KEY),
    ({"type": "SkillsPassportSharedPresentation", "alg": "A256GCM", "iv": 5,
      "ciphertext": "AA"}, KEY),
    ({"type": "SkillsPassportSharedPresentation", "alg": "A256GCM", "iv": "AAAA",
      "ciphertext": "AA"}, None),
    ({"type": "SkillsPassportSharedPresentation", "alg": "A256GCM", "iv": "AAAA",
      "ciphertext": "AA"}, 12),
])
def test_damaged_envelopes_are_plain_errors(envelope, key):
    from passport_vc.errors import PassportError

    with pytest.raises(PassportError):
        decrypt_shared(envelope, key)


def test_a_surrogate_inside_an_encrypted_record_is_refused():
    """The plaintext is JSON read by parse_json, so a lone surrogate there is refused too."""
    import zlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from passport_vc.errors import ParsingError
    from passport_vc.share_links import _AAD

    key = new_key()
    iv = b"\0" * 12
    plaintext = zlib.compress(b'{"type": "VerifiablePresentation", "x": "\\ud800"}')
    envelope = {"type": "SkillsPassportSharedPresentation", "alg": "A256GCM", "iv": b64url(iv),
                "ciphertext": b64url(AESGCM(key).encrypt(iv, plaintext, _AAD))}
    with pytest.raises(ParsingError):
        decrypt_shared(envelope, b64url(key))
    iv_text, ciphertext = encrypt_presentation({"a": 1}, key)
    assert decrypt_shared({"type": "SkillsPassportSharedPresentation", "alg": "A256GCM",
                           "iv": iv_text, "ciphertext": ciphertext}, b64url(key)) == {"a": 1}
