"""The W3C Verifiable Credentials data model (2.0, and 1.1 for verifying): shape, validity
period, related-resource digests and JSON Schema checks."""

from __future__ import annotations

from .related_resource import check_related_resources
from .schema_check import SchemaStore, check_credential_schemas
from .validity import check_validity, validity_window
from .vcdm import V1_CONTEXT, V2_CONTEXT, validate_credential, validate_presentation

__all__ = ["SchemaStore", "V1_CONTEXT", "V2_CONTEXT", "check_credential_schemas",
           "check_related_resources", "check_validity", "validate_credential",
           "validate_presentation", "validity_window"]
