"""Every credential the demo's providers issue validates against 1EdTech's Open Badges 3.0
AchievementCredential schema (tests/vectors/ob3/schema; provenance in tests/vectors/PROVENANCE.md)
and still verifies, revoked and suspended ones included as such."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft201909Validator
from sqlalchemy import select

SCHEMA = Path(__file__).parents[1] / "vectors" / "ob3" / "schema" / \
    "ob_v3p0_achievementcredential_schema.json"


def test_every_demo_credential_validates_against_the_ob3_schema(scene):
    from issuer.storage import records

    demo, _details, _clock = scene
    validator = Draft201909Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    issuer = demo.apps["issuer"].extensions["issuer"]
    with issuer.db.reading() as session:
        rows = session.execute(select(records.c.document, records.c.state)).all()
    assert len(rows) >= 12
    problems = {}
    for row in rows:
        document = json.loads(row.document)
        errors = [f"{list(error.path)}: {error.message}"
                  for error in validator.iter_errors(document)]
        if errors:
            problems[document["id"]] = errors
    assert problems == {}
    states = {row.state for row in rows}
    assert {"revoked", "active"} <= states  # the demo revokes one: status still works
