"""`passport verify` end to end: files in, plain-English verdict and exit code out."""

from __future__ import annotations

import json
from datetime import date

import pytest

from passport_cli.main import main
from passport_vc.clock import fixed_clock
from passport_vc.did import build_did_document, local_path_for
from passport_vc.issue import IssuerKey, issue_credential, issue_credential_jwt
from passport_vc.keys import PrivateKey
from passport_vc.qr import encode_compact
from passport_vc.status import list_credential, new_list, set_status, status_entry

SIGNED_AT = fixed_clock("2026-11-01T09:00:00Z")
DID = "did:web:training.example:providers:northfield"
LIST_URL = "https://training.example/status/northfield/revocation/1"


@pytest.fixture
def world(tmp_path):
    key = PrivateKey.generate("Ed25519")
    path = local_path_for(DID, tmp_path / "dids")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(build_did_document(DID, [("key-1", key.public_key)],
                                                  assertion=["key-1"], authentication=[])))
    issuer_key = IssuerKey(key, DID + "#key-1")
    from schemas import build_training_credential, load_catalogue

    credential = build_training_credential(
        load_catalogue()["fire-safety"], issuer_id=DID, issuer_name="Northfield College",
        subject_name="Amina Okafor", subject_id=None, completed=date(2026, 6, 1),
        credential_id="urn:uuid:6a1f0e4c-9a59-4d1e-8f55-0c1c9b7f2a10")
    credential["credentialStatus"] = status_entry(LIST_URL, 4242, "revocation")
    signed = issue_credential(credential, issuer_key, clock=SIGNED_AT)
    bits = new_list()

    def write_list(revoked: bool):
        if revoked:
            set_status(bits, 4242, 1)
        status = issue_credential(list_credential(LIST_URL, DID, "revocation", bits,
                                                  valid_from="2026-06-01T00:00:00Z"), issuer_key,
                                  clock=SIGNED_AT)
        (tmp_path / "list.json").write_text(json.dumps(status))

    write_list(False)
    (tmp_path / "cred.json").write_text(json.dumps(signed))
    return {"dir": tmp_path, "key": issuer_key, "signed": signed, "write_list": write_list,
            "credential": credential}


def _verify(world, name: str, *extra: str) -> int:
    return main(["verify", str(world["dir"] / name), "--did-documents",
                 str(world["dir"] / "dids"), "--no-network", "--now", "2026-11-24T12:00:00Z",
                 "--document", f"{LIST_URL}={world['dir'] / 'list.json'}", *extra])


def test_verified_credential_exits_zero_and_explains(world, capsys):
    assert _verify(world, "cred.json") == 0
    out = capsys.readouterr().out
    assert "Signature: The signature is valid" in out and out.strip().endswith("VERIFIED")


def test_revoked_credential_is_not_verified(world, capsys):
    world["write_list"](True)
    assert _verify(world, "cred.json") == 1
    assert "revoked" in capsys.readouterr().out


def test_altered_credential_fails(world, capsys):
    altered = json.loads(json.dumps(world["signed"]))
    altered["credentialSubject"]["achievement"]["name"] = "Advanced fire safety"
    (world["dir"] / "altered.json").write_text(json.dumps(altered))
    assert _verify(world, "altered.json") == 1
    assert "NOT VERIFIED" in capsys.readouterr().out


def test_qr_text_and_jwt_and_json_output(world, capsys):
    import zlib

    import base45

    text = encode_compact(world["signed"])
    assert text.startswith("SP2:")
    (world["dir"] / "qr.txt").write_text(text)
    assert _verify(world, "qr.txt") == 0
    capsys.readouterr()
    minified = json.dumps(world["signed"], separators=(",", ":"), ensure_ascii=False)
    old = "SP1:" + base45.b45encode(zlib.compress(b"J" + minified.encode(), 9)).decode()
    (world["dir"] / "old-qr.txt").write_text(old + "\n")  # printed before SP2
    assert _verify(world, "old-qr.txt") == 0
    capsys.readouterr()
    token = issue_credential_jwt(world["credential"], world["key"], clock=SIGNED_AT)
    (world["dir"] / "cred.jwt").write_text(token)
    assert _verify(world, "cred.jwt", "--json") == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True


def test_status_unreachable_is_not_verified(world, capsys):
    code = main(["verify", str(world["dir"] / "cred.json"), "--did-documents",
                 str(world["dir"] / "dids"), "--no-network", "--now", "2026-11-24T12:00:00Z"])
    assert code == 1
    assert "could not be checked" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["", "{not json", "x" * 10, '{"@context": []}',
                                     "SP2:" + "ABC" * 20, "SP2:%%%", "SP1:ABC"])
def test_bad_input_is_a_plain_message(world, capsys, content):
    (world["dir"] / "bad.json").write_text(content)
    assert _verify(world, "bad.json") == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out and "NOT VERIFIED" in out or "Not verified" in out


def test_missing_file(world, capsys):
    assert _verify(world, "nope.json") == 1
    assert "There is no file called" in capsys.readouterr().out


def test_configuration_errors_are_a_sentence_not_a_traceback(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("PASSPORT_MASTER_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["wallet", "init"]) == 1
    err = capsys.readouterr().err
    assert "PASSPORT_MASTER_KEY" in err and "passport keys master-key" in err
    assert "Traceback" not in err


def test_sd_jwt_vc_shows_what_the_holder_disclosed(world, capsys):
    from passport_vc.sd_jwt_vc import issue_sd_jwt_vc, present_sd_jwt_vc

    holder = PrivateKey.generate("Ed25519")
    token = issue_sd_jwt_vc(world["credential"], world["key"], holder.public_key,
                            clock=SIGNED_AT)
    now = fixed_clock("2026-11-24T12:00:00Z")
    shared = present_sd_jwt_vc(token, ["name"], signer=holder, nonce="n-42",
                               audience="https://employer.example", clock=now)
    (world["dir"] / "shared.txt").write_text(shared)
    assert _verify(world, "shared.txt", "--challenge", "n-42", "--domain",
                   "https://employer.example") == 0
    out = capsys.readouterr().out
    assert "Holder's key: It was sent by the wallet" in out
    assert "Shown by the holder: name; kept hidden: 0" in out
    assert _verify(world, "shared.txt", "--challenge", "other", "--domain",
                   "https://employer.example") == 1
    assert "not made for this request" in capsys.readouterr().out
    (world["dir"] / "issued.txt").write_text(token)
    assert _verify(world, "issued.txt", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verified"] is True and data["facts"]["format"] == "dc+sd-jwt"
    assert data["facts"]["disclosed"] == ["name"]  # the issued form carries every disclosure
    assert _verify(world, "issued.txt", "--format", "dc+sd-jwt") == 0
    capsys.readouterr()
    assert _verify(world, "issued.txt", "--format", "vc+jwt") != 0
    assert "This is not a vc+jwt (a dc+sd-jwt credential instead)" in "".join(
        capsys.readouterr())


def test_vp1_qr_text_from_the_learner_credential_wallet(tmp_path, capsys):
    from pathlib import Path

    fixture = json.loads((Path(__file__).parents[1] / "vectors" / "vpqr" / "fixture.json")
                         .read_text(encoding="utf-8"))
    (tmp_path / "lcw.txt").write_text(fixture["qr"]["cbor-ld-1.0/base32"]["text"] + "\n")
    assert main(["verify", str(tmp_path / "lcw.txt"), "--no-network",
                 "--now", "2026-11-24T12:00:00Z"]) == 0
    assert "Credential from did:key:" in capsys.readouterr().out
