"""Baked badges in the wallet (Open Badges 3.0 host role): download a credential baked into a
PNG or SVG badge, and import such an image into another worker's record."""

from __future__ import annotations

import io

import pytest
from wallet_support import PASSWORD, post, sign_in

from passport_vc.baking import unbake


@pytest.mark.parametrize("kind, media_type", [("png", "image/png"), ("svg", "image/svg+xml")])
def test_a_baked_badge_round_trips_through_the_wallet(sqlite_app, provider, kind, media_type):
    service = sqlite_app.extensions["wallet"]
    giver = service.create_account("amina", PASSWORD, "Amina Okafor")
    document, _index = provider.issue("fire-safety")
    stored = service.add_credential(giver.id, document)
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    badge = client.get(f"/training/{stored.id}/badge.{kind}")
    assert badge.status_code == 200 and badge.mimetype == media_type
    assert f'.{kind}"' in badge.headers["Content-Disposition"]
    assert unbake(badge.data) == document  # the signed credential, unchanged
    assert client.get(f"/training/{stored.id}/badge.gif").status_code == 404

    service.create_account("ben", PASSWORD, "Ben Ade")
    other = sqlite_app.test_client()
    sign_in(other, "ben")
    response = post(other, "/add/file", {"file": (io.BytesIO(badge.data), f"badge.{kind}")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Fire safety was added" in other.get("/record").get_data(as_text=True)


def test_an_image_without_a_credential_is_refused_plainly(sqlite_app):
    from PIL import Image

    sqlite_app.extensions["wallet"].create_account("amina", PASSWORD, "Amina Okafor")
    client = sqlite_app.test_client()
    sign_in(client, "amina")
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="PNG")
    response = post(client, "/add/file", {"file": (io.BytesIO(out.getvalue()), "plain.png")},
                    content_type="multipart/form-data")
    assert response.status_code == 400
    assert "no badge credential baked into it" in response.get_data(as_text=True)
