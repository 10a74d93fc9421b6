"""Private keys at rest (sealed envelopes, encrypted PKCS#8) and the ``passport keys`` CLI."""

from __future__ import annotations

import json
import stat

import pytest

from passport_cli.main import main
from passport_vc.did import default_resolver, did_web_to_url, local_path_for
from passport_vc.errors import ConfigError, ConflictError, CryptographicSecurityError
from passport_vc.keys import PrivateKey
from passport_vc.keys.keypairs import b64url, b64url_decode
from passport_vc.keys.storage import (
    generate_master_key,
    load_pkcs8,
    open_private_key,
    parse_master_key,
    read_sealed_envelope,
    save_pkcs8,
    seal_private_key,
)

CURVES = ("Ed25519", "P-256", "P-384", "P-521")


# --- master keys -----------------------------------------------------------------------------
def test_master_key_round_trip_and_randomness():
    text = generate_master_key()
    assert len(text) == 43
    assert len(parse_master_key(text)) == 32
    assert parse_master_key(f"  {text}\n") == parse_master_key(text)
    assert parse_master_key(text.encode()) == parse_master_key(text)
    assert generate_master_key() != text


@pytest.mark.parametrize("bad", ["", "   ", "short", b64url(b"x" * 16), b64url(b"x" * 33),
                                 "!" * 43, b"\xff" * 43, None])
def test_bad_master_keys_are_config_errors_with_a_clear_message(bad):
    with pytest.raises(ConfigError) as raised:
        parse_master_key(bad)
    assert "master key" in raised.value.detail


# --- sealed keys -----------------------------------------------------------------------------
@pytest.mark.parametrize("curve", CURVES)
def test_seal_and_open_round_trip(curve):
    master = parse_master_key(generate_master_key())
    key = PrivateKey.generate(curve)
    sealed = seal_private_key(key, master, context="did:web:example.com#key-1")
    opened = open_private_key(sealed, master, context="did:web:example.com#key-1")
    assert opened.public_key == key.public_key
    assert key.public_key.verify(opened.sign(b"record"), b"record")
    envelope = json.loads(sealed)
    assert envelope["v"] == "sp-sealed-key/1" and envelope["curve"] == curve
    assert envelope["publicKeyMultibase"] == key.public_key.multibase
    assert read_sealed_envelope(sealed)["curve"] == curve
    assert " " not in sealed  # compact
    # Fresh randomness every time: same key, different ciphertext.
    assert seal_private_key(key, master, context="x") != seal_private_key(key, master, context="x")


def test_the_sealed_text_holds_no_plain_secret():
    master = parse_master_key(generate_master_key())
    key = PrivateKey.from_raw("Ed25519", bytes(range(32)))
    sealed = seal_private_key(key, master)
    assert b64url(bytes(range(32))) not in sealed
    assert bytes(range(32)).hex() not in sealed


def test_wrong_master_key_or_context_fails_plainly():
    master = parse_master_key(generate_master_key())
    sealed = seal_private_key(PrivateKey.generate(), master, context="did:web:a.example#key-1")
    with pytest.raises(CryptographicSecurityError) as raised:
        open_private_key(sealed, parse_master_key(generate_master_key()),
                         context="did:web:a.example#key-1")
    assert "master key is wrong" in raised.value.detail
    with pytest.raises(CryptographicSecurityError):
        open_private_key(sealed, master, context="did:web:a.example#key-2")
    with pytest.raises(CryptographicSecurityError):
        open_private_key(sealed, master)  # no context is a different context


def _tampered(sealed: str, field: str, change) -> str:
    envelope = json.loads(sealed)
    envelope[field] = change(envelope[field])
    return json.dumps(envelope)


def _flip_last_byte(text: str) -> str:
    data = bytearray(b64url_decode(text))
    data[-1] ^= 1
    return b64url(bytes(data))


def test_tampering_with_any_part_is_detected():
    master = parse_master_key(generate_master_key())
    key = PrivateKey.generate("P-256")
    sealed = seal_private_key(key, master, context="c")
    other = PrivateKey.generate("P-256").public_key.multibase
    tampered = [
        _tampered(sealed, "ciphertext", _flip_last_byte),
        _tampered(sealed, "wrappedKey", _flip_last_byte),
        _tampered(sealed, "ciphertext", lambda value: value[:20]),
        _tampered(sealed, "publicKeyMultibase", lambda value: other),
        _tampered(sealed, "curve", lambda value: "P-384"),
        _tampered(sealed, "curve", lambda value: "RSA"),
        _tampered(sealed, "alg", lambda value: "none"),
        _tampered(sealed, "v", lambda value: "sp-sealed-key/0"),
        _tampered(sealed, "ciphertext", lambda value: "!!!"),
        _tampered(sealed, "wrappedKey", lambda value: 5),
        "not json", "[]", "{}", "x" * 10_000,
    ]
    for text in tampered:
        with pytest.raises(CryptographicSecurityError):
            open_private_key(text, master, context="c")


