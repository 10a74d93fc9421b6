"""Proofs: Data Integrity (generic + one module per cryptosuite) and VC-JOSE-COSE."""
