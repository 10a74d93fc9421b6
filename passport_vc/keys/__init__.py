"""Keys as typed objects: Multikey and JWK views, encrypted storage."""

from .keypairs import CURVES, PrivateKey, PublicKey, Signer

__all__ = ["CURVES", "PrivateKey", "PublicKey", "Signer"]