def test_a_sealed_key_cannot_be_swapped_between_records():
    master = parse_master_key(generate_master_key())
    first = seal_private_key(PrivateKey.generate(), master, context="record-1")
    second = seal_private_key(PrivateKey.generate(), master, context="record-2")
    # Mix and match the wrapped data key of one with the ciphertext of the other.
    mixed = json.loads(first)
    mixed["wrappedKey"] = json.loads(second)["wrappedKey"]
    for context in ("record-1", "record-2"):
        with pytest.raises(CryptographicSecurityError):
            open_private_key(json.dumps(mixed), master, context=context)
    with pytest.raises(CryptographicSecurityError):
        open_private_key(second, master, context="record-1")


def test_master_key_must_be_32_bytes():
    with pytest.raises(ConfigError):
        seal_private_key(PrivateKey.generate(), b"short")
    with pytest.raises(ConfigError):
        open_private_key("{}", b"x" * 31)


# --- PKCS#8 files ----------------------------------------------------------------------------
@pytest.mark.parametrize("curve", CURVES)
def test_pkcs8_round_trip_with_owner_only_permissions(tmp_path, curve):
    key = PrivateKey.generate(curve)
    path = save_pkcs8(tmp_path / "keys" / "issuer.pem", key, b"correct horse battery")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert load_pkcs8(path, b"correct horse battery").public_key == key.public_key
    assert [p.name for p in path.parent.iterdir()] == ["issuer.pem"]  # no temporary left


def test_pkcs8_errors(tmp_path):
    key = PrivateKey.generate()
    path = save_pkcs8(tmp_path / "k.pem", key, b"passphrase-1")
    with pytest.raises(CryptographicSecurityError) as raised:
        load_pkcs8(path, b"wrong")
    assert "passphrase is wrong" in raised.value.detail
    with pytest.raises(ConflictError):
        save_pkcs8(path, PrivateKey.generate(), b"passphrase-1")
    replacement = PrivateKey.generate()
    save_pkcs8(path, replacement, b"passphrase-2", overwrite=True)
    assert load_pkcs8(path, b"passphrase-2").public_key == replacement.public_key
    with pytest.raises(ConfigError):
        save_pkcs8(tmp_path / "empty.pem", key, b"")
    with pytest.raises(ConfigError):
        load_pkcs8(tmp_path / "missing.pem", b"x")
    damaged = tmp_path / "damaged.pem"
    damaged.write_bytes(path.read_bytes()[:120])
    with pytest.raises(CryptographicSecurityError):
        load_pkcs8(damaged, b"passphrase-2")


# --- passport keys CLI -----------------------------------------------------------------------
@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase.txt"
    path.write_text("a long enough passphrase\n")
    return path


def _new(tmp_path, passphrase_file, *extra: str) -> int:
    return main(["keys", "new", "--key-dir", str(tmp_path / "instance" / "keys"),
                 "--did-documents", str(tmp_path / "did-documents"),
                 "--passphrase-file", str(passphrase_file), *extra])


def test_keys_new_web_writes_a_resolvable_document_and_an_encrypted_key(tmp_path, passphrase_file,
                                                                       capsys):
    assert _new(tmp_path, passphrase_file, "--did", "web", "--host", "training.example.org",
                "--path", "providers/acme") == 0
    output = capsys.readouterr().out
    did = "did:web:training.example.org:providers:acme"
    assert f"DID: {did}" in output
    assert f"Verification method: {did}#key-1" in output
    assert did_web_to_url(did) in output
    document_path = local_path_for(did, tmp_path / "did-documents")
    assert document_path.is_file()
    method, document = default_resolver(
        did_documents_dir=tmp_path / "did-documents").resolve_verification_method(f"{did}#key-1")
    assert document.authorizes(method.id, "assertionMethod")

    key_files = sorted((tmp_path / "instance" / "keys").glob("*.pem"))
    assert len(key_files) == 1
    assert stat.S_IMODE(key_files[0].stat().st_mode) == 0o600
    key = load_pkcs8(key_files[0], b"a long enough passphrase")
    assert key.public_key == method.public_key
    # The secret never reaches the terminal.
    secret = key.to_cryptography().private_bytes_raw()
    assert b64url(secret) not in output and secret.hex() not in output


