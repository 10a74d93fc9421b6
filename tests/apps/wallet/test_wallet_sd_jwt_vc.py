"""Other formats in the wallet. SD-JWT VCs: stored as received, shown like any training, shared
whole in an interview QR, or with only the details the worker chooses (signed by the wallet's
key). VP1- QR export of one JSON-LD credential for other checkers."""

from __future__ import annotations

import json
from datetime import date

import pytest
from wallet_support import ISSUED_AT, PASSWORD

from passport_vc.did import public_key_from_did_key
from passport_vc.errors import MalformedValueError
from passport_vc.qr import decode_compact
from passport_vc.sd_jwt_vc import issue_sd_jwt_vc
from passport_vc.share_links import decrypt_shared

VERIFIER = "https://rosecare.example"


def sd_jwt_for(provider, account, course="moving-and-handling", **options) -> str:
    credential, _ = provider.unsigned(course, holder=account.did, **options)
    credential["evidence"] = [{"type": ["Evidence"], "narrative": "Observed in practice"}]
    return issue_sd_jwt_vc(credential, provider.issuer_key, public_key_from_did_key(account.did),
                           clock=lambda: ISSUED_AT)


@pytest.fixture
def account(service):
    return service.create_account("amina", PASSWORD, "Amina Okafor")


def test_stored_as_received_and_shown_like_any_training(service, provider, account, network):
    token = sd_jwt_for(provider, account)
    stored = service.add_credential(account.id, token)
    assert (stored.format, stored.title, stored.state) == ("dc+sd-jwt",
                                                            "Moving and handling of people",
                                                            "valid")
    assert service.add_credential(account.id, token).duplicate
    detail = service.credential(account.id, stored.id)
    assert detail["row"]["raw"] == token
    assert detail["summary"]["subject_name"] == "Amina Okafor"
    name, media_type, data = service.download(account.id, stored.id)
    assert name.endswith(".sd-jwt") and media_type == "application/dc+sd-jwt"
    assert data.decode() == token
    assert decode_compact(service.qr_text(account.id, stored.id)) == token
    assert {claim for claim, _label, _value in service.disclosable(account.id, stored.id)} == {
        "name", "evidence"}


def test_revocation_is_picked_up_on_recheck(service, provider, account):
    credential, index = provider.unsigned("fire-safety", holder=account.did)
    token = issue_sd_jwt_vc(credential, provider.issuer_key,
                            public_key_from_did_key(account.did), clock=lambda: ISSUED_AT)
    stored = service.add_credential(account.id, token)
    provider.set("revocation", index)
    assert service.recheck(account.id, stored.id)[0].verdict.state == "revoked"


def test_worker_shows_only_the_details_they_choose(service, provider, account, network):
    stored = service.add_credential(account.id, sd_jwt_for(provider, account))
    shared = service.selective_presentation(account.id, stored.id, ["evidence"], nonce="n-9",
                                            audience=VERIFIER)
    result = network.verifier().verify_sd_jwt_vc(shared, nonce="n-9", audience=VERIFIER)
    assert result.verified, result.to_json()
    assert result.facts["disclosed"] == ["evidence"] and "name" not in result.facts["claims"]
    log = [entry for entry in service.activity(account.id) if entry["action"] == "shared"]
    assert "showing evidence (1 kept hidden)" in log[0]["detail"]
    with pytest.raises(MalformedValueError, match="only details"):
        service.selective_presentation(account.id, stored.id, ["birthdate"], nonce="n",
                                       audience=VERIFIER)
    ldp = service.add_credential(account.id, provider.issue("dignity", holder=account.did)[0])
    assert service.disclosable(account.id, ldp.id) == []
    with pytest.raises(MalformedValueError, match="Only an SD-JWT"):
        service.selective_presentation(account.id, ldp.id, [], nonce="n", audience=VERIFIER)


def test_interview_share_carries_the_sd_jwt_whole(service, provider, account, network):
    service.add_credential(account.id, sd_jwt_for(provider, account, completed=date(2026, 3, 2)))
    service.add_credential(account.id, provider.issue("dignity", holder=account.did)[0])
    share = service.create_share(account.id, "all-current", challenge="c-1",
                                 domain="rosecare.example")
    presentation = decrypt_shared(service.shared_envelope(share.id), share.url.split("#")[1])
    ids = [item.get("id", "") for item in presentation["verifiableCredential"]]
    assert any(value.startswith("data:application/dc+sd-jwt,") for value in ids)
    result = network.verifier().verify_presentation(presentation, challenge="c-1",
                                                    domain="rosecare.example")
    assert result.verified, json.dumps(result.to_json())[:2000]
    formats = sorted(inner.facts["format"] for inner in result.credentials)
    assert formats == ["dc+sd-jwt", "ldp_vc"]


