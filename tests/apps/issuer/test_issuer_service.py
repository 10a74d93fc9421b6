"""IssuerService without Flask: providers, keys, issuing, the register, status lists."""

from __future__ import annotations

import json
from datetime import date

import pytest

from passport_vc.errors import ConflictError, MalformedValueError, NotFoundError
from passport_vc.keys import PublicKey
from passport_vc.status import decode_list, get_status


def test_provider_did_document_is_published_and_written(service, acme):
    assert acme.did == "did:web:localhost%3A5001:providers:acme"
    document = service.providers.did_document("acme")
    assert document["id"] == acme.did
    assert document["assertionMethod"] == [acme.did + "#key-1"]
    path = service.config.did_documents_dir / "localhost%3A5001" / "providers" / "acme" / \
        "did.json"
    assert json.loads(path.read_text()) == document


def test_issue_signs_a_credential_that_verifies(service, acme, verifier):
    record = service.issuance.issue("acme", "moving-and-handling", subject_name="Jo  Bloggs",
                           completed=date(2026, 3, 1), hours=6,
                           assessment_method="Observed practice")
    assert record.subject_name == "Jo Bloggs"
    assert record.valid_until == date(2027, 3, 1)  # yearly refresher
    document = record.document
    assert document["issuer"]["id"] == acme.did
    # one lifecycle entry (Open Badges 3.0 allows a single credentialStatus object)
    entry = document["credentialStatus"]
    assert (entry["statusPurpose"], entry["statusSize"]) == ("message", 2)
    assert [m["message"] for m in entry["statusMessage"]] == ["valid", "suspended", "revoked",
                                                              "revoked"]
    assert isinstance(document["proof"], list) and len(document["proof"]) == 1
    result = verifier.verify_credential(document)
    assert result.verified, result.to_json()
    assert {check.name for check in result.checks} >= {"proof", "issuer_binding", "status",
                                                       "schema"}


def test_bad_input_is_refused_and_nothing_is_stored(service, acme):
    cases = [dict(course_key="no-such-course"),
             dict(subject_name="  "),
             dict(completed=date(2030, 1, 1)),
             dict(hours="lots"),
             dict(subject_email="not-an-email"),
             dict(holder_did="https://example.com")]
    for case in cases:
        arguments = {"course_key": "fire-safety", "subject_name": "Sam", "completed":
                     date(2026, 1, 2), **case}
        course = arguments.pop("course_key")
        with pytest.raises(MalformedValueError):
            service.issuance.issue("acme", course, **arguments)
    assert service.register.counts("acme")["total"] == 0


def test_status_indexes_are_random_and_never_reused(service, acme):
    records = [service.issuance.issue("acme", "fire-safety", subject_name=f"Worker {n}",
                             completed=date(2026, 1, 2)) for n in range(20)]
    positions = [record.lifecycle for record in records]
    assert len(set(positions)) == 20
    assert max(index for _, index in positions) > 1000  # random, not sequential
    assert all(record.revocation is None and record.suspension is None for record in records)


def test_revoke_flips_the_bit_in_the_served_list(service, acme, verifier, client):
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026,
                                                                                              1, 2))
    list_no, index = record.lifecycle
    before = client.get(f"/status/acme/message/{list_no}")
    assert before.status_code == 200
    assert before.headers["Cache-Control"] == "public, max-age=300"
    bits = decode_list(before.json["credentialSubject"]["encodedList"])
    assert get_status(bits, index, 2) == 0 and len(bits) * 8 >= 131_072 * 2
    assert before.json["credentialSubject"]["statusPurpose"] == "message"

    revoked = service.status.revoke(record.id, "Certificate issued in error")
    assert revoked.state == "revoked" and revoked.reason == "Certificate issued in error"
    after = client.get(f"/status/acme/message/{list_no}")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert get_status(decode_list(after.json["credentialSubject"]["encodedList"]), index,
                      2) == 2  # revoked
    # the list credential itself is signed by the provider and verifies
    assert verifier.verify_credential(after.json).verified
    result = verifier.verify_credential(record.document)
    assert not result.verified
    assert result.check("status").ok is False and "revoked" in result.check("status").message
    with pytest.raises(ConflictError):
        service.status.reinstate(record.id)


