"""VerificationResult: one entry per check, never an exception for a bad credential."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import PassportError

CHECK_NAMES = ("structure", "proof", "issuer_binding", "validity", "status", "schema",
               "holder_binding", "presentation")


@dataclass
class Check:
    """The outcome of one check. ``ok`` is None when the check could not run (e.g. offline)."""

    name: str
    ok: bool | None
    message: str
    problem: dict | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        data: dict[str, Any] = {"check": self.name, "ok": self.ok, "message": self.message}
        if self.problem:
            data["problem"] = self.problem
        if self.details:
            data["details"] = self.details
        return data


@dataclass
class VerificationResult:
    """What a verifier learnt about one credential or presentation."""

    kind: str  # "credential" | "presentation"
    checks: list[Check] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    document: dict | None = None
    credentials: list[VerificationResult] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        if not self.checks:
            return False
        own = all(check.ok is True for check in self.checks)
        return own and all(inner.verified for inner in self.credentials)

    @property
    def errors(self) -> list[dict]:
        found = [c.problem or {"title": c.message} for c in self.checks if c.ok is False]
        for inner in self.credentials:
            found.extend(inner.errors)
        return found

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def passed(self, name: str, message: str, **details: Any) -> Check:
        check = Check(name, True, message, details=details)
        self.checks.append(check)
        return check

    def failed(self, name: str, error: PassportError | str, **details: Any) -> Check:
        if isinstance(error, PassportError):
            check = Check(name, False, error.detail, problem=error.to_problem(), details=details)
        else:
            check = Check(name, False, error, details=details)
        self.checks.append(check)
        return check

    def unknown(self, name: str, message: str, **details: Any) -> Check:
        check = Check(name, None, message, details=details)
        self.checks.append(check)
        return check

    def warn(self, message: str, **details: Any) -> None:
        self.warnings.append({"message": message, **details})

    def to_json(self) -> dict:
        data: dict[str, Any] = {
            "verified": self.verified,
            "checks": [c.name for c in self.checks if c.ok],
            "results": [c.to_json() for c in self.checks],
            "warnings": self.warnings,
            "errors": self.errors,
        }
        if self.facts:
            data["facts"] = self.facts
        if self.credentials:
            data["credentialResults"] = [inner.to_json() for inner in self.credentials]
        return data
