"""Issue 10 findings 1–2 at the wallet's add pages: hostile JSON is a plain message, never a 500."""

from __future__ import annotations

import io
import json

import pytest
from wallet_support import PASSWORD, post, sign_in


def _hostile(document: dict, how: str) -> str:
    if how == "surrogate":
        text = json.dumps(document)
        return text.replace('"credentialSubject": {', '"credentialSubject": {"x": "\\ud800", ', 1)
    changed = dict(document)
    changed["@context"] = [*document["@context"], {"@vocab": None}]
    return json.dumps(changed)


@pytest.mark.parametrize("how", ["surrogate", "null-vocab"])
@pytest.mark.parametrize("path", ["/add/text", "/add/file"])
def test_add_pages_refuse_hostile_json_plainly(sqlite_app, provider, path, how):
    service = sqlite_app.extensions["wallet"]
    account = service.create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    text = _hostile(provider.issue("fire-safety")[0], how)
    if path == "/add/text":
        response = post(client, path, {"text": text})
    else:
        response = post(client, path, {"file": (io.BytesIO(text.encode()), "x.json")},
                        content_type="multipart/form-data")
    assert response.status_code in (400, 422), response.status_code
    page = response.get_data(as_text=True)
    assert "broken character" in page or "@context" in page
    assert service.entries(account.id) == []