def test_keys_new_web_again_adds_a_key_and_keeps_the_old_one(tmp_path, passphrase_file, capsys):
    assert _new(tmp_path, passphrase_file, "--host", "localhost:5001") == 0
    assert _new(tmp_path, passphrase_file, "--host", "localhost:5001", "--curve", "P-256") == 0
    output = capsys.readouterr().out
    assert "did:web:localhost%3A5001#key-2" in output
    document = json.loads(local_path_for("did:web:localhost%3A5001",
                                         tmp_path / "did-documents").read_text())
    ids = [method["id"] for method in document["verificationMethod"]]
    assert ids == ["did:web:localhost%3A5001#key-1", "did:web:localhost%3A5001#key-2"]
    assert document["assertionMethod"] == ids
    assert len(list((tmp_path / "instance" / "keys").glob("*.pem"))) == 2


@pytest.mark.parametrize(("method", "prefix", "suffix"), [("key", "did:key:z6Mk", "#z6Mk"),
                                                         ("jwk", "did:jwk:", "#0")])
def test_keys_new_key_and_jwk(tmp_path, passphrase_file, capsys, method, prefix, suffix):
    assert _new(tmp_path, passphrase_file, "--did", method) == 0
    output = capsys.readouterr().out
    did = output.split("DID: ", 1)[1].split()[0]
    verification_method = output.split("Verification method: ", 1)[1].split()[0]
    assert did.startswith(prefix) and verification_method.startswith(did + suffix)
    resolved, _ = default_resolver().resolve_verification_method(verification_method)
    pem = next((tmp_path / "instance" / "keys").glob("*.pem"))
    assert load_pkcs8(pem, b"a long enough passphrase").public_key == resolved.public_key
    assert not (tmp_path / "did-documents").exists()


def test_keys_new_errors(tmp_path, passphrase_file, capsys):
    assert _new(tmp_path, passphrase_file, "--did", "web") == 1
    assert "needs --host" in capsys.readouterr().err
    assert _new(tmp_path, passphrase_file, "--host", "https://example.com/x") == 1
    assert _new(tmp_path, passphrase_file, "--host", "example.com", "--path", "../etc") == 1
    short = tmp_path / "short.txt"
    short.write_text("abc")
    assert _new(tmp_path, short, "--host", "example.com") == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert _new(tmp_path, tmp_path / "missing.txt", "--host", "example.com") == 1
    assert not (tmp_path / "instance").exists() and not (tmp_path / "did-documents").exists()


def test_keys_show(tmp_path, passphrase_file, capsys):
    assert _new(tmp_path, passphrase_file, "--host", "example.com") == 0
    capsys.readouterr()
    pem = next((tmp_path / "instance" / "keys").glob("*.pem"))
    assert main(["keys", "show", str(pem), "--passphrase-file", str(passphrase_file)]) == 0
    output = capsys.readouterr().out
    key = load_pkcs8(pem, b"a long enough passphrase")
    assert key.public_key.multibase in output
    assert "did:web:example.com#key-1" in output
    assert b64url(key.to_cryptography().private_bytes_raw()) not in output

    document = local_path_for("did:web:example.com", tmp_path / "did-documents")
    assert main(["keys", "show", str(document)]) == 0
    assert "did:web:example.com#key-1 (Ed25519, Multikey) for: assertionMethod" in \
        capsys.readouterr().out

    sealed = tmp_path / "sealed.json"
    sealed.write_text(seal_private_key(key, parse_master_key(generate_master_key())))
    assert main(["keys", "show", str(sealed)]) == 0
    assert key.public_key.multibase in capsys.readouterr().out

    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    assert main(["keys", "show", str(pem), "--passphrase-file", str(wrong)]) == 1
    assert "passphrase is wrong" in capsys.readouterr().err
    assert main(["keys", "show", str(tmp_path / "nothing.pem")]) == 1
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{\"hello\": 1}")
    assert main(["keys", "show", str(garbage)]) == 1


def test_master_key_command_prints_a_usable_key(capsys):
    from passport_cli.main import main
    from passport_vc.keys.storage import parse_master_key

    assert main(["keys", "master-key"]) == 0
    first = capsys.readouterr().out.strip()
    assert len(parse_master_key(first)) == 32
    assert main(["keys", "master-key"]) == 0
    assert capsys.readouterr().out.strip() != first
