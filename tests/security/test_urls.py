"""Web addresses chosen by someone else (status-list URLs, OpenID4VP request fields): one that
urlsplit cannot read (``https://[::1``, a bad port) is a project error, never a ValueError.

Found while checking finding 10's class: a credential signed with a status-list URL of
``https://[::1/x`` made the services' fetcher raise ValueError (a 500 at the verifier).
"""

from __future__ import annotations

import pytest

from passport_vc.errors import FetchError, MalformedValueError, PassportError

BAD_URLS = ["https://[::1/x", "http://[::1/x", "https://[v1.x/", "https://x.example:99999/a",
            "https://x.example:port/a", "http://[fe80::1%eth0/x"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_services_fetcher_refuses_unreadable_addresses(url):
    from passport_web.network import Network, NetworkSettings

    for hosts in (frozenset(), frozenset({"localhost:5001"})):
        with pytest.raises(FetchError):
            Network(NetworkSettings(http_hosts=hosts)).fetcher.get(url)


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_status_list_at_an_unreadable_address_is_a_status_error(url):
    from datetime import UTC, datetime

    from passport_vc.result import VerificationResult
    from passport_vc.status import check_status
    from passport_web.network import Network, NetworkSettings

    document = {"issuer": "did:web:x.example", "credentialStatus": {
        "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "3", "statusListCredential": url}}
    with pytest.raises(PassportError):
        check_status(document, fetch=Network(NetworkSettings()).fetcher,
                     clock=lambda: datetime.now(UTC),
                     verify_list_credential=lambda d: VerificationResult("credential"))


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_wallet_refuses_an_unreadable_employer_request(url):
    from wallet.oid4vp import VpRequest, parse_link, safe_redirect, validate_request

    link = "openid4vp://" + url.split("//", 1)[1].split("/", 1)[0] + "?client_id=x"
    try:
        assert parse_link(link) == {"client_id": "x"}  # the link's host plays no part
    except MalformedValueError:
        pass
    with pytest.raises(MalformedValueError):
        validate_request({"client_id": "redirect_uri:" + url, "response_uri": url,
                          "response_type": "vp_token", "response_mode": "direct_post"})
    request = VpRequest("redirect_uri:https://v.example/r", "https://v.example/r", "n", "s",
                        "training")
    assert safe_redirect(url, request) is None
