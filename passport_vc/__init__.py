"""Skills Passport credential engine: W3C Verifiable Credentials, offline and strict.

The core never imports Flask (except ``integrations/flask.py``). Services call the recipes in
``passport_vc.issue`` and ``passport_vc.verify``; everything else is a primitive.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
