"""``passport verify`` reads the file strictly: a byte that is not UTF-8, a lone surrogate or a
hostile context is a sentence and exit code 1, not a traceback or a misleading verdict."""

from __future__ import annotations

import json

import pytest

from passport_cli.main import main


@pytest.mark.parametrize("content, words", [
    (b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Jos\xe9"}',
     "not text (UTF-8)"),
    (b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "\\ud800"}',
     "broken character"),
    (json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": None}],
                 "type": ["VerifiableCredential"], "issuer": "did:key:z6MkhaXgBZDvotDkL5257fai"
                 "ztiGiC2QtKLGpbnnEGta2doK", "credentialSubject": {"id": "did:example:1"}}
                ).encode(), "@context"),
])
def test_hostile_files_are_a_plain_message(tmp_path, capsys, content, words):
    path = tmp_path / "credential.json"
    path.write_bytes(content)
    assert main(["verify", str(path), "--no-network"]) == 1
    out = capsys.readouterr().out
    assert words in out and "Traceback" not in out
    assert "VERIFIED" not in out.replace("NOT VERIFIED", "")
