"""Skills Passport credential engine: W3C Verifiable Credentials, offline and strict.

The engine imports no web, database, command-line or service module (tests/test_layers.py
keeps it so). Services call the recipes in ``passport_vc.issue`` and ``passport_vc.verify``;
everything else is a primitive.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