def test_share_some_page_makes_a_qr_with_only_the_ticked_details(app, service, provider,
                                                                 account, network):
    import html
    import re

    from wallet_support import post, sign_in

    stored = service.add_credential(account.id, sd_jwt_for(provider, account))
    ldp = service.add_credential(account.id, provider.issue("dignity", holder=account.did)[0])
    service.create_account("sam", PASSWORD, "Sam Lee")
    client = app.test_client()
    sign_in(client, "amina")
    details = client.get(f"/training/{stored.id}").get_data(as_text=True)
    assert f"/training/{stored.id}/show-some" in details
    page = client.get(f"/training/{stored.id}/show-some").get_data(as_text=True)
    assert 'value="name"' in page and 'value="evidence"' in page and "Amina Okafor" in page
    missing = post(client, f"/training/{stored.id}/show-some", {"show": ["evidence"]},
                   token_from=f"/training/{stored.id}/show-some")
    assert missing.status_code == 400 and "web address" in missing.get_data(as_text=True)
    made = post(client, f"/training/{stored.id}/show-some",
                {"show": ["evidence"], "audience": VERIFIER, "code": "check-77"},
                token_from=f"/training/{stored.id}/show-some")
    text = made.get_data(as_text=True)
    assert made.status_code == 200 and "<svg" in text and "It shows Evidence" in text
    shared = html.unescape(re.search(r'readonly>([^<]+)</textarea>', text).group(1)).strip()
    result = network.verifier().verify_sd_jwt_vc(shared, nonce="check-77", audience=VERIFIER)
    assert result.verified and result.facts["disclosed"] == ["evidence"]
    assert client.get(f"/training/{ldp.id}/show-some").status_code == 400
    other = app.test_client()
    sign_in(other, "sam")
    assert other.get(f"/training/{stored.id}/show-some").status_code == 404


def test_offer_client_takes_the_sd_jwt_only_when_nothing_else_is_offered():
    from wallet.offers import OfferClient

    supported = {"a": {"format": "dc+sd-jwt"}, "b": {"format": "ldp_vc"}}
    metadata = {"credential_configurations_supported": supported}
    assert OfferClient.choose({"credential_configuration_ids": ["a", "b"]}, metadata) == [
        ("b", "ldp_vc")]
    assert OfferClient.choose({"credential_configuration_ids": ["a"]}, metadata) == [
        ("a", "dc+sd-jwt")]


def test_vp1_export_of_a_single_credential_reads_back_and_verifies(app, service, provider,
                                                                  account, network):
    from wallet_support import sign_in

    from passport_vc.vpqr import decode_vpqr

    document, _ = provider.issue("fire-safety", holder=account.did)
    stored = service.add_credential(account.id, document)
    text = service.vpqr_text(account.id, stored.id)
    assert text.startswith("VP1-R") and decode_vpqr(text) == document
    assert network.verifier().verify_credential(text).verified
    sd = service.add_credential(account.id, sd_jwt_for(provider, account, "dignity"))
    assert service.vpqr_text(account.id, sd.id) is None  # a JWT is not JSON-LD
    client = app.test_client()
    sign_in(client, "amina")
    assert f"/training/{stored.id}/vp1" in client.get(f"/training/{stored.id}").get_data(
        as_text=True)
    page = client.get(f"/training/{stored.id}/vp1")
    assert page.status_code == 200 and "VP1 QR code for Fire safety" in page.get_data(
        as_text=True)
    assert f"/training/{sd.id}/vp1" not in client.get(f"/training/{sd.id}").get_data(
        as_text=True)
    assert client.get(f"/training/{sd.id}/vp1").status_code == 404


def test_open_badges_2_import_hosted_and_signed_with_an_honest_verdict(service, account,
                                                                       network, provider):
    from support.ob2 import ob2_site

    site = ob2_site()
    hosted, signed = site.hosted(), site.signed()
    network.fetcher.documents.update({url: json.dumps(doc).encode()
                                      for url, doc in site.documents.items()})
    first = service.add_credential(account.id, json.dumps(hosted))
    second = service.add_credential(account.id, signed)
    assert (first.format, first.state, second.state) == ("ob2", "older-format", "older-format")
    assert first.title == "Infection prevention and control"
    entry = [e for e in service.entries(account.id) if e.id == first.id][0]
    assert "not signed by a key" in entry.verdict.message
    assert json.loads(service.credential(account.id, first.id)["row"]["raw"]) == hosted
    assert service.download(account.id, second.id)[0].endswith(".jws")
    current = service.add_credential(account.id, provider.issue("dignity",
                                                                holder=account.did)[0])
    share = service.create_share(account.id, "all-current")
    assert share.credential_ids == (current.id,)  # older-format badges are not "current"
    with pytest.raises(MalformedValueError, match="older-format badge"):
        service.create_share(account.id, [first.id])
    # the provider's website withdraws it: the wallet says so on the next check
    network.fetcher.documents[hosted["id"]] = json.dumps({**hosted, "revoked": True}).encode()
    assert service.recheck(account.id, first.id)[0].verdict.state == "revoked"


def test_a_baked_badge_image_uploads_as_an_older_format_badge(app, service, account, network):
    import io

    from support.ob2 import baked_png, ob2_site
    from wallet_support import post, sign_in

    site = ob2_site()
    hosted = site.hosted()
    network.fetcher.documents.update({url: json.dumps(doc).encode()
                                      for url, doc in site.documents.items()})
    client = app.test_client()
    sign_in(client, "amina")
    response = post(client, "/add/file", {"file": (io.BytesIO(baked_png(hosted["id"])),
                                                   "badge.png")}, token_from="/add",
                    content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    [entry] = service.entries(account.id)
    assert (entry.format, entry.verdict.state) == ("ob2", "older-format")
    assert entry.title == "Infection prevention and control"
    page = client.get(f"/training/{entry.id}").get_data(as_text=True)
    assert "Open Badges 2.0 (older format" in page
    assert "PNG badge" not in page  # re-baking is for Open Badges 3.0 credentials only
    assert client.get(f"/training/{entry.id}/badge.png").status_code == 404
