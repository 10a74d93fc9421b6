"""A hostile "training provider" answering the wallet's OpenID4VCI client (real HTTP on
127.0.0.1): every odd answer is a plain message, never an AttributeError or ValueError (500).

Found while checking finding 9's class: an offer fetched by reference skipped the checks an
offer in the link gets, so ``"grants": []`` was an AttributeError; a provider's details with
``credential_configurations_supported`` not an object, or an authorization server address
urlsplit cannot read, crashed the same way.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote

import pytest

from passport_vc.errors import PassportError
from passport_web.network import NetworkSettings
from wallet.http import HttpClient
from wallet.offers import OfferClient

from .conftest import NOW, make_provider
from .servers import serve

PRE = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


class Provider(BaseHTTPRequestHandler):
    answers: dict[str, object] = {}

    def log_message(self, *args) -> None:
        pass

    def _answer(self) -> None:
        body = json.dumps(type(self).answers.get(self.path.split("?")[0], {})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture(scope="module")
def provider_server():
    with serve(Provider) as server:
        yield f"http://localhost:{server.port}"


def _offer(base: str, **changes) -> dict:
    return {"credential_issuer": base, "credential_configuration_ids": ["training"],
            "grants": {PRE: {"pre-authorized_code": "code"}}, **changes}


def _metadata(base: str, **changes) -> dict:
    return {"credential_issuer": base, "credential_endpoint": base + "/credential",
            "token_endpoint": base + "/token",
            "credential_configurations_supported": {"training": {"format": "ldp_vc"}},
            **changes}


CASES = [
    ("offer", {"grants": [1]}), ("offer", {"grants": "x"}), ("offer", {"grants": {PRE: "x"}}),
    ("offer", {"credential_issuer": "https://[::1"}), ("offer", {"credential_issuer": 5}),
    ("offer", {"credential_configuration_ids": [{}]}),
    ("metadata", {"credential_configurations_supported": [1]}),
    ("metadata", {"credential_configurations_supported": {"training": "ldp_vc"}}),
    ("metadata", {"token_endpoint": None, "authorization_servers": ["https://[::1"]}),
    ("metadata", {"token_endpoint": None, "authorization_servers": "x"}),
    ("metadata", {"credential_endpoint": "https://[::1/credential"}),
    ("token", {"access_token": ["x"]}), ("token", {"access_token": "t", "c_nonce": 5}),
    ("credential", {"credentials": "x"}), ("credential", {"credentials": [{"credential": 5}]}),
]


@pytest.mark.parametrize("where, change", CASES, ids=repr)
def test_hostile_provider_answers_are_plain_errors(provider_server, where, change):
    base = provider_server
    Provider.answers = {
        "/offer": _offer(base), "/.well-known/openid-credential-issuer": _metadata(base),
        "/token": {"access_token": "t", "c_nonce": "n"},
        "/credential": {"credentials": [{"credential": {"not": "a credential"}}]}}
    target = {"offer": "/offer", "metadata": "/.well-known/openid-credential-issuer",
              "token": "/token", "credential": "/credential"}[where]
    Provider.answers[target] = {**Provider.answers[target], **change}
    host = base.split("//", 1)[1]
    client = OfferClient(HttpClient(NetworkSettings(http_hosts=frozenset({host})),
                                    timeout=5), lambda: NOW)
    holder = make_provider()
    from wallet.offers import HolderProof

    link = "openid-credential-offer://?credential_offer_uri=" + quote(base + "/offer")
    with pytest.raises(PassportError):
        client.accept(link, HolderProof(holder.signer, holder.verification_method))
