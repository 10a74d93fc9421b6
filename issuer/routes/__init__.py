"""Blueprints of the issuer service: public (DID, status, OpenID4VCI), api, pages."""
