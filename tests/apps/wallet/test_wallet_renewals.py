"""One line per training: a renewal (``renews``) and the credential it renews are shown
together, the newest on top; credentials without the link group by issuer + achievement."""

from __future__ import annotations

import json
import re
from datetime import date

from wallet_support import ISSUED_AT, PASSWORD, Provider, post, sign_in

from passport_vc.issue import issue_credential
from schemas.builder import RENEWAL_CONTEXT


def _renewal(provider, old: dict, completed: date, *, link: bool = True) -> dict:
    credential, _ = provider.unsigned("moving-and-handling", completed=completed)
    if link:  # as schemas/builder.py writes it: the term comes with its own context
        credential["@context"].append(RENEWAL_CONTEXT)
        credential["renews"] = old["id"]
    return issue_credential(credential, provider.issuer_key, created=ISSUED_AT)


def _line_of(service, account_id: str, title: str):
    groups = service.record(account_id)
    heads = [entry for group in groups for entry in group.entries if entry.title == title]
    assert len(heads) == 1, heads  # one line, not a pile of duplicates
    group = next(group for group in groups if heads[0] in group.entries)
    return heads[0], group.older.get(heads[0].id, [])


def test_renewal_leads_its_line_and_the_old_one_stays_valid(service, provider):
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    old, _ = provider.issue("moving-and-handling", completed=date(2026, 1, 10))
    service.add_credential(account.id, json.dumps(old))
    new = _renewal(provider, old, date(2026, 11, 20))
    assert new["renews"] == old["id"]
    stored = service.add_credential(account.id, json.dumps(new))
    assert stored.state == "valid"  # "renews" is a defined term: it verifies (safe mode)
    head, older = _line_of(service, account.id, "Moving and handling of people")
    assert head.completed == date(2026, 11, 20)
    assert [entry.completed for entry in older] == [date(2026, 1, 10)]
    assert older[0].state in ("valid", "due-soon")  # left valid until its own expiry
    assert len(service.entries(account.id)) == 2  # sharing can still pick either


def test_without_a_link_same_issuer_and_achievement_still_group(service, provider):
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    first, _ = provider.issue("moving-and-handling", completed=date(2025, 1, 10))
    second = _renewal(provider, first, date(2026, 1, 12), link=False)
    third = _renewal(provider, second, date(2026, 11, 1), link=False)
    for document in (second, first, third):
        service.add_credential(account.id, json.dumps(document))
    head, older = _line_of(service, account.id, "Moving and handling of people")
    assert head.completed == date(2026, 11, 1)
    assert [entry.completed for entry in older] == [date(2026, 1, 12), date(2025, 1, 10)]
    assert older[-1].state == "expired"


def test_another_providers_same_course_is_its_own_line_unless_linked(service, network):
    one, other = Provider(network, name="One Ltd"), Provider(network, name="Other Ltd")
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    first, _ = one.issue("moving-and-handling", completed=date(2026, 1, 10))
    unlinked, _ = other.issue("moving-and-handling", completed=date(2026, 2, 10))
    service.add_credential(account.id, json.dumps(first))
    service.add_credential(account.id, json.dumps(unlinked))
    heads = [e for e in service.entries(account.id) if e.title.startswith("Moving")]
    assert len(heads) == 2
    groups = service.record(account.id)
    assert sum(len(group.entries) for group in groups) == 2  # two lines
    # a refresher from the other provider that says it renews the first (same topic) joins
    # both: the first by its link, the other's earlier one by issuer + achievement
    service.add_credential(account.id, json.dumps(_renewal(other, first, date(2026, 11, 2))))
    head, older = _line_of(service, account.id, "Moving and handling of people")
    assert head.completed == date(2026, 11, 2) and len(older) == 2


def test_record_page_collapses_history_under_the_current_one(app, service, provider):
    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    old, _ = provider.issue("moving-and-handling", completed=date(2026, 1, 10))
    service.add_credential(account.id, json.dumps(old))
    service.add_credential(account.id, json.dumps(_renewal(provider, old, date(2026, 11, 20))))
    client = app.test_client()
    sign_in(client, "amina@example.com")
    page = client.get("/record").get_data(as_text=True)
    assert page.count('<h3 class="govuk-summary-card__title">Moving and handling') == 1
    assert "Earlier completions (1)" in page and "Completed 10 January 2026" in page
    assert "You have 2 training certificates" in page


def test_an_employers_request_starts_with_only_the_current_one_ticked(app, service, provider):
    from urllib.parse import urlencode

    account = service.create_account("amina@example.com", PASSWORD, "Amina Okafor")
    old, _ = provider.issue("moving-and-handling", completed=date(2026, 1, 10))
    service.add_credential(account.id, json.dumps(old))
    new = service.add_credential(account.id, json.dumps(
        _renewal(provider, old, date(2026, 11, 20))))
    client = app.test_client()
    sign_in(client, "amina@example.com")
    uri = "https://rosewood.example/oid4vp/response"
    link = "openid4vp://?" + urlencode({
        "client_id": "redirect_uri:" + uri, "response_type": "vp_token",
        "response_mode": "direct_post", "response_uri": uri, "nonce": "n-1", "state": "s-1",
        "dcql_query": json.dumps({"credentials": [{"id": "training", "format": "ldp_vc"}]})})
    page = post(client, "/answer", {"request": link}, token_from="/answer").get_data(as_text=True)
    ticked = re.findall(r'name="credentials" type="checkbox" value="([^"]+)" checked', page)
    assert ticked == [new.id] and page.count('name="credentials"') == 2  # both offered