def test_status_list_is_cached_until_the_bits_change(service, acme, client):
    service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026, 1, 2))
    first = client.get("/status/acme/message/1")
    again = client.get("/status/acme/message/1",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/status/acme/message/1").json == first.json  # not signed again
    assert client.get("/status/acme/message/9").status_code == 404
    assert client.get("/status/acme/other/1").status_code == 404


def test_suspend_and_reinstate(service, acme, verifier):
    record = service.issuance.issue("acme", "medication", subject_name="Sam", completed=date(2026,
                                                                                             1, 2))
    service.status.suspend(record.id, "Checking the assessment")
    result = verifier.verify_credential(record.document)
    assert not result.verified and "suspended" in result.check("status").message
    assert result.check("status").details["state"] == "suspended"
    with pytest.raises(ConflictError):
        service.status.suspend(record.id, "again")
    assert service.status.reinstate(record.id).state == "active"
    assert verifier.verify_credential(record.document).verified
    with pytest.raises(MalformedValueError):
        service.status.revoke(record.id, "   ")  # a reason is required
    service.status.suspend(record.id, "Checking again")
    service.status.revoke(record.id, "Assessment not done")  # revoking a suspended credential
    result = verifier.verify_credential(record.document)
    assert result.check("status").details["state"] == "revoked"


def test_correct_revokes_and_reissues_with_a_link(service, acme, verifier):
    record = service.issuance.issue("acme", "medication", subject_name="Sam Smiht",
                           completed=date(2026, 1, 2))
    corrected = service.issuance.correct(record.id, subject_name="Sam Smith")
    old = service.register.record(record.id)
    assert old.state == "replaced" and old.replaced_by == corrected.id
    assert corrected.replaces == record.id
    assert corrected.document["replaces"] == record.credential_id
    assert corrected.lifecycle != record.lifecycle
    assert verifier.verify_credential(corrected.document).verified
    assert not verifier.verify_credential(record.document).verified
    with pytest.raises(MalformedValueError):
        service.issuance.correct(corrected.id, subject_name="Sam Smith")  # nothing changed
    with pytest.raises(MalformedValueError):
        service.issuance.correct(corrected.id, issuer="someone else")


def test_rotation_keeps_old_credentials_verifying(service, acme, verifier, client):
    old = service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026, 1,
                                                                                           2))
    first_list = client.get("/status/acme/message/1").json
    assert service.providers.rotate_key("acme") == acme.did + "#key-2"
    new = service.issuance.issue("acme", "fire-safety", subject_name="Kim", completed=date(2026, 1,
                                                                                           2))
    assert new.verification_method.endswith("#key-2")
    document = service.providers.did_document("acme")
    assert [m["id"].rsplit("#")[1] for m in document["verificationMethod"]] == ["key-1",
                                                                             "key-2"]
    assert verifier.verify_credential(old.document).verified
    assert verifier.verify_credential(new.document).verified
    # a removed (compromised) key leaves the document; what it signed no longer verifies
    service.providers.remove_key("acme", acme.did + "#key-1")
    assert [m["id"] for m in service.providers.did_document("acme")["verificationMethod"]] == [
        acme.did + "#key-2"]
    fresh = type(verifier)(resolver=type(verifier.resolver)(verifier.resolver.methods),
                           fetch=verifier.fetch, clock=verifier.clock, schemas=verifier.schemas)
    assert not fresh.verify_credential(old.document).verified
    assert fresh.verify_credential(new.document).verified
    # the status list signed with the withdrawn key was signed again with the current one
    assert first_list["proof"]["verificationMethod"].endswith("#key-1")
    relisted = client.get("/status/acme/message/1").json
    assert relisted["proof"]["verificationMethod"].endswith("#key-2")
    assert fresh.verify_credential(relisted).verified
    # numbers are never reused, even after a removal
    assert service.providers.rotate_key("acme").endswith("#key-3")
    with pytest.raises(NotFoundError):
        service.providers.remove_key("acme", acme.did + "#key-9")


def test_removing_the_signing_key_rotates_first(service, acme):
    service.providers.remove_key("acme", acme.did + "#key-1")
    states = {key.vm_id.rsplit("#")[1]: key.state for key in service.providers.keys("acme")}
    assert states == {"key-1": "removed", "key-2": "active"}
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026,
                                                                                              1, 2))
    assert record.verification_method.endswith("#key-2")


def test_private_keys_are_sealed_at_rest(service, acme):
    from sqlalchemy import select

    from issuer.storage import provider_keys

    with service.db.reading() as session:
        row = session.execute(select(provider_keys)).first()
    sealed = json.loads(row.sealed_private)
    assert sealed["v"] == "sp-sealed-key/1" and "d" not in sealed
    assert PublicKey.from_multibase(row.public_multibase).curve == "Ed25519"


def test_p256_provider_signs_with_ecdsa(service, verifier):
    service.providers.create_provider("Beta Learning", "beta", curve="P-256")
    record = service.issuance.issue("beta", "fire-safety", subject_name="Sam", completed=date(2026,
                                                                                              1, 2))
    assert record.document["proof"][0]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert verifier.verify_credential(record.document).verified


def test_jwt_and_bound_copies_verify(service, acme, verifier, holder):
    _key, did, _vm = holder
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026,
                                                                                              1, 2))
    token = service.issuance.credential_document(record.id, "jwt_vc_json")
    assert isinstance(token, str) and token.count(".") == 2
    assert verifier.verify_credential(token).verified
    bound = service.issuance.credential_document(record.id, "ldp_vc", holder_did=did)
    assert bound["credentialSubject"]["id"] == did
    assert bound["credentialStatus"] == record.document["credentialStatus"]
    assert verifier.verify_credential(bound).verified


def test_search_the_register(service, acme):
    service.issuance.issue("acme", "fire-safety", subject_name="Sam Jones", completed=date(2026, 1,
                                                                                           2),
                  subject_email="sam@example.com")
    service.issuance.issue("acme", "medication", subject_name="Kim Patel", completed=date(2025, 6,
                                                                                          1))
    assert [r.subject_name for r in service.register.search("acme", "jones")] == ["Sam Jones"]
    assert [r.subject_name for r in service.register.search("acme", "SAM@EXAMPLE")] == ["Sam Jones"]
    assert [r.subject_name for r in service.register.search("acme", course="medication")] == [
        "Kim Patel"]
    assert len(service.register.search("acme", date_from=date(2026, 1, 1))) == 1
    assert len(service.register.search("acme", date_to=date(2025, 12, 31))) == 1
    assert service.register.search("acme", "100%_") == []
    kim = service.register.search("acme", "kim")[0]
    assert service.register.search("acme", kim.credential_id)[0].id == kim.id


def test_providers_are_isolated(service, acme):
    service.providers.create_provider("Other Org", "other")
    record = service.issuance.issue("acme", "fire-safety", subject_name="Sam", completed=date(2026,
                                                                                              1, 2))
    with pytest.raises(NotFoundError):
        service.register.record(record.id, provider="other")
    with pytest.raises(NotFoundError):
        service.status.revoke(record.id, "not yours", provider="other")
    assert service.register.record(record.id).state == "active"
    assert service.register.search("other") == []


def test_provider_input_is_checked(service, acme):
    with pytest.raises(ConflictError):
        service.providers.create_provider("Again", "acme")
    with pytest.raises(MalformedValueError):
        service.providers.create_provider("Bad", "Bad Slug!")
    with pytest.raises(MalformedValueError):
        service.providers.create_provider("Bad", "bad", curve="RSA")
    own = service.providers.create_provider("Own Host", "own", host="training.example.org")
    assert own.did == "did:web:training.example.org"


def test_providers_own_courses(service, acme):
    service.catalogue.add_course("acme", {"key": "hoist-training", "title": "Using a ceiling hoist",
                                "category": "other", "topic": "moving-and-handling",
                                "refresh_months": 12})
    record = service.issuance.issue("acme", "hoist-training", subject_name="Sam",
                           completed=date(2026, 1, 2))
    assert record.course_title == "Using a ceiling hoist"
    with pytest.raises(ConflictError):
        service.catalogue.add_course("acme", {"key": "fire-safety", "title": "x",
                                              "category": "other",
                                    "topic": "fire-safety"})
    service.providers.create_provider("Other Org", "other")
    with pytest.raises(MalformedValueError):
        service.issuance.issue("other", "hoist-training", subject_name="Sam", completed=date(2026,
                                                                                             1, 2))


def test_own_host_did_document_is_served_by_host(service, app):
    own = service.providers.create_provider("Own Host", "own", host="training.example.org")
    client = app.test_client()
    served = client.get("/.well-known/did.json", base_url="https://training.example.org")
    assert served.status_code == 200 and served.json["id"] == own.did
    assert client.get("/.well-known/did.json").status_code == 404  # another host
    assert client.get("/providers/own/did.json").status_code == 404
    path_host = service.providers.create_provider("Path Host", "pathy",
                                                  host="example.org/training/acme")
    assert path_host.did == "did:web:example.org:training:acme"
    served = client.get("/training/acme/did.json", base_url="https://example.org")
    assert served.json["id"] == path_host.did


def test_health_check(client):
    assert client.get("/healthz").json == {"status": "pass", "service": "Issue training records"}
